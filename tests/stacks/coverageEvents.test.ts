/**
 * Coverage events reach the audit account (issue 9, item 1): GuardDuty publishes "Runtime
 * Protection Unhealthy/Healthy" on the bus of the account that owns the resource, so owners and
 * participants forward them to a bus in the audit account, which alerts on UNHEALTHY.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { COVERAGE_ALERT_LINES, coverageAlertInputTransformer } from "../../src/components/coverageEvents";
import { ConfigError } from "../../src/config/errors";
import type { Role } from "../../src/config/roles";
import { organizationProblems } from "../../src/config/stackSet";
import type { CapturedResource, OfflineStackRun } from "../../tools/offline/runStack";
import { discoverStacks, runStacksInOrder } from "../../tools/offline/stacks";
import { auditOutputs, COVERAGE_EVENT_BUS_ARN, expectConfigError, ofType, PROJECT_DIR, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

const T = {
    bus: "aws:cloudwatch/eventBus:EventBus",
    busPolicy: "aws:cloudwatch/eventBusPolicy:EventBusPolicy",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    busComponent: "guardduty-shared-vpc:events:CoverageEventBus",
    forwarding: "guardduty-shared-vpc:events:CoverageForwarding",
} as const;

const FORWARDED_PATTERN = {
    source: ["aws.guardduty"],
    "detail-type": ["GuardDuty Runtime Protection Unhealthy", "GuardDuty Runtime Protection Healthy"],
};

const json = (value: unknown) => JSON.parse(String(value));
const byName = (run: OfflineStackRun, type: string, suffix: string): CapturedResource => {
    const found = ofType(run, type).filter((r) => r.name.endsWith(suffix));
    assert.equal(found.length, 1, `expected one ${type} named …${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0]!;
};
const parentOf = (run: OfflineStackRun, resource: CapturedResource) => run.resources.find((r) => r.urn === resource.parent);

/**
 * What EventBridge does with the transformer, as its user guide describes it: each quoted line
 * of a text template becomes a line of the message, `<name>` takes the value at the variable's
 * JSON path, and a variable whose path is not in the event is not created (renders as nothing).
 */
function render(event: Record<string, unknown>): string {
    const { inputPaths, inputTemplate } = coverageAlertInputTransformer();
    const valueAt = (path: string) =>
        path
            .slice(2)
            .split(".")
            .reduce<unknown>((node, key) => (node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), event);
    return inputTemplate
        .split("\n")
        .map((line) => (JSON.parse(line) as string).replace(/<([^<>]+)>/g, (_, name: string) => String(valueAt(inputPaths[name]!) ?? "")))
        .join("\n");
}

/** The GuardDuty user guide's sample coverage notification, filled in for one resource type. */
function coverageEvent(resourceDetails: Record<string, unknown>, issue: string): Record<string, unknown> {
    return {
        version: "0",
        id: "6f87d4d4-0000-4000-a000-000000000001",
        "detail-type": "GuardDuty Runtime Protection Unhealthy",
        source: "aws.guardduty",
        account: "444444444444",
        time: "2026-11-29T01:32:57Z",
        region: "us-east-1",
        resources: [],
        detail: {
            schemaVersion: "1.0",
            resourceAccountId: "444444444444",
            currentStatus: "UNHEALTHY",
            previousStatus: "HEALTHY",
            resourceDetails,
            issue,
            lastUpdatedAt: "2026-11-29T01:30:00Z",
        },
    };
}

