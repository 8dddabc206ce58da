import * as assert from "node:assert/strict";
import { AGENT_SSM_DOCUMENT } from "guardduty-shared-vpc-contract/vocabulary";
import { agentManagementMatchesMode } from "../../policy/policies";
import type { CapturedResource } from "../../tools/offline/runStack";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, participantFixture, U } from "./helpers";

const POLICY = "agent-management-matches-mode";
const OWNER_REF = "organization/guardduty-shared-vpc/owner";
const onlyThis = { policy: agentManagementMatchesMode };

/** A participant in miniature that reads `mode` from its owner, with the resources `add` puts in it. */
function participantUnder(mode: unknown, add: (fixture: ReturnType<typeof participantFixture>) => CapturedResource | void = () => undefined) {
    const fixture = participantFixture({ instance: { tags: { Name: "app-1" } } });
    if (mode !== undefined) {
        const outputs = { ...(fixture.ownerRef.outputs.outputs as Record<string, unknown>), agentManagement: mode };
        fixture.ownerRef.outputs = { ...fixture.ownerRef.outputs, outputs };
    }
    const added = add(fixture);
    return { ...fixture, added: added ?? undefined };
}

function association(fixture: ReturnType<typeof participantFixture>, document: unknown, name = "workloads-guardduty-agent"): CapturedResource {
    return fixture.b.add(
        "aws:ssm/association:Association",
        name,
        {
            name: document,
            parameters: { action: "Install", name: "AmazonGuardDuty-RuntimeMonitoringSsmPlugin" },
            targets: [{ key: "InstanceIds", values: [fixture.instance.id] }],
        },
        { parent: fixture.top, deps: { targets: [fixture.instance] } },
    );
}

