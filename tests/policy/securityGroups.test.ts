import * as assert from "node:assert/strict";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { endpointSecurityGroupsOwnedByStack, guardDutyEndpointSgHttpsOnly, participantInstancesUseOwnSecurityGroups } from "../../policy/policies";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, participantFixture, U } from "./helpers";

const OWNED = "endpoint-security-groups-owned-by-stack";
const HTTPS = "guardduty-endpoint-sg-https-only";
const INSTANCES = "participant-instances-use-own-security-groups";

describe("policy endpoint-security-groups-owned-by-stack", () => {
    const policy = endpointSecurityGroupsOwnedByStack;

    it("passes an endpoint using the security group created beside it, by ID (up) or by dependency (first preview)", async () => {
        const f = ownerFixture();
        expectClean(await check(f.b.resources, { policy }));
        const preview = asFirstPreview(f.b.resources);
        const endpoint = preview.find((r) => r.urn === f.endpoint.urn)!;
        assert.deepEqual(endpoint.outputs.securityGroupIds, [U.string], "the fixture's preview really has the ID unknown");
        expectClean(await check(preview, { policy }));
        // The whole list unknown (e.g. `sg.id.apply((id) => [id])`): its dependency still tells.
        f.endpoint.outputs.securityGroupIds = U.array;
        expectClean(await check(f.b.resources, { policy }));
    });

    it("fails a literal ID from config (a participant's security group) that is no security group of this stack", async () => {
        const f = ownerFixture({ endpoint: { securityGroupIds: ["sg-cb58e535e51fceca9"] } });
        f.endpoint.propertyDependencies.securityGroupIds = [];
        const verdict = expectMandatory(await check(f.b.resources, { policy }), OWNED, /sg-cb58e535e51fceca9 \(not created in this stack: an ID from config, code or another stack\)/, f.endpoint);
        assert.match(verdict.message, /Create the security group in this stack/);
        // Still a violation during preview: the literal is known then.
        expectMandatory(await check(asFirstPreview(f.b.resources), { policy }), OWNED, /sg-cb58e535e51fceca9/);
    });

    it("fails an ID taken from a stack reference, even while it is unknown", async () => {
        const f = ownerFixture();
        const ref = f.b.stackReference("organization/guardduty-shared-vpc/participant", { instanceSecurityGroupId: "sg-cb58e535e51fceca9" });
        f.endpoint.propertyDependencies.securityGroupIds = [ref.urn];
        f.endpoint.outputs.securityGroupIds = ["sg-cb58e535e51fceca9"];
        expectMandatory(await check(f.b.resources, { policy }), OWNED, /taken from an output of stack reference "organization\/guardduty-shared-vpc\/participant"/);
        f.endpoint.outputs.securityGroupIds = U.array;
        expectMandatory(await check(f.b.resources, { policy }), OWNED, /stack reference/);
    });

    it("fails the VPC's default security group, by dependency on the VPC or by leaving an interface endpoint without one", async () => {
        const f = ownerFixture({ endpoint: { securityGroupIds: ["sg-default"] } });
        f.endpoint.propertyDependencies.securityGroupIds = [f.vpc.urn];
        expectMandatory(await check(f.b.resources, { policy }), OWNED, /the VPC's default security group/);
        const none = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        expectMandatory(await check(none.b.resources, { policy }), OWNED, /has no security group, so AWS gives it the VPC's default security group/);
    });

    it("checks security groups attached with SecurityGroupAssociation too", async () => {
        const f = ownerFixture();
        f.b.add("aws:ec2/securityGroupAssociation:SecurityGroupAssociation", "extra", { vpcEndpointId: f.endpoint.id, securityGroupId: "sg-0123456789abcdef0" }, { deps: { vpcEndpointId: [f.endpoint] } });
        expectMandatory(await check(f.b.resources, { policy }), OWNED, /sg-0123456789abcdef0/);
    });

    it("passes gateway endpoints, which take no security group", async () => {
        const f = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway", securityGroupIds: undefined } });
        expectClean(await check(f.b.resources, { policy }));
    });

    it("waits when an ID is unknown and depends on no security group of this stack, or the endpoint type is unknown", async () => {
        const f = ownerFixture({ endpoint: { securityGroupIds: [U.string] } });
        f.endpoint.propertyDependencies.securityGroupIds = [];
        expectWaits(await check(f.b.resources, { policy }), OWNED, /until securityGroupIds\[0\] is known/);
        const t = ownerFixture({ endpoint: { securityGroupIds: undefined, vpcEndpointType: U.string } });
        expectWaits(await check(t.b.resources, { policy }), OWNED, /until its vpcEndpointType is known/);
    });
});

describe("policy guardduty-endpoint-sg-https-only", () => {
    const policy = guardDutyEndpointSgHttpsOnly;

    it("passes TCP 443 from the VPC CIDR", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
        expectClean(await check(asFirstPreview(ownerFixture().b.resources), { policy }));
    });

    it("fails 0.0.0.0/0 or ::/0 on 443, other ports and all protocols", async () => {
        for (const [ingress, pattern] of [
            [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }, /open to 0\.0\.0\.0\/0/],
            [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }, /open to ::\/0/],
            [{ protocol: "tcp", fromPort: 22, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }, /allows TCP 22-443/],
            [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.20.0.0/16"] }, /all protocols and ports/],
            [{ protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }, /protocol "udp"/],
        ] as const) {
            const f = ownerFixture({ sg: { ingress: [ingress] } });
            const verdict = expectMandatory(await check(f.b.resources, { policy }), HTTPS, pattern, f.sg);
            assert.match(verdict.message, /allow TCP 443 from the VPC's CIDR/);
        }
    });

    it("checks separate rule resources that target the endpoint's security group", async () => {
        const f = ownerFixture();
        f.b.add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "open", { securityGroupId: f.sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" }, { deps: { securityGroupId: [f.sg] } });
        expectMandatory(await check(f.b.resources, { policy }), HTTPS, /SecurityGroupIngressRule "open" is open to 0\.0\.0\.0\/0/);
        const g = ownerFixture();
        g.b.add("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh", { type: "ingress", securityGroupId: g.sg.id, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }, { deps: { securityGroupId: [g.sg] } });
        g.b.add("aws:ec2/securityGroupRule:SecurityGroupRule", "egress", { type: "egress", securityGroupId: g.sg.id, protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }, { deps: { securityGroupId: [g.sg] } });
        const verdicts = await check(g.b.resources, { policy });
        expectMandatory(verdicts, HTTPS, /SecurityGroupRule "ssh" allows TCP 22-22/);
        assert.ok(!verdicts.some((v) => v.message.includes('"egress"')), "egress rules are not the policy's concern");
    });

    it("leaves the SSM endpoints' groups to the other policies unless they also serve guardduty-data", async () => {
        const f = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.ssm" }, sg: { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] } });
        expectClean(await check(f.b.resources, { policy }));
    });

    it("waits on unknown rules or ports, and on a security group it cannot see", async () => {
        const f = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [U.string] }] } });
        expectWaits(await check(f.b.resources, { policy }), HTTPS, /ingress\[0\] IPv4 sources is known/);
        const g = ownerFixture({ sg: { ingress: U.array } });
        expectWaits(await check(g.b.resources, { policy }), HTTPS, /SecurityGroup "endpoints-sg"'s ingress is known/);
        const h = ownerFixture({ endpoint: { securityGroupIds: ["sg-elsewhere"] } });
        h.endpoint.propertyDependencies.securityGroupIds = [];
        expectWaits(await check(h.b.resources, { policy }), HTTPS, /sg-elsewhere .* cannot be checked from this stack/);
    });
});