describe("coverage events: the audit account's bus and alert (shipped Pulumi.audit.yaml)", () => {
    let run: OfflineStackRun;
    before(async () => {
        run = await runStack("audit", fixtureConfig("audit"));
    });

    it("owns one event bus, guardduty-coverage, in a CoverageEventBus component of the audit stack", () => {
        const bus = single(run, T.bus);
        assert.equal(bus.inputs.name, "guardduty-coverage");
        assert.equal(parentOf(run, bus)?.type, T.busComponent);
        assert.equal(parentOf(run, parentOf(run, bus)!)?.type, "guardduty-shared-vpc:stacks:Audit");
    });

    it("lets only principals of the organization put events on the bus, and nothing else", () => {
        const bus = single(run, T.bus);
        const policy = single(run, T.busPolicy);
        assert.equal(policy.inputs.eventBusName, bus.outputs.name);
        assert.deepEqual(json(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "OrganizationForwardsCoverageEvents",
                    Effect: "Allow",
                    Principal: "*",
                    Action: "events:PutEvents",
                    Resource: bus.outputs.arn,
                    Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                },
            ],
        });
    });

    it("names the configured organization, not a fixed one", async () => {
        const other = await runStack("audit", withConfig(fixtureConfig("audit"), { organizationId: "o-zz99yy88xx" }));
        assert.deepEqual(json(single(other, T.busPolicy).inputs.policy).Statement[0].Condition, { StringEquals: { "aws:PrincipalOrgID": "o-zz99yy88xx" } });
    });

    it("exports the bus ARN as coverageEventBusArn", () => {
        assert.equal(run.outputs.coverageEventBusArn, single(run, T.bus).outputs.arn);
        assert.equal(run.outputs.coverageEventBusArn, COVERAGE_EVENT_BUS_ARN);
    });

    it("alerts on UNHEALTHY coverage arriving on the coverage bus; findings stay on the default bus", () => {
        const bus = single(run, T.bus);
        const unhealthy = byName(run, T.rule, "-runtime-unhealthy");
        assert.equal(unhealthy.inputs.eventBusName, bus.outputs.name);
        assert.deepEqual(json(unhealthy.inputs.eventPattern), { source: ["aws.guardduty"], "detail-type": ["GuardDuty Runtime Protection Unhealthy"] });
        const findings = byName(run, T.rule, "-findings");
        assert.equal(findings.inputs.eventBusName, undefined, "members' findings arrive on the administrator's default bus");
    });

    it("sends the coverage alert to the topic from the coverage bus, rendered by the input transformer", () => {
        const bus = single(run, T.bus);
        const target = byName(run, T.target, "-runtime-unhealthy-to-topic");
        assert.equal(target.inputs.rule, byName(run, T.rule, "-runtime-unhealthy").outputs.name);
        assert.equal(target.inputs.eventBusName, bus.outputs.name, "a target must sit on its rule's bus");
        assert.equal(target.inputs.arn, single(run, T.topic).outputs.arn);
        assert.deepEqual(target.inputs.inputTransformer, {
            inputPaths: {
                account: "$.detail.resourceAccountId",
                region: "$.region",
                resourceType: "$.detail.resourceDetails.resourceType",
                instanceId: "$.detail.resourceDetails.ec2InstanceDetails.instanceId",
                ecsCluster: "$.detail.resourceDetails.ecsClusterDetails.clusterName",
                eksCluster: "$.detail.resourceDetails.eksClusterDetails.clusterName",
                issue: "$.detail.issue",
                updatedAt: "$.detail.lastUpdatedAt",
            },
            inputTemplate: COVERAGE_ALERT_LINES.map((line) => JSON.stringify(line)).join("\n"),
        });
        assert.equal(byName(run, T.target, "-findings-to-topic").inputs.inputTransformer, undefined, "findings go to the topic as GuardDuty wrote them");
    });

    it("the topic policy lets EventBridge publish for the rule on the coverage bus (its ARN names the bus)", () => {
        const unhealthy = byName(run, T.rule, "-runtime-unhealthy");
        assert.match(String(unhealthy.outputs.arn), /:rule\/guardduty-coverage\//);
        const publish = json(single(run, T.topicPolicy).inputs.policy).Statement.find((s: { Sid: string }) => s.Sid === "EventBridgePublishesAlerts");
        assert.ok(publish.Condition.ArnEquals["aws:SourceArn"].includes(unhealthy.outputs.arn));
    });

    it("forwards nothing itself: the audit account runs no workloads, and it is the destination", () => {
        assert.equal(ofType(run, T.forwarding).length, 0);
        assert.ok(ofType(run, T.target).every((t) => t.inputs.roleArn === undefined));
    });
});

