// examples/app-team: another project's program, planned offline against the outputs of the
// shipped stacks (manual) and of examples/automated, then checked by the policy pack.
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { AGENT_INSTALL_PARAMETERS, AGENT_SSM_DOCUMENT, GUARDDUTY_MANAGED_TAG, type AgentManagement } from "guardduty-shared-vpc-contract";
import appTeamProgram = require("../../examples/app-team");
import { WORKLOAD_TAG } from "../../examples/app-team/monitoredScalingGroup";
import type { RawConfig } from "../../src/config/load";
import { CapturedResource, OfflineStackRun, runStackOffline } from "../../tools/offline/runStack";
import { readStackConfigFile } from "../../tools/offline/stackConfig";
import { discoverStacks, fullyQualifiedStackName, runStacksInOrder } from "../../tools/offline/stacks";
import { asFirstPreview, evaluatePolicies, mandatoryViolations } from "../../tools/policy/evaluate";
import { PROJECT_DIR } from "../helpers/offline";

const EXAMPLE_DIR = path.join(PROJECT_DIR, "examples", "app-team");
const EXAMPLE_PROJECT = "app-team";
const STACK = "prod";

const T = {
    group: "aws:autoscaling/group:Group",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    association: "aws:ssm/association:Association",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    profile: "aws:iam/instanceProfile:InstanceProfile",
    provider: "pulumi:providers:aws",
    reference: "pulumi:pulumi:StackReference",
};

function exampleConfig(changes: Record<string, unknown> = {}): RawConfig {
    const config: Record<string, string> = { ...readStackConfigFile(EXAMPLE_DIR, EXAMPLE_PROJECT, STACK) };
    for (const [key, value] of Object.entries(changes)) {
        const fullKey = key.includes(":") ? key : `${EXAMPLE_PROJECT}:${key}`;
        if (value === undefined) delete config[fullKey];
        else config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return config;
}

/** The outputs of a set of the project's stack files, as the shared backend serves them after `pulumi up`. */
async function publishedBy(dir: string): Promise<Map<string, Record<string, unknown>>> {
    const published = new Map<string, Record<string, unknown>>();
    for (const result of await runStacksInOrder(discoverStacks(dir))) {
        assert.ok(result.run, `${dir}: stack ${result.stack.stack} failed: ${String(result.error)}`);
        published.set(fullyQualifiedStackName(result.stack.stack), result.run.outputs);
    }
    return published;
}

let registered: CapturedResource[] = [];

function runAppTeam(published: ReadonlyMap<string, Record<string, unknown>>, config: RawConfig = exampleConfig()): Promise<OfflineStackRun> {
    registered = [];
    return runStackOffline({
        project: EXAMPLE_PROJECT,
        stack: STACK,
        config,
        program: appTeamProgram,
        stackOutputs: (name) => published.get(name),
        onRegistered: (resource) => registered.push(resource),
    });
}

function ofType(run: OfflineStackRun, type: string): CapturedResource[] {
    return run.resources.filter((resource) => resource.type === type);
}

function single(run: OfflineStackRun, type: string): CapturedResource {
    const found = ofType(run, type);
    assert.equal(found.length, 1, `expected one ${type}, found ${found.length}`);
    return found[0];
}

/** Every tag a resource puts on instances: its own tags, launch-template tag specifications, Auto Scaling tags. */
function instanceTags(resource: CapturedResource): Array<Record<string, unknown>> {
    const tags: Array<Record<string, unknown>> = [];
    if (resource.inputs.tags && typeof resource.inputs.tags === "object" && !Array.isArray(resource.inputs.tags))
        tags.push(resource.inputs.tags as Record<string, unknown>);
    for (const spec of (resource.inputs.tagSpecifications as Array<{ tags?: Record<string, unknown> }> | undefined) ?? []) tags.push(spec.tags ?? {});
    if (Array.isArray(resource.inputs.tags))
        for (const tag of resource.inputs.tags as Array<{ key: string; value: unknown }>) tags.push({ [tag.key]: tag.value });
    return tags;
}

/** Asserts a failed run is a configuration error saying `says`, raised before anything but the root stack and stack references was registered. */
async function expectRefused(run: () => Promise<unknown>, says: RegExp): Promise<void> {
    await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.match(err.message, /configuration problem\(s\); nothing was registered/);
        assert.match(err.message, says);
        return true;
    });
    assert.deepEqual(
        registered.filter((r) => r.type !== "pulumi:pulumi:Stack" && r.type !== T.reference).map((r) => r.urn),
        [],
        "nothing may be registered before the config is known to be good",
    );
}

