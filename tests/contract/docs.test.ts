// The contract's documentation stays true to the package: every output is in the CHANGELOG, every
// refusal in docs/downstream.md.
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
    CONTRACT_VERSION,
    contractMetadata,
    METADATA_OUTPUTS,
    OUTPUT_SCHEMAS,
    parseStackOutputs,
    ROLES,
    StackContractError,
    StackReadProblemKind,
} from "guardduty-shared-vpc-contract";
import { PROJECT_DIR } from "../helpers/offline";

const read = (file: string) => readFileSync(path.join(PROJECT_DIR, file), "utf8");

/** One real refusal of each kind, so a kind added to the package without docs fails here. */
function everyKind(): StackReadProblemKind[] {
    const kinds = new Set<StackReadProblemKind>([new StackContractError("a/b/c", "owner", { kind: "unreadable", reason: "unknown stack" }).kind]);
    const attempts: Array<Record<string, unknown>> = [
        { ...contractMetadata("audit") },
        { ...contractMetadata("owner"), contractVersion: "2.0.0" },
        {},
        {
            ...contractMetadata("owner"),
            vpcId: 1,
            ownerAccountId: 1,
            region: 1,
            vpcCidr: 1,
            sharedSubnets: 1,
            sharedSubnetIds: 1,
            resourceShareArn: 1,
            agentManagement: 1,
            coverageEventBusArn: 1,
        },
    ];
    for (const values of attempts) {
        try {
            parseStackOutputs("owner", "a/b/c", values);
        } catch (err) {
            if (err instanceof StackContractError) kinds.add(err.kind);
        }
    }
    return [...kinds];
}

describe("contract documentation", () => {
    it("docs/downstream.md explains every kind of refusal", () => {
        const docs = read("docs/downstream.md");
        const kinds = everyKind();
        assert.equal(kinds.length, 5);
        for (const kind of kinds) assert.ok(docs.includes(`| \`${kind}\` |`), `docs/downstream.md has no row for ${kind}`);
    });

    it("CHANGELOG.md has an entry for this version naming every output of every role", () => {
        const changelog = read("CHANGELOG.md");
        const start = changelog.indexOf(`## ${CONTRACT_VERSION}`);
        assert.ok(start >= 0, `CHANGELOG.md has no "## ${CONTRACT_VERSION}" section`);
        const entry = changelog.slice(start);
        for (const role of ROLES) {
            for (const output of [...Object.keys(OUTPUT_SCHEMAS[role].shape), ...METADATA_OUTPUTS])
                assert.ok(entry.includes(`\`${output}\``), `CHANGELOG.md does not name ${role} output ${output}`);
        }
    });

    it("docs/configuration.md documents every output of every role, and the README links the contract's docs", () => {
        const reference = read("docs/configuration.md");
        for (const role of ROLES) {
            for (const output of [...Object.keys(OUTPUT_SCHEMAS[role].shape), ...METADATA_OUTPUTS])
                assert.match(reference, new RegExp(`\\| \`${output}\` \\|`), `docs/configuration.md has no table row for ${role} output ${output}`);
        }
        const readme = read("README.md");
        for (const link of ["docs/configuration.md", "docs/downstream.md", "CHANGELOG.md", "examples/app-team/"])
            assert.ok(readme.includes(`](${link}`), `README does not link ${link}`);
    });
});