describe("coverage alert message (input transformer)", () => {
    it("uses only variables it defines, and defines none it does not use", () => {
        const { inputPaths, inputTemplate } = coverageAlertInputTransformer();
        const used = new Set([...inputTemplate.matchAll(/<([^<>]+)>/g)].map((m) => m[1]!));
        assert.deepEqual([...used].sort(), Object.keys(inputPaths).sort());
    });

    it("is a text template EventBridge accepts: one JSON string per line, dot-notation paths, allowed names, within the limits", () => {
        const { inputPaths, inputTemplate } = coverageAlertInputTransformer();
        for (const line of inputTemplate.split("\n")) assert.equal(typeof JSON.parse(line), "string", line);
        for (const [name, path] of Object.entries(inputPaths)) {
            assert.match(name, /^[A-Za-z0-9_-]+$/);
            assert.ok(!name.toLowerCase().startsWith("aws"), `${name}: names starting with AWS are reserved`);
            assert.match(path, /^\$(\.[A-Za-z0-9_-]+)+$/, `${name}: dot notation only`);
        }
        assert.ok(Object.keys(inputPaths).length <= 100);
        assert.ok(inputTemplate.length <= 8192);
    });

    it("renders an EC2 instance's account, region, instance ID, issue and the verify command to re-check it", () => {
        const message = render(
            coverageEvent(
                {
                    resourceType: "EC2",
                    ec2InstanceDetails: {
                        instanceId: "i-0a1b2c3d4e5f60002",
                        instanceType: "t3.small",
                        clusterArn: "",
                        agentDetails: { version: "1.6.0" },
                        managementType: "MANUAL",
                    },
                },
                "No Agent Reporting: Waiting for SSM notification",
            ),
        );
        const lines = message.split("\n");
        assert.ok(lines.includes("Account:  444444444444"), message);
        assert.ok(lines.includes("Region:   us-east-1"), message);
        assert.ok(lines.includes("Resource: EC2 i-0a1b2c3d4e5f60002"), message);
        assert.ok(lines.includes("Issue:    No Agent Reporting: Waiting for SSM notification"), message);
        assert.ok(
            lines.includes("  AWS_PROFILE=audit npm run verify -- organization/guardduty-shared-vpc/PARTICIPANT_STACK --region us-east-1 --wait 15m"),
            message,
        );
        assert.match(message, /participant stack that deploys into account 444444444444\./);
    });

    it("reads in docs/management-audit.md exactly as it renders", () => {
        const docs = readFileSync(path.join(PROJECT_DIR, "docs", "management-audit.md"), "utf8");
        const example = /so the message reads[\s\S]*?```text\n([\s\S]*?)\n\s*```/.exec(docs)?.[1];
        assert.ok(example, "no example message in docs/management-audit.md");
        const shown = example
            .split("\n")
            .map((line) => line.replace(/^ {2}/, ""))
            .join("\n");
        const rendered = render(
            coverageEvent(
                { resourceType: "EC2", ec2InstanceDetails: { instanceId: "i-0a1b2c3d4e5f60002" } },
                "No Agent Reporting: Waiting for SSM notification",
            ),
        );
        assert.equal(shown, rendered);
    });

    it("names the cluster for ECS and EKS events, from each type's own details", () => {
        const ecs = render(
            coverageEvent(
                { resourceType: "ECS", ecsClusterDetails: { clusterName: "payments", fargateDetails: { issues: [], managementType: "AUTO_MANAGED" } } },
                "VPC Endpoint Creation Failed",
            ),
        );
        assert.ok(ecs.split("\n").includes("Resource: ECS payments"), ecs);
        const eks = render(
            coverageEvent(
                { resourceType: "EKS", eksClusterDetails: { clusterName: "platform", availableNodes: "3", desiredNodes: "3", addonVersion: "v1.6.0" } },
                "Addon Creation Failed",
            ),
        );
        assert.ok(eks.split("\n").includes("Resource: EKS platform"), eks);
    });
});