const MODES: ReadonlyArray<{ mode: AgentManagement; dir: string; files: string }> = [
    { mode: "manual", dir: PROJECT_DIR, files: "the shipped Pulumi.<stack>.yaml" },
    { mode: "automated", dir: path.join(PROJECT_DIR, "examples", "automated"), files: "examples/automated" },
];

describe("examples/app-team: a downstream program planned against the project's stacks", () => {
    for (const { mode, dir, files } of MODES) {
        describe(`against ${files} (${mode})`, () => {
            let published: Map<string, Record<string, unknown>>;
            let owner: Record<string, unknown>;
            let run: OfflineStackRun;
            before(async () => {
                published = await publishedBy(dir);
                owner = published.get(fullyQualifiedStackName("owner")) as Record<string, unknown>;
                assert.equal(owner.agentManagement, mode, `${files} must run in ${mode} mode`);
                run = await runAppTeam(published);
            });

            it("reads the owner stack of guardduty-shared-vpc by its short name, and only that stack", () => {
                assert.deepEqual(
                    ofType(run, T.reference).map((r) => r.name),
                    ["organization/guardduty-shared-vpc/owner"],
                );
                assert.equal(run.outputs.ownerStack, "organization/guardduty-shared-vpc/owner");
            });

            it("spreads the group over the shared subnets named in its config, by the owner's subnet IDs", () => {
                const byName = new Map((owner.sharedSubnets as Array<{ name: string; id: string }>).map((s) => [s.name, s.id]));
                const group = single(run, T.group);
                assert.deepEqual(group.inputs.vpcZoneIdentifiers, [byName.get("workloads-a"), byName.get("workloads-b")]);
                assert.deepEqual([group.inputs.minSize, group.inputs.desiredCapacity, group.inputs.maxSize], [2, 2, 4]);
            });

            it("launches from its template at the template's version, so a changed template rolls the group", () => {
                const group = single(run, T.group);
                const template = single(run, T.launchTemplate);
                assert.deepEqual(group.inputs.launchTemplate, { id: template.outputs.id, version: String(template.outputs.latestVersion) });
                assert.equal((group.inputs.instanceRefresh as { strategy: string }).strategy, "Rolling");
            });

            it("hardens the template: IMDSv2 only, metadata tags on, encrypted volumes, its own security group in the owner's VPC", () => {
                const template = single(run, T.launchTemplate);
                const metadata = template.inputs.metadataOptions as Record<string, unknown>;
                assert.equal(metadata.httpTokens, "required");
                assert.equal(metadata.instanceMetadataTags, "enabled");
                const volumes = template.inputs.blockDeviceMappings as Array<{ ebs: Record<string, unknown> }>;
                assert.ok(volumes.length > 0 && volumes.every((volume) => volume.ebs.encrypted === "true"), "every volume encrypted");
                const sg = single(run, T.securityGroup);
                assert.equal(sg.inputs.vpcId, owner.vpcId);
                assert.deepEqual(template.inputs.vpcSecurityGroupIds, [sg.outputs.id]);
                assert.deepEqual(
                    (sg.inputs.ingress as Array<{ cidrBlocks: string[] }>).flatMap((rule) => rule.cidrBlocks),
                    [owner.vpcCidr],
                    "inbound only from the shared VPC",
                );
                assert.match(String(template.inputs.imageId), /^ami-/);
            });

            it("makes the instances SSM-managed with a role that has only AmazonSSMManagedInstanceCore", () => {
                assert.deepEqual(
                    ofType(run, T.attachment).map((a) => a.inputs.policyArn),
                    ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
                );
                assert.deepEqual(single(run, T.launchTemplate).inputs.iamInstanceProfile, { arn: single(run, T.profile).outputs.arn });
            });

            if (mode === "manual") {
                it("manual: installs the agent with GuardDuty's SSM document on the group's instances, targeted by their tag", () => {
                    const association = single(run, T.association);
                    assert.equal(association.inputs.name, AGENT_SSM_DOCUMENT);
                    assert.deepEqual(association.inputs.parameters, { ...AGENT_INSTALL_PARAMETERS });
                    const workload = `${EXAMPLE_PROJECT}-${STACK}-web`;
                    assert.deepEqual(association.inputs.targets, [{ key: `tag:${WORKLOAD_TAG}`, values: [workload] }]);
                    const instanceSpec = (
                        single(run, T.launchTemplate).inputs.tagSpecifications as Array<{ resourceType: string; tags: Record<string, string> }>
                    ).find((spec) => spec.resourceType === "instance");
                    assert.equal(instanceSpec?.tags[WORKLOAD_TAG], workload, "the instances carry the tag the association targets");
                    assert.ok(single(run, T.group).dependencies.includes(association.urn), "the association exists before the first instance registers");
                    assert.equal(run.outputs.agentAssociationId, association.outputs.associationId);
                });
            } else {
                it("automated: creates no association of its own (GuardDuty's covers the SSM-managed instances)", () => {
                    assert.equal(ofType(run, T.association).length, 0);
                    assert.ok(!("agentAssociationId" in run.outputs));
                });
            }

            it("never tags instances GuardDutyManaged=true", () => {
                for (const resource of run.resources) {
                    for (const tags of instanceTags(resource)) assert.ok(!(GUARDDUTY_MANAGED_TAG in tags), `${resource.urn} sets ${GUARDDUTY_MANAGED_TAG}`);
                }
            });

            it("deploys only through its provider pinned to its own account", () => {
                const provider = single(run, T.provider);
                assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), ["444444444444"]);
                for (const resource of run.resources.filter((r) => r.custom && !r.read && !r.type.startsWith("pulumi:"))) {
                    assert.ok(resource.provider?.startsWith(`${provider.urn}::`), `${resource.urn} does not use the pinned provider`);
                }
            });

            it("passes the policy pack: no mandatory violation, and agent-management-matches-mode is satisfied (no waits), as planned and at first preview", async () => {
                for (const resources of [run.resources, asFirstPreview(run.resources)]) {
                    const verdicts = await evaluatePolicies(STACK, resources, {}, { stackConfig: exampleConfig() });
                    assert.deepEqual(mandatoryViolations(verdicts), []);
                    assert.deepEqual(
                        verdicts.filter((v) => v.policy === "agent-management-matches-mode"),
                        [],
                    );
                }
            });

            it("publishes the mode it followed", () => {
                assert.equal(run.outputs.agentManagement, mode);
            });
        });
    }

    it("uses nothing of the project but the contract package: no import reaches outside examples/app-team", () => {
        const allowed = new Set(["@pulumi/pulumi", "@pulumi/aws", "guardduty-shared-vpc-contract"]);
        for (const file of readdirSync(EXAMPLE_DIR).filter((name) => name.endsWith(".ts"))) {
            const source = readFileSync(path.join(EXAMPLE_DIR, file), "utf8");
            for (const [, specifier] of source.matchAll(/(?:from|import|require\()\s*["']([^"']+)["']/g)) {
                assert.ok(allowed.has(specifier) || /^\.\/[^/]+$/.test(specifier), `${file} imports ${specifier}`);
            }
        }
        const manifest = JSON.parse(readFileSync(path.join(EXAMPLE_DIR, "package.json"), "utf8")) as { dependencies: Record<string, string> };
        assert.ok("guardduty-shared-vpc-contract" in manifest.dependencies);
    });

    describe("refuses what it cannot deploy, before registering anything", () => {
        let published: Map<string, Record<string, unknown>>;
        before(async () => {
            published = await publishedBy(PROJECT_DIR);
        });

        it("a subnet the owner does not share, naming the ones it does", async () => {
            await expectRefused(
                () => runAppTeam(published, exampleConfig({ subnets: ["workloads-a", "owner-tools"] })),
                /app-team:subnets\[1\]: got "owner-tools"; expected a subnet the owner shares: workloads-a, workloads-b, batch-b/,
            );
        });

        it("another region than the owner's", async () => {
            await expectRefused(
                () => runAppTeam(published, exampleConfig({ "aws:region": "eu-west-1" })),
                /aws:region: got "eu-west-1"; expected us-east-1, the owner's region/,
            );
        });

        it("ownerStack naming the audit stack: the contract's wrong-role error", async () => {
            await expectRefused(
                () => runAppTeam(published, exampleConfig({ ownerStack: "audit" })),
                /app-team:ownerStack: organization\/guardduty-shared-vpc\/audit is an audit stack/,
            );
        });

        it("an owner on an unknown major version: the contract's unsupported-version error", async () => {
            const newer = new Map(published);
            newer.set(fullyQualifiedStackName("owner"), { ...published.get(fullyQualifiedStackName("owner")), contractVersion: "2.1.0" });
            await expectRefused(() => runAppTeam(newer, exampleConfig()), /publishes contract version 2\.1\.0, but this reader understands 1\.x/);
        });

        it("an owner stack that was never deployed", async () => {
            await expectRefused(
                () => runAppTeam(new Map([[fullyQualifiedStackName("owner"), {}]])),
                /has no output .*run `pulumi up` on the owner stack first/,
            );
        });

        it("every config mistake at once", async () => {
            await expectRefused(
                () => runAppTeam(published, exampleConfig({ accountId: "4444", subnets: [], capacity: { min: 3, desired: 2, max: 4 } })),
                /3 configuration problem\(s\)[\s\S]*app-team:accountId[\s\S]*app-team:subnets[\s\S]*app-team:capacity/,
            );
        });
    });
});
