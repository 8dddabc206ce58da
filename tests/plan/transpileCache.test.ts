import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { create } from "ts-node";
import { PROJECT_DIR } from "../helpers/offline";

const HOOK = path.join(PROJECT_DIR, "tools", "plan", "transpileCache.js");

// A project small enough to run in a moment: its tsconfig extends another, lib.ts has types to
// erase above the line that makes a stack trace (so generated and source lines differ), and
// main.ts reports what it ran and whether ts-node was loaded to run it.
const LIB = `export interface Greeting {
    text: string;
}
export type Name = string;
export const shout = (name: Name): string => name.toUpperCase();
export function where(): string {
    return String(new Error("here").stack).split("\\n")[1].trim();
}
`;
const WHERE_LINE = 7;
const MAIN = `import { shout, where } from "./lib";
const loaded = Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]ts-node[\\\\/]/.test(file));
console.log(JSON.stringify({ shout: shout("x"), source: shout.toString(), where: where(), tsNodeLoaded: loaded }));
`;

interface Report {
    shout: string;
    source: string;
    where: string;
    tsNodeLoaded: boolean;
}

function project(target = "ES2022"): { dir: string; cache: string } {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-transpile-"));
    writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { target, module: "commonjs", strict: true } }));
    writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: "./base.json" }));
    writeFileSync(path.join(dir, "lib.ts"), LIB);
    writeFileSync(path.join(dir, "main.ts"), MAIN);
    return { dir, cache: path.join(dir, ".cache") };
}

/** The environment without the test runner's own TS_NODE_* settings, if any. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    return { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_"))), ...extra };
}

function run(dir: string, preload: string, env: Record<string, string> = {}): { status: number | null; stderr: string; report?: Report } {
    const child = spawnSync(process.execPath, ["-r", preload, "main.ts"], { cwd: dir, encoding: "utf8", env: cleanEnv(env) });
    return { status: child.status, stderr: child.stderr, report: child.status === 0 ? (JSON.parse(child.stdout) as Report) : undefined };
}

const cached = (dir: string, cache: string, env: Record<string, string> = {}) => run(dir, HOOK, { GUARDDUTY_SHARED_VPC_TRANSPILE_CACHE: cache, ...env });
const tsNode = (dir: string) => run(dir, require.resolve("ts-node/register/transpile-only"));
const withoutLoad = (report: Report | undefined) => report && { ...report, tsNodeLoaded: undefined };

describe("npm run plan's transpile cache (tools/plan/transpileCache.js)", function () {
    this.timeout(60_000);

    it("runs what ts-node runs, stack traces mapped to the .ts lines alike, and from the second run without loading ts-node", () => {
        const { dir, cache } = project();
        const reference = tsNode(dir);
        assert.equal(reference.status, 0, reference.stderr);
        assert.match(reference.report?.where ?? "", new RegExp(`lib\\.ts:${WHERE_LINE}:`));

        const first = cached(dir, cache);
        const second = cached(dir, cache);
        assert.equal(first.status, 0, first.stderr);
        assert.equal(second.status, 0, second.stderr);
        assert.equal(first.report?.tsNodeLoaded, true, "nothing cached yet: ts-node transpiles");
        assert.equal(second.report?.tsNodeLoaded, false, "every file from the cache");
        assert.deepEqual(withoutLoad(first.report), withoutLoad(reference.report));
        assert.deepEqual(withoutLoad(second.report), withoutLoad(reference.report));
    });

    it("keeps exactly ts-node's output for each file", () => {
        const { dir, cache } = project();
        assert.equal(cached(dir, cache).status, 0);
        const service = create({ transpileOnly: true, cwd: dir });
        const entries = readdirSync(path.join(cache, "ts")).map((file) => readFileSync(path.join(cache, "ts", file), "utf8"));
        assert.equal(entries.length, 2, "main.ts and lib.ts");
        for (const file of ["main.ts", "lib.ts"]) {
            const fileName = path.join(dir, file);
            const expected = service.compile(readFileSync(fileName, "utf8"), fileName);
            assert.ok(
                entries.some((entry) => entry.slice(entry.indexOf("\n") + 1) === expected),
                `${file}: cached as ts-node compiles it`,
            );
        }
    });

    it("transpiles again a file that changed, and every file when the tsconfig or a config it extends changed", () => {
        const { dir, cache } = project();
        assert.equal(cached(dir, cache).report?.shout, "X");

        writeFileSync(path.join(dir, "lib.ts"), LIB.replace("name.toUpperCase()", "`${name.toUpperCase()}!`"));
        const edited = cached(dir, cache);
        assert.equal(edited.report?.shout, "X!");
        assert.equal(edited.report?.tsNodeLoaded, true);

        assert.match(cached(dir, cache).report?.source ?? "", /=>/, "ES2022 keeps the arrow function");
        writeFileSync(path.join(dir, "base.json"), JSON.stringify({ compilerOptions: { target: "ES5", module: "commonjs", strict: true } }));
        const retargeted = cached(dir, cache);
        assert.equal(retargeted.report?.tsNodeLoaded, true);
        assert.deepEqual(withoutLoad(retargeted.report), withoutLoad(tsNode(dir).report));
        assert.match(retargeted.report?.source ?? "", /^function/, "the extended config's ES5 target applies");
    });

    it("fails on a syntax error as ts-node does, and does not keep the failure", () => {
        const { dir, cache } = project();
        writeFileSync(path.join(dir, "lib.ts"), `${LIB}export const broken = (;\n`);
        const failed = cached(dir, cache);
        assert.notEqual(failed.status, 0);
        assert.match(failed.stderr, /Unable to compile TypeScript/);
        assert.match(failed.stderr, /lib\.ts\(9,/);
        writeFileSync(path.join(dir, "lib.ts"), LIB);
        assert.equal(cached(dir, cache).report?.shout, "X");
    });

    it("runs as ts-node when its cache cannot be written", () => {
        const { dir } = project();
        const blocker = path.join(dir, "not-a-directory");
        writeFileSync(blocker, "");
        for (let i = 0; i < 2; i++) {
            const result = cached(dir, path.join(blocker, "cache"));
            assert.equal(result.status, 0, result.stderr);
            assert.equal(result.stderr, "");
            assert.equal(result.report?.tsNodeLoaded, true, "nothing could be kept");
        }
    });

    it("leaves TS_NODE_* settings to ts-node itself, cache or not", () => {
        const { dir, cache } = project();
        assert.match(cached(dir, cache).report?.source ?? "", /=>/);
        const entries = () => readdirSync(path.join(cache, "ts")).map((file) => readFileSync(path.join(cache, "ts", file), "utf8"));
        const before = entries();
        const overridden = cached(dir, cache, { TS_NODE_COMPILER_OPTIONS: JSON.stringify({ target: "ES5" }) });
        assert.equal(overridden.status, 0, overridden.stderr);
        assert.match(overridden.report?.source ?? "", /^function/, "ts-node applied TS_NODE_COMPILER_OPTIONS");
        assert.deepEqual(entries(), before, "and the cache was neither used nor changed");
    });
});
