import * as assert from "node:assert/strict";
import { participantOutputsSchema } from "guardduty-shared-vpc-contract";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { discoverStacks, runStacksInOrder } from "../../tools/offline/stacks";
import { FIXTURE_DIR, ofType, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

describe("participant stack (fixture Pulumi.participant.yaml, owner outputs through a stack reference)", () => {
    let owner: Record<string, unknown>;
    let run: OfflineStackRun;
    before(async () => {
        owner = (await runStack("owner", fixtureConfig("owner"))).outputs;
        run = await runStack("participant", fixtureConfig("participant"), { owner });
    });

    it("reads the owner stack named in ownerStack", () => {
        const reference = single(run, "pulumi:pulumi:StackReference");
        assert.equal(reference.name, "organization/guardduty-shared-vpc/owner");
        assert.equal(reference.read, true);
    });

    it("never declares a VPC endpoint (AWS: This operation does not support shared VPCs)", () => {
        assert.equal(ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").length, 0);
    });

    it("creates its own security group in the owner's VPC, with no inbound and HTTPS out", () => {
        const sg = single(run, "aws:ec2/securityGroup:SecurityGroup");
        assert.equal(sg.inputs.vpcId, owner.vpcId);
        assert.deepEqual(sg.inputs.ingress, []);
        assert.deepEqual(
            (sg.inputs.egress as Array<Record<string, unknown>>).map((r) => [r.protocol, r.fromPort, r.toPort]),
            [["tcp", 443, 443]],
        );
    });

    it("launches each instance in the named shared subnet, by the owner's subnet ID", () => {
        const subnetIdByName = new Map((owner.sharedSubnets as Array<{ name: string; id: string }>).map((s) => [s.name, s.id]));
        const instances = ofType(run, "aws:ec2/instance:Instance");
        assert.deepEqual(
            instances.map((i) => [i.name, i.inputs.subnetId]),
            [
                ["workloads-app-1", subnetIdByName.get("workloads-a")],
                ["workloads-app-2", subnetIdByName.get("workloads-b")],
            ],
        );
    });

    it("hardens every instance: IMDSv2, metadata tags, encrypted root volume, own security group, and no GuardDutyManaged tag under manual management", () => {
        const sg = single(run, "aws:ec2/securityGroup:SecurityGroup");
        for (const instance of ofType(run, "aws:ec2/instance:Instance")) {
            const metadata = instance.inputs.metadataOptions as Record<string, unknown>;
            assert.equal(metadata.httpTokens, "required", instance.name);
            assert.equal(metadata.instanceMetadataTags, "enabled", instance.name);
            assert.equal((instance.inputs.rootBlockDevice as Record<string, unknown>).encrypted, true, instance.name);
            assert.deepEqual(instance.inputs.vpcSecurityGroupIds, [sg.outputs.id], instance.name);
            assert.equal("GuardDutyManaged" in (instance.inputs.tags as Record<string, string>), false, instance.name);
        }
    });

    it("picks the latest Amazon Linux 2023 AMI for each instance's architecture", () => {
        const [x86, arm] = ofType(run, "aws:ec2/instance:Instance");
        assert.equal(x86.inputs.instanceType, "t3.small");
        assert.equal(arm.inputs.instanceType, "t4g.small");
        assert.match(String(x86.inputs.ami), /^ami-/);
        assert.notEqual(x86.inputs.ami, arm.inputs.ami, "x86_64 and arm64 need different AMIs");
    });

    it("makes instances SSM-managed with a role that has only AmazonSSMManagedInstanceCore", () => {
        // The other role of the stack is the coverage forwarding role (tests/stacks/coverageEvents.test.ts).
        const role = ofType(run, "aws:iam/role:Role").find((r) => r.name === "workloads-role");
        assert.ok(role, "no instance role workloads-role");
        const trust = JSON.parse(String(role.inputs.assumeRolePolicy));
        assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(
            attachments.map((a) => a.inputs.policyArn),
            ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
        );
        assert.deepEqual(
            ofType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.inputs.role === role.outputs.name),
            [],
            "no inline policy on the instance role",
        );
        const profile = single(run, "aws:iam/instanceProfile:InstanceProfile");
        for (const instance of ofType(run, "aws:ec2/instance:Instance")) assert.equal(instance.inputs.iamInstanceProfile, profile.outputs.name);
    });

    it("installs the agent with GuardDuty's SSM document on exactly these instances", () => {
        const association = single(run, "aws:ssm/association:Association");
        assert.equal(association.inputs.name, "AmazonGuardDuty-ConfigureRuntimeMonitoringSsmPlugin");
        assert.deepEqual(association.inputs.parameters, { action: "Install", name: "AmazonGuardDuty-RuntimeMonitoringSsmPlugin" });
        const ids = ofType(run, "aws:ec2/instance:Instance").map((i) => i.outputs.id);
        assert.deepEqual(association.inputs.targets, [{ key: "InstanceIds", values: ids }]);
    });

    it("publishes outputs that satisfy the contract", () => {
        const outputs = participantOutputsSchema.parse(run.outputs);
        assert.equal(outputs.participantAccountId, "444444444444");
        assert.deepEqual(
            outputs.instanceIds,
            ofType(run, "aws:ec2/instance:Instance").map((i) => i.outputs.id),
        );
        assert.deepEqual(
            outputs.instances.map((i) => [i.name, i.subnet, i.azId]),
            [
                ["app-1", "workloads-a", "use1-az1"],
                ["app-2", "workloads-b", "use1-az2"],
            ],
        );
        assert.equal(outputs.agentAssociationId, single(run, "aws:ssm/association:Association").outputs.associationId);
    });

    it("accepts the owner's share invitation when asked, before creating anything in the VPC", async () => {
        const accepting = await runStack("participant", withConfig(fixtureConfig("participant"), { acceptShareInvitation: "true" }), { owner });
        const accepter = single(accepting, "aws:ram/resourceShareAccepter:ResourceShareAccepter");
        assert.equal(accepter.inputs.shareArn, owner.resourceShareArn);
        const sg = single(accepting, "aws:ec2/securityGroup:SecurityGroup");
        const workloads = single(accepting, "guardduty-shared-vpc:compute:MonitoredInstances");
        assert.ok(
            workloads.dependencies.includes(accepter.urn) || sg.dependencies.includes(accepter.urn),
            "the VPC is visible only after the share is accepted",
        );
    });

    it("with no instances, creates the security group and role but no association", async () => {
        const empty = await runStack("participant", withConfig(fixtureConfig("participant"), { instances: [] }), { owner });
        assert.equal(ofType(empty, "aws:ec2/instance:Instance").length, 0);
        assert.equal(ofType(empty, "aws:ssm/association:Association").length, 0);
        assert.deepEqual(empty.outputs.instanceIds, []);
    });
});

describe("all fixture stacks in deploy order", () => {
    it("wires each participant to the owner's outputs through the shared backend", async () => {
        const stacks = discoverStacks(FIXTURE_DIR);
        const order = stacks.map((s) => s.stack);
        assert.ok(order.indexOf("owner") < order.indexOf("participant"), `owner must run before participants: ${order.join(", ")}`);
        const results = await runStacksInOrder(stacks);
        for (const result of results) assert.equal(result.error, undefined, `${result.stack.stack}: ${String(result.error)}`);
        const ownerRun = results.find((r) => r.stack.stack === "owner")!.run!;
        for (const participant of results.filter((r) => r.stack.role === "participant")) {
            const sg = single(participant.run!, "aws:ec2/securityGroup:SecurityGroup");
            assert.equal(sg.inputs.vpcId, ownerRun.outputs.vpcId, participant.stack.stack);
        }
    });
});
