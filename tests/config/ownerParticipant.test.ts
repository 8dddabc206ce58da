import * as assert from "node:assert/strict";
import { ConfigError } from "../../src/config/errors";
import { auditOutputs, BadInput, expectConfigError, itRefusesEach, runStack, fixtureConfig, withConfig } from "../helpers/offline";

const OU = "arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cdefghij";

const owner = () => fixtureConfig("owner");
const participant = () => fixtureConfig("participant");
const subnetsWith = (extra: Record<string, unknown>[]) => [...JSON.parse(owner()["guardduty-shared-vpc:subnets"]), ...extra];

const CASES: BadInput[] = [
    { name: "missing accountId", stack: "owner", changes: { accountId: undefined }, key: "accountId", says: "12-digit" },
    {
        name: "accountId with 11 digits (unquoted YAML lost a leading zero)",
        stack: "owner",
        changes: { accountId: "12345678901" },
        key: "accountId",
        says: "quote it in YAML",
    },
    { name: "accountId with letters", stack: "participant", changes: { accountId: "44444444444x" }, key: "accountId" },
    { name: "missing aws:region", stack: "owner", changes: { "aws:region": undefined }, key: "aws:region", says: "pulumi config set aws:region" },
    { name: "a region that is not a region", stack: "owner", changes: { "aws:region": "us-north-9" }, key: "aws:region", says: "us-east-1" },
    {
        name: "assumeRoleArn that is not a role ARN",
        stack: "owner",
        changes: { assumeRoleArn: "arn:aws:iam::333333333333:user/deployer" },
        key: "assumeRoleArn",
        says: "role/",
    },
    { name: "missing vpcCidr", stack: "owner", changes: { vpcCidr: undefined }, key: "vpcCidr" },
    { name: "vpcCidr with an invalid prefix", stack: "owner", changes: { vpcCidr: "10.20.0.0/33" }, key: "vpcCidr", says: "/16 and /28" },
    { name: "vpcCidr wider than AWS allows", stack: "owner", changes: { vpcCidr: "10.0.0.0/8" }, key: "vpcCidr", says: "rejects /8" },
    {
        name: "subnet CIDR with host bits",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "x", cidr: "10.20.64.7/24", azId: "use1-az1" }]) },
        key: "subnets[4].cidr",
        says: "10.20.64.0/24",
    },
    {
        name: "subnet outside the VPC CIDR",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "x", cidr: "10.99.0.0/24", azId: "use1-az1" }]) },
        key: "subnets[4].cidr",
        says: "inside vpcCidr",
    },
    {
        name: "overlapping subnets",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "x", cidr: "10.20.1.0/24", azId: "use1-az1" }]) },
        key: "subnets[4].cidr",
        says: "does not overlap subnets[0]",
    },
    {
        name: "duplicate subnet name",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "workloads-a", cidr: "10.20.64.0/24", azId: "use1-az1" }]) },
        key: "subnets[4].name",
        says: "not already used by subnets[0]",
    },
    {
        name: "an AZ name instead of an AZ ID",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "x", cidr: "10.20.64.0/24", azId: "us-east-1a" }]) },
        key: "subnets[4].azId",
        says: "not an AZ name",
    },
    {
        name: "an AZ ID of another region",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "x", cidr: "10.20.64.0/24", azId: "euw1-az1" }]) },
        key: "subnets[4].azId",
        says: "use1-",
    },
    {
        name: "subnet name with capitals and spaces",
        stack: "owner",
        changes: { subnets: subnetsWith([{ name: "My Subnet", cidr: "10.20.64.0/24", azId: "use1-az1" }]) },
        key: "subnets[4].name",
        says: "lowercase",
    },
    { name: "subnets that are not a list", stack: "owner", changes: { subnets: "workloads-a" }, key: "subnets", says: "a list of subnets" },
    {
        name: "share that is not a boolean",
        stack: "owner",
        changes: { subnets: [{ name: "x", cidr: "10.20.64.0/24", azId: "use1-az1", share: "yes" }] },
        key: "subnets[0].share",
        says: "true or false",
    },
    {
        name: "a principal that is not an account, OU or organization ARN",
        stack: "owner",
        changes: { shareWith: ["arn:aws:iam::444444444444:root"] },
        key: "shareWith[0]",
        says: "OU ARN",
    },
    {
        name: "a principal of another organization",
        stack: "owner",
        changes: { shareWith: ["arn:aws:organizations::111111111111:ou/o-zzzzzzzzzz/ou-ab12-cdefghij"] },
        key: "shareWith[0]",
        says: "inside the organization",
    },
    {
        name: "sharing with the owner's own account",
        stack: "owner",
        changes: { shareWith: ["333333333333"] },
        key: "shareWith[0]",
        says: "not the owner's own account",
    },
    { name: "the same principal twice", stack: "owner", changes: { shareWith: ["444444444444", "444444444444"] }, key: "shareWith[1]", says: "once" },
    { name: "shared subnets but nobody to share with", stack: "owner", changes: { shareWith: [] }, key: "shareWith", says: "at least one principal" },
    { name: "organizationId of the wrong form", stack: "owner", changes: { organizationId: "a1b2c3d4e5" }, key: "organizationId", says: "o-a1b2c3d4e5" },
    {
        name: "unknown endpointPolicyScope",
        stack: "owner",
        changes: { endpointPolicyScope: "vpc" },
        key: "endpointPolicyScope",
        says: '"organization", "accounts"',
    },
    {
        name: "account-scoped endpoint policy while sharing with an OU",
        stack: "owner",
        changes: { endpointPolicyScope: "accounts", shareWith: ["444444444444", OU] },
        key: "endpointPolicyScope",
        says: "would deny their accounts",
    },
    {
        name: "an endpoint but no shared subnet",
        stack: "owner",
        changes: { subnets: [{ name: "x", cidr: "10.20.64.0/24", azId: "use1-az1", share: false }], shareWith: [] },
        key: "subnets",
        says: "share: true",
    },
    {
        name: "the retired createGuardDutyEndpoint, even set to agree with the mode",
        stack: "owner",
        changes: { createGuardDutyEndpoint: "true" },
        key: "createGuardDutyEndpoint",
        says: "follows the audit stack's agentManagement",
    },
    { name: "missing auditStack", stack: "owner", changes: { auditStack: undefined }, key: "auditStack", says: "a stack name" },
    {
        name: "auditStack with two parts",
        stack: "owner",
        changes: { auditStack: "guardduty-shared-vpc/audit" },
        key: "auditStack",
        says: "<organization>/<project>/<stack>",
    },
    { name: "a misspelt key", stack: "owner", changes: { subnet: "[]" }, key: "subnet", says: "no such key for the owner role" },
    {
        name: "ownerStack with two parts",
        stack: "participant",
        changes: { ownerStack: "guardduty-shared-vpc/owner" },
        key: "ownerStack",
        says: "<organization>/<project>/<stack>",
    },
    { name: "ownerStack with a space", stack: "participant", changes: { ownerStack: "my owner" }, key: "ownerStack", says: "short name" },
    {
        name: "the retired agent, even set to the organization's mode",
        stack: "participant",
        changes: { agent: "manual" },
        key: "agent",
        says: "follows the organization's agentManagement",
    },
    { name: "the retired agent with its old value ssm", stack: "participant", changes: { agent: "ssm" }, key: "agent", says: "monitored: false" },
    {
        name: "monitored that is not a boolean",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", monitored: "no" }] },
        key: "instances[0].monitored",
        says: "true or false",
    },
    {
        name: "duplicate instance name",
        stack: "participant",
        changes: {
            instances: [
                { name: "a", subnet: "workloads-a" },
                { name: "a", subnet: "workloads-b" },
            ],
        },
        key: "instances[1].name",
        says: "instances[0]",
    },
    {
        name: "malformed AMI ID",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", ami: "amazon-linux" }] },
        key: "instances[0].ami",
        says: "ami-",
    },
    {
        name: "instance type without a size",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instanceType: "t3" }] },
        key: "instances[0].instanceType",
        says: "t3.small",
    },
    {
        name: "an instance type the agent does not support",
        stack: "participant",
        changes: { instances: [{ name: "a", subnet: "workloads-a", instanceType: "a1.large" }] },
        key: "instances[0].instanceType",
        says: "a1",
    },
    {
        name: "acceptShareInvitation that is not a boolean",
        stack: "participant",
        changes: { acceptShareInvitation: "1" },
        key: "acceptShareInvitation",
        says: "true or false",
    },
    { name: "an owner-only key in a participant stack", stack: "participant", changes: { vpcCidr: "10.0.0.0/16" }, key: "vpcCidr", says: "participant role" },
];

