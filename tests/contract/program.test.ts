// The program publishes the contract and reads its own stacks through the package: versioned
// outputs, and the package's refusals as config errors naming the key.
import * as assert from "node:assert/strict";
import { CONTRACT_VERSION, OUTPUT_SCHEMAS, parseStackOutputs, ROLES } from "guardduty-shared-vpc-contract";
import { runStackOffline } from "../../tools/offline/runStack";
import { discoverStacks, fullyQualifiedStackName, PROJECT, runStacksInOrder, StackRunResult } from "../../tools/offline/stacks";
import { runProgram } from "../../stacks";
import { auditOutputs, expectConfigError, PROJECT_DIR, runStack, fixtureConfig } from "../helpers/offline";

describe("the program's stacks publish the versioned contract", () => {
    let results: StackRunResult[];
    before(async () => {
        results = await runStacksInOrder(discoverStacks(PROJECT_DIR));
    });

    it("every shipped stack exports contractVersion and its role, and passes its role's reader", () => {
        const roles = new Set<string>();
        for (const { stack, run, error } of results) {
            assert.ok(run, `${stack.stack}: ${String(error)}`);
            assert.equal(run.outputs.contractVersion, CONTRACT_VERSION, stack.stack);
            assert.equal(run.outputs.role, stack.role, stack.stack);
            assert.doesNotThrow(() => parseStackOutputs(stack.role, stack.stack, run.outputs), stack.stack);
            roles.add(stack.role);
        }
        assert.deepEqual([...roles].sort(), [...ROLES].sort(), "the shipped set covers every role");
    });

    it("publishes nothing outside the contract: every output is a role output or metadata", () => {
        for (const { stack, run } of results) {
            const known = new Set([...Object.keys(OUTPUT_SCHEMAS[stack.role].shape), "contractVersion", "role"]);
            assert.deepEqual(
                Object.keys(run?.outputs ?? {}).filter((output) => !known.has(output)),
                [],
                stack.stack,
            );
        }
    });

    it("a participant reads its owner by the short name on Pulumi Cloud too (organization acme)", async () => {
        const owner = results.find((r) => r.stack.stack === "owner")?.run?.outputs as Record<string, unknown>;
        const run = await runStackOffline({
            project: PROJECT,
            stack: "participant",
            config: fixtureConfig("participant"),
            program: runProgram,
            organization: "acme",
            stackOutputs: (name) => (name === fullyQualifiedStackName("owner", "acme") ? owner : undefined),
        });
        assert.equal(run.outputs.ownerStack, "acme/guardduty-shared-vpc/owner");
    });
});

describe("the program refuses a referenced stack the contract refuses, as a config error naming the key", () => {
    let owner: Record<string, unknown>;
    before(async () => {
        owner = (await runStack("owner", fixtureConfig("owner"))).outputs;
    });

    it("ownerStack naming the audit stack: wrong role", async () => {
        await expectConfigError(
            () => runStack("participant", fixtureConfig("participant"), { owner: auditOutputs("manual") }),
            "ownerStack",
            /organization\/guardduty-shared-vpc\/owner is the audit stack \(its output role is "audit"\); name the owner stack here/,
        );
    });

    it("auditStack naming an owner stack: wrong role", async () => {
        await expectConfigError(() => runStack("owner", fixtureConfig("owner"), { audit: owner }), "auditStack", /is the owner stack/);
    });

    it("an owner on an unknown major contract version: refused, saying to upgrade", async () => {
        await expectConfigError(
            () => runStack("participant", fixtureConfig("participant"), { owner: { ...owner, contractVersion: "2.0.0" } }),
            "ownerStack",
            /the owner stack, on contract 1\.x, but organization\/guardduty-shared-vpc\/owner publishes contractVersion 2\.0\.0: upgrade guardduty-shared-vpc-contract/,
        );
    });

    it("an audit stack deployed before the contract was versioned: names contractVersion and role", async () => {
        const { contractVersion: _v, role: _r, ...older } = auditOutputs("manual");
        await expectConfigError(
            () => runStack("owner", fixtureConfig("owner"), { audit: older }),
            "auditStack",
            /has no output contractVersion, role: run `pulumi up` on the audit stack first/,
        );
    });
});