describe("policy participant-instances-use-own-security-groups", () => {
    const policy = participantInstancesUseOwnSecurityGroups;
    const OWNER_SG = "sg-b339f47ff1b3e097f";

    it("passes instances using the participant's own security group (up and first preview)", async () => {
        const f = participantFixture();
        expectClean(await check(f.b.resources, { policy }));
        expectClean(await check(asFirstPreview(f.b.resources), { policy }));
    });

    it("fails the owner's security group, from config or from the owner's stack reference", async () => {
        const literal = participantFixture({ instance: { vpcSecurityGroupIds: [OWNER_SG] }, instanceDeps: {} });
        const verdict = expectMandatory(await check(literal.b.resources, { policy }), INSTANCES, new RegExp(`${OWNER_SG} \\(not created in this stack`), literal.instance);
        assert.match(verdict.message, /EC2 refuses a participant's launch with another account's security group unless the owner shares it/);
        const viaRef = participantFixture({ instance: { vpcSecurityGroupIds: [U.string] } });
        const ref = viaRef.b.stackReference("organization/guardduty-shared-vpc/owner", { guardDutyEndpointSecurityGroupId: OWNER_SG });
        viaRef.instance.propertyDependencies.vpcSecurityGroupIds = [viaRef.sg.urn, ref.urn];
        expectMandatory(await check(viaRef.b.resources, { policy }), INSTANCES, /stack reference "organization\/guardduty-shared-vpc\/owner"/);
    });

    it("fails an instance with no security group, which AWS gives the owner's VPC default one", async () => {
        const f = participantFixture({ instance: { vpcSecurityGroupIds: undefined }, instanceDeps: {} });
        expectMandatory(await check(f.b.resources, { policy }), INSTANCES, /VPC's default security group, which belongs to the VPC owner/);
    });

    it("follows network interfaces and launch templates to their security groups", async () => {
        const eni = participantFixture({ instance: { vpcSecurityGroupIds: undefined }, instanceDeps: {} });
        const nic = eni.b.add("aws:ec2/networkInterface:NetworkInterface", "nic", { subnetId: "subnet-1", securityGroups: [OWNER_SG] }, { id: "eni-1" });
        eni.instance.inputs.networkInterfaces = eni.instance.outputs.networkInterfaces = [{ networkInterfaceId: nic.id, deviceIndex: 0 }];
        expectMandatory(await check(eni.b.resources, { policy }), INSTANCES, new RegExp(OWNER_SG));
        const lt = participantFixture({ instance: { vpcSecurityGroupIds: undefined }, instanceDeps: {} });
        const template = lt.b.add("aws:ec2/launchTemplate:LaunchTemplate", "tpl", { vpcSecurityGroupIds: [lt.sg.id] }, { deps: { vpcSecurityGroupIds: [lt.sg] }, id: "lt-1" });
        lt.instance.inputs.launchTemplate = lt.instance.outputs.launchTemplate = { id: template.id };
        expectClean(await check(lt.b.resources, { policy }));
        lt.instance.inputs.launchTemplate = lt.instance.outputs.launchTemplate = { id: "lt-from-elsewhere" };
        expectMandatory(await check(lt.b.resources, { policy }), INSTANCES, /launch template "lt-from-elsewhere"/);
    });

    it("leaves owner, audit and management stacks alone", async () => {
        const f = participantFixture({ stack: "owner", component: false, instance: { vpcSecurityGroupIds: [OWNER_SG] }, instanceDeps: {} });
        expectClean(await check(f.b.resources, { policy }));
    });

    it("waits on unknown IDs with no security group behind them, on computed-only groups, and on an unknown role", async () => {
        const f = participantFixture({ instance: { vpcSecurityGroupIds: [U.string] }, instanceDeps: {} });
        expectWaits(await check(f.b.resources, { policy }), INSTANCES, /vpcSecurityGroupIds\[0\] is known/);
        const computed = participantFixture({ instance: { vpcSecurityGroupIds: U.array, securityGroups: U.array }, instanceDeps: {} });
        expectWaits(await check(computed.b.resources, { policy }), INSTANCES, /until vpcSecurityGroupIds is known/);
        const role = participantFixture({ stack: "prod", component: false });
        expectWaits(await check(role.b.resources, { policy }), INSTANCES, /until the stack's role is known/);
    });
});
