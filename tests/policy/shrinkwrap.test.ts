import * as assert from "node:assert/strict";
import { deriveShrinkwrap } from "../../tools/policy/shrinkwrap";

type Lock = NonNullable<Parameters<typeof deriveShrinkwrap>[0]>;
type Pack = NonNullable<Parameters<typeof deriveShrinkwrap>[1]>;

/**
 * A root lockfile shaped like this repository's: a workspace `contract` linked into the root's
 * node_modules with peers on `sdk` and `schema`; `sdk` depends on `util` and has an optional peer
 * `compiler`; `tool` is a root devDependency.
 */
function rootLock(): Lock {
    return {
        name: "root",
        version: "0.1.0",
        lockfileVersion: 3,
        requires: true,
        packages: {
            "": { name: "root", version: "0.1.0" },
            contract: {
                name: "contract",
                version: "1.0.0",
                license: "MIT",
                devDependencies: { compiler: "5.0.0" },
                peerDependencies: { sdk: "3.0.0", schema: "4.0.0" },
            },
            "node_modules/contract": { resolved: "contract", link: true },
            "node_modules/sdk": {
                version: "3.0.0",
                integrity: "sha512-sdk",
                license: "Apache-2.0",
                dependencies: { util: "^1.0.0" },
                peerDependencies: { compiler: ">=4" },
                peerDependenciesMeta: { compiler: { optional: true } },
            },
            "node_modules/util": { version: "1.2.0", integrity: "sha512-util", license: "ISC" },
            "node_modules/schema": { version: "4.0.0", integrity: "sha512-schema", license: "MIT", funding: { url: "https://example.com" } },
            "node_modules/compiler": { version: "5.0.0", integrity: "sha512-compiler", license: "Apache-2.0", dev: true },
            "node_modules/tool": { version: "9.0.0", integrity: "sha512-tool", license: "MIT", dev: true },
        },
    };
}

function pack(extra: Partial<Pack> = {}): Pack {
    return { name: "pack", version: "0.2.0", license: "MIT", dependencies: { sdk: "3.0.0", compiler: "5.0.0" }, ...extra };
}

describe("policy pack shrinkwrap (derived from the root lockfile)", () => {
    it("ships exactly what the pack's dependencies reach, without the root's dev flags", () => {
        const packages = deriveShrinkwrap(rootLock(), pack()).packages;
        assert.deepEqual(Object.keys(packages), ["", "node_modules/compiler", "node_modules/sdk", "node_modules/util"]);
        assert.equal(packages["node_modules/compiler"].dev, undefined, "compiler is a runtime dependency of the pack");
        assert.equal(packages["node_modules/tool"], undefined);
    });

    it("takes a bundled workspace's entry from the workspace, without its name or devDependencies, and installs its peers", () => {
        const lock = deriveShrinkwrap(rootLock(), pack({ dependencies: { contract: "1.0.0", sdk: "3.0.0" }, bundleDependencies: ["contract"] }));
        assert.deepEqual(lock.packages["node_modules/contract"], {
            version: "1.0.0",
            inBundle: true,
            license: "MIT",
            peerDependencies: { sdk: "3.0.0", schema: "4.0.0" },
        });
        assert.deepEqual(lock.packages[""].bundleDependencies, ["contract"]);
        assert.ok(lock.packages["node_modules/schema"], "the workspace's peer is installed with the pack");
    });

    it("flags as npm does: inBundle on all a bundled package reaches, peer on what only peers reach", () => {
        const lock = deriveShrinkwrap(
            rootLock(),
            pack({ dependencies: { contract: "1.0.0", sdk: "3.0.0", compiler: "5.0.0" }, bundleDependencies: ["contract"] }),
        );
        const flagged = (flag: "inBundle" | "peer") =>
            Object.entries(lock.packages)
                .filter(([, entry]) => entry[flag])
                .map(([key]) => key);
        // sdk's optional peer `compiler` is installed (the pack declares it), so the bundle reaches it too.
        assert.deepEqual(flagged("inBundle"), [
            "node_modules/compiler",
            "node_modules/contract",
            "node_modules/schema",
            "node_modules/sdk",
            "node_modules/util",
        ]);
        assert.deepEqual(flagged("peer"), ["node_modules/schema"]);
        assert.deepEqual(Object.keys(lock.packages["node_modules/schema"]), ["version", "integrity", "inBundle", "license", "peer", "funding"]);
    });

    it("refuses what would ship another tree than the one tested", () => {
        const cases: Array<[string, () => unknown, RegExp]> = [
            [
                "a bundled package that is no workspace",
                () => deriveShrinkwrap(rootLock(), pack({ bundleDependencies: ["sdk"] })),
                /bundles sdk, which is no workspace/,
            ],
            ["a dependency the lockfile lacks", () => deriveShrinkwrap(rootLock(), pack({ dependencies: { missing: "1.0.0" } })), /has no missing for policy/],
            [
                "a pin the lockfile does not hold",
                () => deriveShrinkwrap(rootLock(), pack({ dependencies: { util: "1.0.0" } })),
                /pins util 1\.0\.0 but package-lock\.json has 1\.2\.0/,
            ],
            ["devDependencies in the pack", () => deriveShrinkwrap(rootLock(), pack({ devDependencies: { tool: "9.0.0" } })), /has devDependencies/],
            [
                "a version installed for the policy workspace alone",
                () => {
                    const lock = rootLock();
                    lock.packages["policy/node_modules/util"] = { version: "1.0.0" };
                    return deriveShrinkwrap(lock, pack());
                },
                /installs policy\/node_modules\/util for the policy workspace alone/,
            ],
        ];
        for (const [what, derive, message] of cases) assert.throws(derive, message, what);
    });
});
