import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
    AGENT_MANAGEMENT_MODES,
    AgentManagement,
    associationTargets,
    ec2AgentAutomation,
    instanceAgentTags,
    ownerCreatesGuardDutyEndpoint,
} from "../../src/agentManagement";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { discoverStacks, runStacksInOrder, StackRunResult } from "../../tools/offline/stacks";
import { evaluatePolicies, mandatoryViolations } from "../../tools/policy/evaluate";
import { auditOutputs, AUTOMATED_FIXTURE_DIR, FIXTURE_DIR, fixtureConfig, ofType, PROJECT_DIR, runStack, withConfig } from "../helpers/offline";

const T = {
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    association: "aws:ssm/association:Association",
    instance: "aws:ec2/instance:Instance",
    detectorFeature: "aws:guardduty/detectorFeature:DetectorFeature",
    orgFeature: "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature",
} as const;

const tagsOf = (instance: { inputs: Record<string, unknown> }) => (instance.inputs.tags ?? {}) as Record<string, string>;
const guardDutyEndpoints = (run: OfflineStackRun) => ofType(run, T.endpoint).filter((e) => String(e.inputs.serviceName).endsWith(".guardduty-data"));

describe("agent management: the pure rules", () => {
    it("EC2 automation is on exactly under automated, and the owner's endpoint exactly under manual", () => {
        assert.deepEqual(AGENT_MANAGEMENT_MODES.map(ec2AgentAutomation), [true, false]);
        assert.deepEqual(AGENT_MANAGEMENT_MODES.map(ownerCreatesGuardDutyEndpoint), [false, true]);
        for (const mode of AGENT_MANAGEMENT_MODES)
            assert.notEqual(ec2AgentAutomation(mode), ownerCreatesGuardDutyEndpoint(mode), "one installer, never two, never none");
    });

    it("tags: only the exclusion tag, and only under automated; never the inclusion tag", () => {
        assert.deepEqual(instanceAgentTags("automated", false), { GuardDutyManaged: "false" });
        assert.deepEqual(instanceAgentTags("automated", true), {});
        assert.deepEqual(instanceAgentTags("manual", true), {});
        assert.deepEqual(instanceAgentTags("manual", false), {});
    });

    it("association targets: the monitored instances under manual, none under automated, in their order", () => {
        const instances = [
            { name: "a", monitored: true },
            { name: "b", monitored: false },
            { name: "c", monitored: true },
        ];
        assert.deepEqual(
            associationTargets("manual", instances).map((i) => i.name),
            ["a", "c"],
        );
        assert.deepEqual(associationTargets("automated", instances), []);
        assert.deepEqual(associationTargets("manual", [{ monitored: false }]), []);
    });
});

