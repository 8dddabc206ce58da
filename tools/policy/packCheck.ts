/**
 * `npm run policy:pack-check`: the pack, published and installed on its own, as the CLI installs a
 * pack it downloads from Pulumi Cloud. `npm pack` in policy/, the tarball extracted into an empty directory outside the
 * repository, `npm install --offline` there (its npm-shrinkwrap.json, from the npm cache that the
 * root `npm ci` filled: no registry), `tsc --noEmit` with the compiler it installed, then the pack
 * started through @pulumi/pulumi/cmd/run-policy-pack as the CLI starts it and asked for its
 * GetAnalyzerInfo over gRPC. Prints what each step took.
 *
 * tests/policy/package.test.ts checks the same in the suite, with the dependencies linked from the
 * repository's node_modules instead of installed by npm (see ./standalone.ts).
 *
 *   npm run policy:pack-check [-- --keep]   (--keep leaves the directory for inspection)
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import * as path from "node:path";
import { emptyDirectory, extractPack, installFromCache, packPolicy } from "./standalone";
import { AnalyzerConnection, startPolicyPack } from "./wire";

function timed<T>(what: string, run: () => T): T {
    const started = process.hrtime.bigint();
    const result = run();
    console.log(`${what}: ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(0)} ms`);
    return result;
}

function countPackages(nodeModules: string): number {
    let count = 0;
    for (const entry of readdirSync(nodeModules)) {
        if (entry.startsWith(".")) continue;
        if (entry.startsWith("@")) count += readdirSync(path.join(nodeModules, entry)).length;
        else count++;
    }
    return count;
}

async function main(): Promise<void> {
    const work = emptyDirectory();
    console.log(`working in ${work}`);
    try {
        const packed = timed("npm pack", () => packPolicy(work));
        console.log(
            `  ${path.basename(packed.tarball)}: ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} KiB (${(packed.unpackedSize / 1024).toFixed(1)} KiB unpacked)`,
        );
        const packDir = extractPack(packed.tarball, work);
        const shipped = readFileSync(path.join(packDir, "npm-shrinkwrap.json"), "utf8");
        timed("npm install --offline (from npm-shrinkwrap.json)", () => installFromCache(packDir));
        // npm rewrites a lockfile whose tree or flags it disagrees with: an untouched one means it installed what the pack ships.
        if (readFileSync(path.join(packDir, "npm-shrinkwrap.json"), "utf8") !== shipped) {
            throw new Error(
                "npm install rewrote npm-shrinkwrap.json: it disagrees with tools/policy/shrinkwrap.ts about the pack's tree (rerun with --keep and diff).",
            );
        }
        console.log("  npm left npm-shrinkwrap.json as shipped");
        console.log(`  ${countPackages(path.join(packDir, "node_modules"))} top-level packages in node_modules`);
        timed("tsc --noEmit -p . (the installed TypeScript)", () =>
            execFileSync(process.execPath, [require.resolve("typescript/bin/tsc", { paths: [packDir] }), "--noEmit", "-p", "."], {
                cwd: packDir,
                stdio: "inherit",
            }),
        );
        const pack = await startPolicyPack({ packDir, timeoutMs: 120_000 });
        console.log(`run-policy-pack start-up (spawn → port; runs the JavaScript compiled at npm pack): ${pack.startupMs.toFixed(0)} ms`);
        const analyzer = new AnalyzerConnection(pack.address);
        try {
            const info = await analyzer.info();
            const configurable = info.policies.filter((policy) => Object.keys(policy.configSchema?.properties ?? {}).length > 0);
            console.log(
                `GetAnalyzerInfo: ${info.name}@${info.version}, ${info.policies.length} policies; settings: ${configurable.map((p) => `${p.name} (${Object.keys(p.configSchema!.properties).join(", ")})`).join("; ")}`,
            );
        } finally {
            analyzer.close();
            await pack.stop();
        }
    } finally {
        if (process.argv.includes("--keep")) console.log(`left ${work}`);
        else rmSync(work, { recursive: true, force: true });
    }
}

main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