describe("coverage events: forwarding from the owner and participant accounts", () => {
    let owner: OfflineStackRun;
    let participant: OfflineStackRun;
    before(async () => {
        owner = await runStack("owner", fixtureConfig("owner"));
        participant = await runStack("participant", fixtureConfig("participant"), { owner: owner.outputs });
    });

    for (const [stack, role] of [
        ["owner", "guardduty-shared-vpc:stacks:Owner"],
        ["participant", "guardduty-shared-vpc:stacks:Participant"],
    ] as const) {
        describe(stack, () => {
            const run = () => (stack === "owner" ? owner : participant);

            it("has one CoverageForwarding component under its role component", () => {
                const component = single(run(), T.forwarding);
                assert.equal(parentOf(run(), component)?.type, role);
            });

            it("forwards exactly GuardDuty's Unhealthy and Healthy coverage events, from its default bus", () => {
                const rule = single(run(), T.rule);
                assert.equal(parentOf(run(), rule)?.type, T.forwarding);
                assert.equal(rule.inputs.eventBusName, undefined, "GuardDuty publishes coverage events on the default bus");
                assert.deepEqual(json(rule.inputs.eventPattern), FORWARDED_PATTERN);
            });

            it("targets the audit account's bus with the forwarding role, after the role may put events", () => {
                const target = single(run(), T.target);
                const role = byName(run(), T.role, "coverage-events-role");
                assert.equal(target.inputs.rule, single(run(), T.rule).outputs.name);
                assert.equal(target.inputs.arn, COVERAGE_EVENT_BUS_ARN);
                assert.equal(target.inputs.roleArn, role.outputs.arn);
                assert.equal(target.inputs.eventBusName, undefined);
                assert.ok(target.dependencies.includes(single(run(), T.rolePolicy).urn), "the target must wait for the role's policy");
            });

            it("lets only EventBridge assume the role, and the role only put events on that one bus", () => {
                const role = byName(run(), T.role, "coverage-events-role");
                assert.deepEqual(json(role.inputs.assumeRolePolicy), {
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }],
                });
                const policy = single(run(), T.rolePolicy);
                assert.equal(policy.inputs.role, role.outputs.name);
                assert.deepEqual(json(policy.inputs.policy), {
                    Version: "2012-10-17",
                    Statement: [{ Sid: "PutCoverageEventsOnAuditBus", Effect: "Allow", Action: "events:PutEvents", Resource: COVERAGE_EVENT_BUS_ARN }],
                });
            });
        });
    }

    it("the owner re-exports the audit stack's bus as coverageEventBusArn", () => {
        assert.equal(owner.outputs.coverageEventBusArn, COVERAGE_EVENT_BUS_ARN);
    });

    it("the participant forwards to whichever bus its owner publishes", async () => {
        const elsewhere = "arn:aws:events:us-east-1:666666666666:event-bus/security-coverage";
        const run = await runStack("participant", fixtureConfig("participant"), { owner: { ...owner.outputs, coverageEventBusArn: elsewhere } });
        assert.equal(single(run, T.target).inputs.arn, elsewhere);
        assert.equal(json(single(run, T.rolePolicy).inputs.policy).Statement[0].Resource, elsewhere);
    });

    it("in the shipped deploy order, every owner and participant forwards to the bus the audit stack created", async () => {
        const results = await runStacksInOrder(discoverStacks(PROJECT_DIR), { preview: true });
        const audit = results.find((r) => r.stack.role === "audit")?.run;
        assert.ok(audit, "the audit stack did not plan");
        const busArn = single(audit, T.bus).outputs.arn;
        const forwarders = results.filter((r) => r.stack.role === "owner" || r.stack.role === "participant");
        assert.deepEqual(
            forwarders.map((r) => r.stack.stack),
            ["owner", "participant", "participant-b"],
        );
        for (const result of forwarders) {
            assert.ok(result.run, `${result.stack.stack} did not plan: ${String(result.error)}`);
            assert.equal(single(result.run, T.target).inputs.arn, busArn, result.stack.stack);
        }
    });
});