describe("bad configuration is refused before any resource is registered", () => {
    let ownerOutputs: Record<string, unknown>;
    before(async () => {
        ownerOutputs = (await runStack("owner", fixtureConfig("owner"))).outputs;
    });

    itRefusesEach(CASES, 25, () => ({ audit: auditOutputs("manual"), owner: ownerOutputs }));

    it("reports every problem of a file at once, each with key, value and expectation", async () => {
        const error = await expectConfigError(
            () => runStack("owner", withConfig(owner(), { vpcCidr: "10.20.0.0/33", organizationId: "org", shareWith: ["nobody"] })),
            "vpcCidr",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), [
            "guardduty-shared-vpc:organizationId",
            "guardduty-shared-vpc:shareWith[0]",
            "guardduty-shared-vpc:vpcCidr",
        ]);
        assert.match(error.message, /got "10\.20\.0\.0\/33"; expected an IPv4 CIDR/);
        assert.match(error.message, /Pulumi\.owner\.yaml/);
    });

    it("refuses a stack whose name names no role", async () => {
        await expectConfigError(() => runStack("dev", owner()), "role", /management, audit, owner, participant/);
    });

    describe("checks that need the owner's outputs", () => {
        it("a subnet the owner does not share names the subnets it does share", async () => {
            const config = withConfig(participant(), { instances: [{ name: "a", subnet: "owner-tools" }] });
            await expectConfigError(() => runStack("participant", config, { owner: ownerOutputs }), "instances[0].subnet", "workloads-a, workloads-b, batch-b");
        });

        it("an owner stack without outputs says to deploy the owner first", async () => {
            await expectConfigError(() => runStack("participant", participant(), { owner: {} }), "ownerStack", /run `pulumi up` on the owner stack first/);
        });

        it("an owner stack that does not exist says reading it failed", async () => {
            await expectConfigError(() => runStack("participant", participant(), {}), "ownerStack", /reading it failed/);
        });

        it("an owner in another region is refused (shared subnets are regional)", async () => {
            const config = withConfig(participant(), { "aws:region": "eu-west-1" });
            await expectConfigError(() => runStack("participant", config, { owner: ownerOutputs }), "aws:region", "us-east-1, the owner's region");
        });

        it("an owner deployed before agent management was published names the missing output", async () => {
            const { agentManagement: _dropped, ...older } = ownerOutputs;
            await expectConfigError(
                () => runStack("participant", participant(), { owner: older }),
                "ownerStack",
                /organization\/guardduty-shared-vpc\/owner has no output agentManagement: run `pulumi up` on the owner stack first/,
            );
        });

        it("an owner output agentManagement that is not a mode is malformed, not guessed", async () => {
            await expectConfigError(
                () => runStack("participant", participant(), { owner: { ...ownerOutputs, agentManagement: "ssm" } }),
                "ownerStack",
                /agentManagement is malformed/,
            );
        });

        it("outputs that break the contract are named", async () => {
            const broken = { ...ownerOutputs, vpcId: "not-a-vpc" };
            const error = await expectConfigError(() => runStack("participant", participant(), { owner: broken }), "ownerStack", /vpcId is malformed/);
            assert.ok(error instanceof ConfigError);
        });
    });

    describe("checks that need the audit stack's outputs", () => {
        it("an audit stack without outputs names the stack and the missing output", async () => {
            await expectConfigError(
                () => runStack("owner", owner(), { audit: {} }),
                "auditStack",
                /organization\/guardduty-shared-vpc\/audit has no output agentManagement, coverageEventBusArn: run `pulumi up` on the audit stack first/,
            );
        });

        it("an audit stack deployed before agentManagement existed is refused the same way", async () => {
            await expectConfigError(
                () => runStack("owner", owner(), { audit: { detectorId: "0123456789abcdef0123456789abcdef" } }),
                "auditStack",
                /has no output agentManagement/,
            );
        });

        it("an audit stack that does not exist says reading it failed", async () => {
            await expectConfigError(() => runStack("owner", owner(), {}), "auditStack", /reading it failed/);
        });

        it("a fully qualified auditStack of another organization is read by that name", async () => {
            const config = withConfig(owner(), { auditStack: "secops/guardduty-shared-vpc/audit" });
            await expectConfigError(() => runStack("owner", config, { audit: auditOutputs("manual") }), "auditStack", /as secops\/guardduty-shared-vpc\/audit/);
        });

        it("manual mode with no shared subnet is refused: the endpoint lives in the shared subnets", async () => {
            const config = withConfig(owner(), {
                subnets: [{ name: "x", cidr: "10.20.64.0/24", azId: "use1-az1", share: false }],
                shareWith: [],
                ssmEndpoints: "false",
            });
            await expectConfigError(() => runStack("owner", config, { audit: auditOutputs("manual") }), "subnets", /agent management is manual \(from audit\)/);
        });

        it("automated mode with no shared subnet plans: GuardDuty, not this stack, creates the endpoint", async () => {
            const config = withConfig(owner(), {
                subnets: [{ name: "x", cidr: "10.20.64.0/24", azId: "use1-az1", share: false }],
                shareWith: [],
                ssmEndpoints: "false",
            });
            const run = await runStack("owner", config, { audit: auditOutputs("automated") });
            assert.equal(run.outputs.agentManagement, "automated");
        });
    });
});
