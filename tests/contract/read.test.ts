// The package's StackReference readers under Pulumi's mock runtime, as another project runs them.
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
    PROJECT,
    qualifiedStackName,
    readAuditStack,
    readManagementStack,
    readOwnerStack,
    readParticipantStack,
    StackContractError,
} from "guardduty-shared-vpc-contract";
import { runStackOffline } from "../../tools/offline/runStack";
import { runStacksInOrder, discoverStacks, fullyQualifiedStackName } from "../../tools/offline/stacks";
import { PROJECT_DIR } from "../helpers/offline";

/** Runs `program` as a stack of another project (`app-team`) in `organization`, with `published` serving stack references. */
function runElsewhere(program: () => Promise<unknown>, published: ReadonlyMap<string, Record<string, unknown>>, organization = "acme", project = "app-team") {
    return runStackOffline({ project, stack: "dev", config: {}, program, stackOutputs: (name) => published.get(name), organization });
}

async function refusal(run: () => Promise<unknown>): Promise<StackContractError> {
    try {
        await run();
    } catch (err) {
        assert.ok(err instanceof StackContractError, `expected a StackContractError, got ${err instanceof Error ? err.stack : String(err)}`);
        return err;
    }
    assert.fail("the read succeeded");
}

describe("contract readers: reading the shipped stacks from another project", () => {
    let shipped: Map<string, Record<string, unknown>>;
    before(async () => {
        const results = await runStacksInOrder(discoverStacks(PROJECT_DIR));
        shipped = new Map();
        for (const result of results) {
            assert.ok(result.run, `shipped stack ${result.stack.stack} failed: ${String(result.error)}`);
            shipped.set(result.stack.stack, result.run.outputs);
        }
    });

    /** The shipped outputs as a backend of `organization` would serve them. */
    const inOrganization = (organization: string) => new Map([...shipped].map(([stack, outputs]) => [fullyQualifiedStackName(stack, organization), outputs]));

    it("reads a stack of each role by its short name, typed and checked", async () => {
        const read: Record<string, unknown> = {};
        await runElsewhere(async () => {
            read.management = await readManagementStack("management");
            read.audit = await readAuditStack("audit");
            read.owner = await readOwnerStack("owner");
            read.participant = await readParticipantStack("participant-b");
            return {};
        }, inOrganization("acme"));
        assert.equal((read.management as { delegatedAdminAccountId: string }).delegatedAdminAccountId, "222222222222");
        assert.equal((read.audit as { role: string }).role, "audit");
        assert.equal((read.owner as { vpcId: string }).vpcId, shipped.get("owner")?.vpcId);
        assert.equal((read.participant as { participantAccountId: string }).participantAccountId, "555555555555");
    });

    it("resolves a short name in the current organization and guardduty-shared-vpc, on every backend, and registers only the reference", async () => {
        for (const organization of ["organization", "acme"]) {
            const run = await runElsewhere(
                async () => {
                    await readOwnerStack("owner");
                    return {};
                },
                inOrganization(organization),
                organization,
            );
            const references = run.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
            assert.deepEqual(
                references.map((r) => r.name),
                [`${organization}/${PROJECT}/owner`],
            );
            assert.deepEqual(
                run.resources.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== "pulumi:pulumi:StackReference"),
                [],
            );
        }
    });

    it("qualifiedStackName defaults to the running program's organization and project", async () => {
        let name = "";
        await runElsewhere(
            async () => {
                name = qualifiedStackName("web");
                return {};
            },
            new Map(),
            "acme",
            "app-team",
        );
        assert.equal(name, "acme/app-team/web");
    });

    it("reads a renamed project's stack through `project`, and a fully qualified name as written", async () => {
        const owner = shipped.get("owner") as Record<string, unknown>;
        const published = new Map([
            ["acme/platform-network/owner", owner],
            ["secops/guardduty-shared-vpc/owner", owner],
        ]);
        await runElsewhere(async () => {
            await readOwnerStack("owner", { project: "platform-network" });
            return {};
        }, published);
        await runElsewhere(async () => {
            await readOwnerStack("secops/guardduty-shared-vpc/owner");
            return {};
        }, published);
    });

    it("unreadable: a stack the backend does not have names the resolved name and the reason", async () => {
        const err = await refusal(() => runElsewhere(async () => readOwnerStack("owner"), new Map()));
        assert.equal(err.kind, "unreadable");
        assert.equal(err.stack, "acme/guardduty-shared-vpc/owner");
        assert.match(err.message, /Cannot read the owner stack acme\/guardduty-shared-vpc\/owner: .*unknown stack/);
    });

    it("wrong-role: the audit stack read as the owner is refused with its role", async () => {
        const published = new Map([["acme/guardduty-shared-vpc/owner", shipped.get("audit") as Record<string, unknown>]]);
        const err = await refusal(() => runElsewhere(async () => readOwnerStack("owner"), published));
        assert.equal(err.kind, "wrong-role");
        assert.match(err.message, /acme\/guardduty-shared-vpc\/owner is an audit stack/);
    });

    it("unsupported-version: an owner on contract 2.0.0 is refused", async () => {
        const published = new Map([["acme/guardduty-shared-vpc/owner", { ...shipped.get("owner"), contractVersion: "2.0.0" }]]);
        const err = await refusal(() => runElsewhere(async () => readOwnerStack("owner"), published));
        assert.equal(err.kind, "unsupported-version");
    });

    it("missing-outputs: an owner stack that exists but was never deployed says to deploy it", async () => {
        const err = await refusal(() => runElsewhere(async () => readOwnerStack("owner"), new Map([["acme/guardduty-shared-vpc/owner", {}]])));
        assert.equal(err.kind, "missing-outputs");
        assert.match(err.message, /run `pulumi up` on the owner stack first/);
    });

    it("reads secret outputs' values (an output made secret keeps its value for the check)", async () => {
        // getOutputDetails returns a secret output under secretValue; the reader takes either.
        const owner = { ...(shipped.get("owner") as Record<string, unknown>) };
        let vpcId: unknown;
        await runStackOffline({
            project: "app-team",
            stack: "dev",
            config: {},
            organization: "acme",
            stackOutputs: (name) => (name === "acme/guardduty-shared-vpc/owner" ? owner : undefined),
            program: async () => {
                const original = pulumi.StackReference.prototype.getOutputDetails;
                pulumi.StackReference.prototype.getOutputDetails = async function (this: pulumi.StackReference, name: string) {
                    const details = await original.call(this, name);
                    return name === "vpcId" ? { secretValue: details.value } : details;
                };
                try {
                    vpcId = (await readOwnerStack("owner")).vpcId;
                } finally {
                    pulumi.StackReference.prototype.getOutputDetails = original;
                }
                return {};
            },
        });
        assert.equal(vpcId, owner.vpcId);
    });
});