describe("coverage events: an upstream stack without the bus is a config error, before anything is registered", () => {
    it("an audit stack deployed before the bus existed: the owner says to run pulumi up on it first", async () => {
        const { coverageEventBusArn: _dropped, ...older } = auditOutputs("manual");
        await expectConfigError(
            () => runStack("owner", fixtureConfig("owner"), { audit: older }),
            "auditStack",
            /has no output coverageEventBusArn: run `pulumi up` on the audit stack first/,
        );
    });

    it("an owner deployed before it passed the bus on: the participant says to run pulumi up on the owner first", async () => {
        const owner = (await runStack("owner", fixtureConfig("owner"))).outputs;
        const { coverageEventBusArn: _dropped, ...older } = owner;
        await expectConfigError(
            () => runStack("participant", fixtureConfig("participant"), { owner: older }),
            "ownerStack",
            /has no output coverageEventBusArn: run `pulumi up` on the owner stack first/,
        );
    });

    it("a coverageEventBusArn that is not an event bus (here the alerts topic) is refused by the owner", async () => {
        const audit = { ...auditOutputs("manual"), coverageEventBusArn: "arn:aws:sns:us-east-1:222222222222:alerts-topic" };
        await expectConfigError(() => runStack("owner", fixtureConfig("owner"), { audit }), "auditStack", /coverageEventBusArn is malformed/);
    });

    it("a coverageEventBusArn that is not an event bus is refused by the participant", async () => {
        const owner = (await runStack("owner", fixtureConfig("owner"))).outputs;
        await expectConfigError(
            () => runStack("participant", fixtureConfig("participant"), { owner: { ...owner, coverageEventBusArn: "guardduty-coverage" } }),
            "ownerStack",
            /coverageEventBusArn is malformed \(an EventBridge event bus ARN/,
        );
    });
});

describe("coverage events: owner and audit name one organization (stacks planned together)", () => {
    const entry = (stack: string, role: Role, changes: Record<string, unknown> = {}) => ({ stack, role, config: withConfig(fixtureConfig(role), changes) });

    it("accepts the shipped owner and audit pair", () => {
        assert.equal(organizationProblems([entry("audit", "audit"), entry("owner", "owner")]).size, 0);
    });

    it("refuses an owner whose organization is not its audit stack's, naming both, by short or full stack name", () => {
        for (const auditStack of ["audit", "organization/guardduty-shared-vpc/audit"]) {
            const problems = organizationProblems([entry("audit", "audit"), entry("owner", "owner", { organizationId: "o-zz99yy88xx", auditStack })]).get(
                "owner",
            );
            assert.equal(problems?.length, 1, auditStack);
            assert.equal(problems[0]!.key, "guardduty-shared-vpc:organizationId");
            assert.equal(problems[0]!.value, "o-zz99yy88xx");
            assert.match(String(problems[0]!.expected), /^o-a1b2c3d4e5, the organizationId of audit stack audit: its coverage event bus admits only/);
        }
    });

    it("compares an owner only with the audit stack it reads, and leaves broken or absent audit stacks to their own errors", () => {
        const elsewhere = entry("audit-eu", "audit", { organizationId: "o-zz99yy88xx" });
        assert.equal(organizationProblems([elsewhere, entry("audit", "audit"), entry("owner", "owner")]).size, 0);
        assert.equal(organizationProblems([entry("owner", "owner", { organizationId: "o-zz99yy88xx" })]).size, 0);
        assert.equal(
            organizationProblems([entry("audit", "audit", { organizationId: undefined }), entry("owner", "owner", { organizationId: "o-zz99yy88xx" })]).size,
            0,
        );
    });

    it("stops the owner in the offline plan before it runs, and the participants with it", async () => {
        const stacks = discoverStacks(PROJECT_DIR).map((s) =>
            s.stack === "owner" ? { ...s, config: withConfig(s.config, { organizationId: "o-zz99yy88xx" }) } : s,
        );
        const results = await runStacksInOrder(stacks, { preview: true });
        const owner = results.find((r) => r.stack.stack === "owner");
        assert.ok(owner?.error instanceof ConfigError, String(owner?.error));
        assert.equal(owner.run, undefined);
        assert.match(owner.error.message, /guardduty-shared-vpc:organizationId: got "o-zz99yy88xx"; expected o-a1b2c3d4e5/);
        assert.ok(results.filter((r) => r.stack.role === "participant").every((r) => r.run === undefined));
    });
});