describe("policy agent-management-matches-mode", () => {
    describe("automated", () => {
        it("refuses a guardduty-data endpoint in an owner, naming the conflicting DNS domain", async () => {
            const { b, endpoint } = ownerFixture({ agentManagement: "automated" });
            const verdict = expectMandatory(await check(b.resources, onlyThis), POLICY, /GuardDuty creates its own endpoint/, endpoint);
            assert.match(verdict.message, /agent management is automated \(from stack reference organization\/guardduty-shared-vpc\/audit\)/);
            assert.match(verdict.message, /conflicting DNS domain/);
        });

        it("refuses an SSM association running GuardDuty's plugin document, by name or by ARN", async () => {
            for (const document of [AGENT_SSM_DOCUMENT, `arn:aws:ssm:us-east-1::document/${AGENT_SSM_DOCUMENT}`]) {
                const { b, added } = participantUnder("automated", (f) => association(f, document));
                expectMandatory(await check(b.resources, onlyThis), POLICY, /SSM scheduling conflicts/, added);
            }
        });

        it("passes GuardDuty's exclusion tag, other SSM associations and the owner's SSM endpoints", async () => {
            const { b } = participantUnder("automated", (f) => {
                f.instance.inputs.tags = f.instance.outputs.tags = { Name: "scratch", GuardDutyManaged: "false" };
                association(f, "AWS-UpdateSSMAgent", "ssm-agent-updates");
            });
            expectClean(await check(b.resources, onlyThis));
            const owner = ownerFixture({ agentManagement: "automated", endpoint: { serviceName: "com.amazonaws.us-east-1.ssm" } });
            expectClean(await check(owner.b.resources, onlyThis));
        });

        it("waits on an association whose document is not known yet, rather than passing it", async () => {
            const { b } = participantUnder("automated", (f) => association(f, U.string));
            expectWaits(await check(b.resources, onlyThis), POLICY, /its document name/);
        });
    });

    describe("manual", () => {
        it("passes the owner's guardduty-data endpoint and the participant's own SSM association", async () => {
            expectClean(await check(ownerFixture({ agentManagement: "manual" }).b.resources, onlyThis));
            const { b } = participantUnder("manual", (f) => association(f, AGENT_SSM_DOCUMENT));
            expectClean(await check(b.resources, onlyThis));
        });

        it("refuses the inclusion tag on an instance, whatever its case", async () => {
            for (const value of ["true", "True", " TRUE "]) {
                const { b, instance } = participantUnder("manual", (f) => {
                    f.instance.inputs.tags = f.instance.outputs.tags = { Name: "app-1", GuardDutyManaged: value };
                });
                expectMandatory(await check(b.resources, onlyThis), POLICY, /inclusion tag GuardDutyManaged=true/, instance);
            }
        });

        it("refuses the inclusion tag however instances get it: launch template, Auto Scaling group, a separate Tag resource", async () => {
            const cases: Array<[string, (f: ReturnType<typeof participantFixture>) => CapturedResource]> = [
                [
                    "launch template tag specification",
                    (f) =>
                        f.b.add(
                            "aws:ec2/launchTemplate:LaunchTemplate",
                            "lt",
                            { tagSpecifications: [{ resourceType: "instance", tags: { GuardDutyManaged: "true" } }] },
                            { parent: f.top },
                        ),
                ],
                [
                    "launch template's own tags",
                    (f) => f.b.add("aws:ec2/launchTemplate:LaunchTemplate", "lt", { tags: { GuardDutyManaged: "true" } }, { parent: f.top }),
                ],
                [
                    "Auto Scaling group tag propagated at launch",
                    (f) =>
                        f.b.add(
                            "aws:autoscaling/group:Group",
                            "asg",
                            { maxSize: 2, minSize: 1, tags: [{ key: "GuardDutyManaged", value: "true", propagateAtLaunch: true }] },
                            { parent: f.top },
                        ),
                ],
                [
                    "aws.ec2.Tag on an instance",
                    (f) =>
                        f.b.add(
                            "aws:ec2/tag:Tag",
                            "opt-in",
                            { resourceId: f.instance.id, key: "GuardDutyManaged", value: "true" },
                            { parent: f.top, deps: { resourceId: [f.instance] } },
                        ),
                ],
            ];
            for (const [name, add] of cases) {
                const { b, added } = participantUnder("manual", add);
                expectMandatory(await check(b.resources, onlyThis), POLICY, /GuardDutyManaged=true/, added);
                assert.ok(added, name);
            }
        });

        it("passes an Auto Scaling group tag that is not propagated to instances", async () => {
            const { b } = participantUnder("manual", (f) =>
                f.b.add(
                    "aws:autoscaling/group:Group",
                    "asg",
                    { maxSize: 1, minSize: 1, tags: [{ key: "GuardDutyManaged", value: "true", propagateAtLaunch: false }] },
                    { parent: f.top },
                ),
            );
            expectClean(await check(b.resources, onlyThis));
        });

        it("waits on instance tags that are not known yet", async () => {
            const { b } = participantUnder("manual", (f) => {
                f.instance.inputs.tags = f.instance.outputs.tags = U.object;
            });
            expectWaits(await check(b.resources, onlyThis), POLICY, /its tags/);
        });
    });

    describe("a mode the pack cannot see", () => {
        it("waits, never passes, when no stack reference publishes the mode", async () => {
            const { b } = participantUnder(undefined, (f) => association(f, AGENT_SSM_DOCUMENT));
            expectWaits(await check(b.resources, onlyThis), POLICY, /reads no stack reference that publishes agentManagement/);
        });

        it("waits when the reference's outputs are unknown during preview", async () => {
            const { b, ownerRef } = participantUnder("automated", (f) => association(f, AGENT_SSM_DOCUMENT));
            ownerRef.outputs = { name: OWNER_REF, outputs: U.object, secretOutputNames: [] };
            expectWaits(await check(b.resources, onlyThis), POLICY, /the outputs of stack reference organization\/guardduty-shared-vpc\/owner/);
        });

        it("waits when the published mode is neither automated nor manual", async () => {
            const { b } = participantUnder("ssm", (f) => association(f, AGENT_SSM_DOCUMENT));
            expectWaits(await check(b.resources, onlyThis), POLICY, /"ssm", not automated or manual/);
        });

        it("reads a mode published as a secret", async () => {
            const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "automated" };
            const { b, added } = participantUnder(secret, (f) => association(f, AGENT_SSM_DOCUMENT));
            expectMandatory(await check(b.resources, onlyThis), POLICY, /agent management is automated/, added);
        });

        it("refuses a stack that reads two different modes", async () => {
            const { b } = participantUnder("manual", (f) => association(f, AGENT_SSM_DOCUMENT));
            b.stackReference("organization/guardduty-shared-vpc/audit", { agentManagement: "automated" });
            expectMandatory(await check(b.resources, onlyThis), POLICY, /reads two agent-management modes/);
        });

        it("says nothing to a stack with nothing the mode governs", async () => {
            const { b } = participantUnder(undefined);
            expectClean(await check(b.resources, onlyThis));
        });

        it("keeps its verdict in the first preview, where the reference is read but the resources' IDs are unknown", async () => {
            const { b } = participantUnder("automated", (f) => association(f, AGENT_SSM_DOCUMENT));
            expectMandatory(await check(asFirstPreview(b.resources), onlyThis), POLICY, /SSM scheduling conflicts/);
        });
    });
});