describe("agent management: every stack follows the audit stack's mode", () => {
    const sets: Record<AgentManagement, string> = { manual: FIXTURE_DIR, automated: AUTOMATED_FIXTURE_DIR };

    for (const mode of AGENT_MANAGEMENT_MODES) {
        describe(`${mode} (${path.relative(PROJECT_DIR, sets[mode])})`, () => {
            let results: StackRunResult[];
            const runOf = (stack: string): OfflineStackRun => {
                const found = results.find((r) => r.stack.stack === stack);
                assert.ok(found?.run, `${stack} did not plan: ${String(found?.error)}`);
                return found.run;
            };
            before(async () => {
                results = await runStacksInOrder(discoverStacks(sets[mode]));
            });

            it("plans every stack end to end with no policy violation", async () => {
                assert.deepEqual(
                    results.map((r) => r.stack.role),
                    ["management", "audit", "owner", "participant", "participant"],
                );
                for (const result of results) {
                    assert.ok(result.run, `${result.stack.stack}: ${String(result.error)}`);
                    const verdicts = await evaluatePolicies(result.stack.stack, result.run.resources, {}, { stackConfig: result.stack.config });
                    assert.deepEqual(mandatoryViolations(verdicts), [], result.stack.stack);
                    assert.deepEqual(
                        verdicts.filter((v) => v.policy === "agent-management-matches-mode"),
                        [],
                        `${result.stack.stack} must not wait for the mode`,
                    );
                }
            });

            it("passes the mode from audit to owner to each participant", () => {
                for (const stack of ["audit", "owner", "participant", "participant-b"]) assert.equal(runOf(stack).outputs.agentManagement, mode, stack);
            });

            it(`audit: EC2_AGENT_MANAGEMENT ${mode === "automated" ? "on" : "off"} on the detector and for the members`, () => {
                const detector = ofType(runOf("audit"), T.detectorFeature)[0].inputs.additionalConfigurations as Array<{ name: string; status: string }>;
                assert.equal(detector.find((c) => c.name === "EC2_AGENT_MANAGEMENT")?.status, mode === "automated" ? "ENABLED" : "DISABLED");
                const members = ofType(runOf("audit"), T.orgFeature)[0].inputs.additionalConfigurations as Array<{ name: string; autoEnable: string }>;
                assert.equal(members.find((c) => c.name === "EC2_AGENT_MANAGEMENT")?.autoEnable, mode === "automated" ? "ALL" : "NONE");
            });

            it(`owner: ${mode === "manual" ? "creates the one" : "creates no"} guardduty-data endpoint`, () => {
                const owner = runOf("owner");
                assert.equal(guardDutyEndpoints(owner).length, mode === "manual" ? 1 : 0);
                assert.equal("guardDutyEndpointId" in owner.outputs, mode === "manual");
            });

            it(`participants: ${mode === "manual" ? "one association over the monitored instances" : "no association"}, never the inclusion tag, the exclusion tag only on unmonitored instances under automated`, () => {
                for (const stack of ["participant", "participant-b"]) {
                    const run = runOf(stack);
                    const monitored = new Map(
                        (run.outputs.instances as Array<{ name: string; id: string; monitored: boolean }>).map((i) => [i.id, i.monitored]),
                    );
                    const instances = ofType(run, T.instance);
                    for (const instance of instances) {
                        const tag = tagsOf(instance).GuardDutyManaged;
                        const isMonitored = monitored.get(String(instance.outputs.id));
                        assert.equal(tag, mode === "automated" && isMonitored === false ? "false" : undefined, `${stack} ${instance.name}`);
                        assert.equal(
                            (instance.inputs.metadataOptions as Record<string, string>).instanceMetadataTags,
                            "enabled",
                            "GuardDuty reads the exclusion tag through instance metadata",
                        );
                    }
                    const associations = ofType(run, T.association);
                    if (mode === "automated") {
                        assert.equal(associations.length, 0, stack);
                        assert.equal("agentAssociationId" in run.outputs, false, stack);
                    } else {
                        assert.equal(associations.length, 1, stack);
                        const wanted = instances.filter((i) => monitored.get(String(i.outputs.id))).map((i) => i.outputs.id);
                        assert.deepEqual(associations[0].inputs.targets, [{ key: "InstanceIds", values: wanted }], stack);
                    }
                    assert.deepEqual(
                        run.outputs.instanceIds,
                        instances.filter((i) => monitored.get(String(i.outputs.id))).map((i) => i.outputs.id),
                        `${stack}: instanceIds lists the monitored instances`,
                    );
                }
            });
        });
    }
});

describe("agent management: a participant follows whatever its owner publishes", () => {
    const instances = [
        { name: "app-1", subnet: "workloads-a" },
        { name: "quiet", subnet: "workloads-b", monitored: false },
    ];

    for (const mode of AGENT_MANAGEMENT_MODES) {
        it(`${mode}: the same participant config yields ${mode === "manual" ? "an association on app-1 only" : "only the exclusion tag on quiet"}`, async () => {
            const owner = (await runStack("owner", fixtureConfig("owner"), { audit: auditOutputs(mode) })).outputs;
            const run = await runStack("participant", withConfig(fixtureConfig("participant"), { instances }), { owner });
            const byName = new Map(ofType(run, T.instance).map((i) => [i.name, i]));
            const [app, quiet] = [byName.get("workloads-app-1")!, byName.get("workloads-quiet")!];
            if (mode === "manual") {
                assert.deepEqual(ofType(run, T.association)[0].inputs.targets, [{ key: "InstanceIds", values: [app.outputs.id] }]);
                assert.deepEqual([tagsOf(app).GuardDutyManaged, tagsOf(quiet).GuardDutyManaged], [undefined, undefined]);
            } else {
                assert.equal(ofType(run, T.association).length, 0);
                assert.deepEqual([tagsOf(app).GuardDutyManaged, tagsOf(quiet).GuardDutyManaged], [undefined, "false"]);
            }
            assert.deepEqual(run.outputs.instanceIds, [app.outputs.id]);
        });
    }

    it("manual with every instance unmonitored creates no association at all", async () => {
        const owner = (await runStack("owner", fixtureConfig("owner"), { audit: auditOutputs("manual") })).outputs;
        const run = await runStack(
            "participant",
            withConfig(fixtureConfig("participant"), { instances: [{ name: "quiet", subnet: "workloads-a", monitored: false }] }),
            { owner },
        );
        assert.equal(ofType(run, T.association).length, 0);
        assert.equal("agentAssociationId" in run.outputs, false);
        assert.deepEqual(run.outputs.instanceIds, []);
    });
});
