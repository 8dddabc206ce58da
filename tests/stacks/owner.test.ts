import * as assert from "node:assert/strict";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { auditOutputs, assertUnderRoleWithPinnedProvider, ofType, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";

function guardDutyEndpoint(run: OfflineStackRun) {
    return ofType(run, ENDPOINT).find((r) => String(r.inputs.serviceName).endsWith(".guardduty-data"));
}

describe("owner stack (fixture Pulumi.owner.yaml)", () => {
    let run: OfflineStackRun;
    before(async () => {
        run = await runStack("owner", fixtureConfig("owner"));
    });

    it("hangs every resource under the Owner role component, deployed through the pinned provider", () => {
        assert.ok(assertUnderRoleWithPinnedProvider(run, "guardduty-shared-vpc:stacks:Owner", "333333333333").length > 10);
    });

    it("creates the VPC with DNS support and hostnames, which private DNS needs", () => {
        const vpc = single(run, "aws:ec2/vpc:Vpc");
        assert.equal(vpc.inputs.cidrBlock, "10.20.0.0/16");
        assert.equal(vpc.inputs.enableDnsSupport, true);
        assert.equal(vpc.inputs.enableDnsHostnames, true);
    });

    it("places subnets by AZ ID, never by AZ name", () => {
        const subnets = ofType(run, "aws:ec2/subnet:Subnet");
        assert.deepEqual(
            subnets.map((s) => [s.name, s.inputs.availabilityZoneId, s.inputs.availabilityZone]),
            [
                ["network-workloads-a", "use1-az1", undefined],
                ["network-workloads-b", "use1-az2", undefined],
                ["network-batch-b", "use1-az2", undefined],
                ["network-owner-tools", "use1-az4", undefined],
            ],
        );
    });

    it("shares through one protected, organization-only RAM share", () => {
        const share = single(run, "aws:ram/resourceShare:ResourceShare");
        assert.equal(share.inputs.allowExternalPrincipals, false);
        assert.equal(share.protect, true);
    });

    it("associates exactly the subnets marked share, and each principal once", () => {
        const subnetArns = new Map(ofType(run, "aws:ec2/subnet:Subnet").map((s) => [s.outputs.arn, s.name]));
        const shared = ofType(run, "aws:ram/resourceAssociation:ResourceAssociation").map((a) => subnetArns.get(a.inputs.resourceArn));
        assert.deepEqual(shared, ["network-workloads-a", "network-workloads-b", "network-batch-b"]);
        const principals = ofType(run, "aws:ram/principalAssociation:PrincipalAssociation").map((a) => a.inputs.principal);
        assert.deepEqual(principals, ["444444444444", "555555555555"]);
    });

    it("gives the endpoints a security group of its own that admits only HTTPS from the VPC", () => {
        const sg = single(run, "aws:ec2/securityGroup:SecurityGroup");
        assert.deepEqual(
            (sg.inputs.ingress as Array<Record<string, unknown>>).map((rule) => [rule.protocol, rule.fromPort, rule.toPort, rule.cidrBlocks]),
            [["tcp", 443, 443, ["10.20.0.0/16"]]],
        );
        assert.deepEqual(sg.inputs.egress, []);
        for (const endpoint of ofType(run, ENDPOINT).filter((e) => e.inputs.vpcEndpointType === "Interface")) {
            assert.deepEqual(endpoint.inputs.securityGroupIds, [sg.outputs.id], endpoint.name);
        }
    });

    it("creates the guardduty-data interface endpoint with private DNS in one shared subnet per AZ", () => {
        const endpoint = guardDutyEndpoint(run);
        assert.ok(endpoint);
        assert.equal(endpoint.inputs.serviceName, "com.amazonaws.us-east-1.guardduty-data");
        assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
        assert.equal(endpoint.inputs.privateDnsEnabled, true);
        const subnetIds = new Map(ofType(run, "aws:ec2/subnet:Subnet").map((s) => [s.outputs.id, s.name]));
        // workloads-b and batch-b share use1-az2: the first configured wins; owner-tools is not shared.
        assert.deepEqual(
            (endpoint.inputs.subnetIds as string[]).map((id) => subnetIds.get(id)),
            ["network-workloads-a", "network-workloads-b"],
        );
    });

    it("scopes the endpoint policy to the organization", () => {
        const policy = JSON.parse(String(guardDutyEndpoint(run)?.inputs.policy));
        assert.deepEqual(policy.Statement[1], {
            Effect: "Deny",
            Principal: "*",
            Action: "*",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        });
    });

    it("adds SSM endpoints and an S3 gateway so instances without internet can get the agent", () => {
        const services = ofType(run, ENDPOINT).map((e) => `${e.inputs.vpcEndpointType}:${String(e.inputs.serviceName).split(".").pop()}`);
        assert.deepEqual(services.sort(), ["Gateway:s3", "Interface:ec2messages", "Interface:guardduty-data", "Interface:ssm", "Interface:ssmmessages"]);
        const vpc = single(run, "aws:ec2/vpc:Vpc");
        const gateway = ofType(run, ENDPOINT).find((e) => e.inputs.vpcEndpointType === "Gateway");
        assert.deepEqual(gateway?.inputs.routeTableIds, [vpc.outputs.mainRouteTableId]);
    });

    it("publishes the contract's outputs with the shared subnets' names, IDs and AZ IDs", () => {
        const outputs = run.outputs as Record<string, unknown>;
        assert.equal(outputs.ownerAccountId, "333333333333");
        assert.equal(outputs.region, "us-east-1");
        assert.equal(outputs.vpcId, single(run, "aws:ec2/vpc:Vpc").outputs.id);
        const shared = outputs.sharedSubnets as Array<Record<string, unknown>>;
        assert.deepEqual(
            shared.map((s) => [s.name, s.azId, s.cidr]),
            [
                ["workloads-a", "use1-az1", "10.20.0.0/20"],
                ["workloads-b", "use1-az2", "10.20.16.0/20"],
                ["batch-b", "use1-az2", "10.20.32.0/20"],
            ],
        );
        assert.deepEqual(
            outputs.sharedSubnetIds,
            shared.map((s) => s.id),
        );
        assert.equal(outputs.resourceShareArn, single(run, "aws:ram/resourceShare:ResourceShare").outputs.arn);
        assert.equal(outputs.guardDutyEndpointId, guardDutyEndpoint(run)?.outputs.id);
        assert.equal(outputs.guardDutyEndpointSecurityGroupId, single(run, "aws:ec2/securityGroup:SecurityGroup").outputs.id);
    });
});

describe("owner stack variants", () => {
    it("an account-scoped endpoint policy lists the owner and the shared-with accounts", async () => {
        const run = await runStack("owner", withConfig(fixtureConfig("owner"), { endpointPolicyScope: "accounts" }));
        const policy = JSON.parse(String(guardDutyEndpoint(run)?.inputs.policy));
        assert.deepEqual(policy.Statement[1].Condition, { StringNotEquals: { "aws:PrincipalAccount": ["333333333333", "444444444444", "555555555555"] } });
    });

    it("under automated agent management there is no guardduty-data endpoint and its outputs are absent; the SSM endpoints stay", async () => {
        const run = await runStack("owner", fixtureConfig("owner"), { audit: auditOutputs("automated") });
        assert.equal(guardDutyEndpoint(run), undefined);
        assert.equal("guardDutyEndpointId" in run.outputs, false);
        assert.equal("guardDutyEndpointSecurityGroupId" in run.outputs, false);
        assert.equal(ofType(run, ENDPOINT).length, 4, "the SSM endpoints stay");
        assert.equal(run.outputs.agentManagement, "automated");
    });

    it("under automated management without SSM endpoints, no security group or endpoint is created", async () => {
        const run = await runStack("owner", withConfig(fixtureConfig("owner"), { ssmEndpoints: "false" }), { audit: auditOutputs("automated") });
        assert.equal(ofType(run, ENDPOINT).length, 0);
        assert.equal(ofType(run, "aws:ec2/securityGroup:SecurityGroup").length, 0);
    });

    it("under manual management without SSM endpoints, the guardduty-data endpoint keeps its own security group", async () => {
        const run = await runStack("owner", withConfig(fixtureConfig("owner"), { ssmEndpoints: "false" }), { audit: auditOutputs("manual") });
        assert.deepEqual(
            ofType(run, ENDPOINT).map((e) => e.inputs.serviceName),
            ["com.amazonaws.us-east-1.guardduty-data"],
        );
        assert.equal(ofType(run, "aws:ec2/securityGroup:SecurityGroup").length, 1);
    });

    it("taking a subnet out of the share removes only its association, never the subnet", async () => {
        const before = await runStack("owner", fixtureConfig("owner"));
        const subnets = JSON.parse(fixtureConfig("owner")["guardduty-shared-vpc:subnets"]);
        subnets[2].share = false;
        const after = await runStack("owner", withConfig(fixtureConfig("owner"), { subnets }));
        const urns = (run: OfflineStackRun) => new Set(run.resources.map((r) => r.urn));
        const removed = [...urns(before)].filter((urn) => !urns(after).has(urn));
        const added = [...urns(after)].filter((urn) => !urns(before).has(urn));
        assert.deepEqual(
            removed.map((urn) => urn.split("::").pop()),
            ["network-share-batch-b"],
        );
        assert.deepEqual(added, []);
        assert.deepEqual(
            (after.outputs.sharedSubnets as Array<{ name: string }>).map((s) => s.name),
            ["workloads-a", "workloads-b"],
        );
    });

    it("assumes the configured role in the pinned provider", async () => {
        const roleArn = "arn:aws:iam::333333333333:role/pulumi-deploy";
        const run = await runStack("owner", withConfig(fixtureConfig("owner"), { assumeRoleArn: roleArn }));
        const provider = single(run, "pulumi:providers:aws");
        const assumeRoles = JSON.parse(String(provider.inputs.assumeRoles));
        assert.equal(assumeRoles[0].roleArn, roleArn);
        assert.equal(assumeRoles[0].sessionName, "pulumi-owner");
    });
});
