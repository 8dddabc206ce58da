// The contract package as another project gets it: imported by its name, so these tests run the
// built JavaScript in contract/dist (what `npm ci` builds and `npm pack` ships), not the sources.
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import {
    AGENT_INSTALL_PARAMETERS,
    AGENT_MANAGEMENT_MODES,
    CONTRACT_VERSION,
    contractMetadata,
    OUTPUT_SCHEMAS,
    parseContractVersion,
    PROJECT,
    qualifiedStackName,
    ROLES,
    StackNameError,
} from "guardduty-shared-vpc-contract";
import * as schemasEntry from "guardduty-shared-vpc-contract/schemas";
import * as program from "../../src/agentManagement";
import { NS } from "../../src/config/primitives";
import { ROLES as PROGRAM_ROLES } from "../../src/config/roles";
import { PROJECT_DIR } from "../helpers/offline";

const PACKAGE_DIR = path.join(PROJECT_DIR, "contract");
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as {
    name: string;
    version: string;
    exports: Record<string, string | { types: string; default: string }>;
    files: string[];
    peerDependencies: Record<string, string>;
};
const root = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string>; workspaces: string[] };

describe("contract package: what another project installs", () => {
    it("resolves by its name to the built JavaScript, not to TypeScript sources", () => {
        assert.equal(require.resolve("guardduty-shared-vpc-contract"), path.join(PACKAGE_DIR, "dist", "index.js"));
        assert.equal(require.resolve("guardduty-shared-vpc-contract/schemas"), path.join(PACKAGE_DIR, "dist", "schemas.js"));
    });

    it("declares types for every entry of its exports map, and ships them", () => {
        for (const [entry, target] of Object.entries(manifest.exports)) {
            if (typeof target === "string") continue;
            assert.ok(target.types.endsWith(".d.ts"), `${entry} has no declarations`);
            assert.ok(existsSync(path.join(PACKAGE_DIR, target.types)), `${target.types} was not built`);
            assert.ok(existsSync(path.join(PACKAGE_DIR, target.default)), `${target.default} was not built`);
            assert.ok(
                manifest.files.some((pattern) => pattern.endsWith("*.d.ts")) && manifest.files.some((pattern) => pattern.endsWith("*.js")),
                "files must ship the built output",
            );
        }
    });

    it("is a workspace of this repository, built by npm's prepare script", () => {
        assert.ok(root.workspaces.includes("contract"));
        assert.match(
            (JSON.parse(readFileSync(path.join(PACKAGE_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.prepare,
            /^tsc /,
        );
    });

    it("takes @pulumi/pulumi and zod from the program that uses it, pinned to the versions this project runs", () => {
        // Two copies of @pulumi/pulumi would keep two runtimes: a StackReference made by the
        // package's copy would not belong to the program's stack.
        for (const name of ["@pulumi/pulumi", "zod"]) {
            assert.equal(manifest.peerDependencies[name], root.dependencies[name], name);
            assert.match(manifest.peerDependencies[name], /^\d+\.\d+\.\d+$/, `${name} must be an exact pin`);
        }
        assert.equal(require.resolve("@pulumi/pulumi", { paths: [path.join(PACKAGE_DIR, "dist")] }), require.resolve("@pulumi/pulumi"));
    });

    it("versions the package as the contract it publishes", () => {
        assert.equal(manifest.version, CONTRACT_VERSION);
        assert.ok(parseContractVersion(CONTRACT_VERSION), "CONTRACT_VERSION must be a semantic version");
    });

    it("loads the schemas entry without the Pulumi SDK (for tools that only validate outputs)", () => {
        const loaded = execFileSync(
            process.execPath,
            [
                "-e",
                "require('guardduty-shared-vpc-contract/schemas'); console.log(JSON.stringify(Object.keys(require.cache).filter((m) => m.includes('@pulumi'))))",
            ],
            {
                cwd: PROJECT_DIR,
                encoding: "utf8",
            },
        );
        assert.deepEqual(JSON.parse(loaded), []);
        assert.equal(schemasEntry.ownerOutputsSchema, OUTPUT_SCHEMAS.owner, "both entries share one module instance");
    });

    it("is the one definition the program uses: project, roles and agent-management vocabulary", () => {
        assert.equal(NS, PROJECT);
        assert.deepEqual(PROGRAM_ROLES, ROLES);
        assert.equal(program.AGENT_MANAGEMENT_MODES, AGENT_MANAGEMENT_MODES);
        assert.equal(program.AGENT_INSTALL_PARAMETERS, AGENT_INSTALL_PARAMETERS);
        assert.deepEqual({ ...AGENT_INSTALL_PARAMETERS }, { action: "Install", name: "AmazonGuardDuty-RuntimeMonitoringSsmPlugin" });
        assert.ok(Object.isFrozen(AGENT_INSTALL_PARAMETERS), "shared parameters must not be changed by one reader for all");
    });

    it("gives every role a schema and metadata naming that role at this version", () => {
        assert.deepEqual(Object.keys(OUTPUT_SCHEMAS).sort(), [...ROLES].sort());
        for (const role of ROLES) assert.deepEqual(contractMetadata(role), { contractVersion: CONTRACT_VERSION, role });
    });
});

describe("qualifiedStackName (explicit scope; the Pulumi defaults are covered under the mock runtime)", () => {
    it("qualifies a short name with the organization and project", () => {
        assert.equal(qualifiedStackName("owner", { organization: "acme", project: PROJECT }), "acme/guardduty-shared-vpc/owner");
    });

    it("keeps a fully qualified name as written", () => {
        assert.equal(
            qualifiedStackName("secops/guardduty-shared-vpc/audit", { organization: "acme", project: "app-team" }),
            "secops/guardduty-shared-vpc/audit",
        );
    });

    for (const name of ["acme/owner", "", "a//b", "acme/guardduty-shared-vpc/owner/x", "own er"]) {
        it(`refuses ${JSON.stringify(name)}, saying which forms it takes`, () => {
            assert.throws(
                () => qualifiedStackName(name, { organization: "acme", project: PROJECT }),
                (err: unknown) => {
                    assert.ok(err instanceof StackNameError);
                    assert.match(err.message, /<organization>\/<project>\/<stack>/);
                    return true;
                },
            );
        });
    }
});
