import * as assert from "node:assert/strict";
import type { CapturedResource } from "../../tools/offline/runStack";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { endpointSecurityGroupsOwnedByStack, guardDutyEndpointSgHttpsOnly, participantInstancesUseOwnSecurityGroups } from "../../policy/policies";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, participantFixture, setProps, U } from "./helpers";

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
        const verdict = expectMandatory(
            await check(f.b.resources, { policy }),
            OWNED,
            /sg-cb58e535e51fceca9 \(not created in this stack: an ID from config, code or another stack\)/,
            f.endpoint,
        );
        assert.match(verdict.message, /Create the security group in this stack/);
        // Still a violation during preview: the literal is known then.
        expectMandatory(await check(asFirstPreview(f.b.resources), { policy }), OWNED, /sg-cb58e535e51fceca9/);
    });

    it("fails an ID taken from a stack reference, even while it is unknown", async () => {
        const f = ownerFixture();
        const ref = f.b.stackReference("organization/guardduty-shared-vpc/participant", { instanceSecurityGroupId: "sg-cb58e535e51fceca9" });
        f.endpoint.propertyDependencies.securityGroupIds = [ref.urn];
        f.endpoint.outputs.securityGroupIds = ["sg-cb58e535e51fceca9"];
        expectMandatory(
            await check(f.b.resources, { policy }),
            OWNED,
            /taken from an output of stack reference "organization\/guardduty-shared-vpc\/participant"/,
        );
        f.endpoint.outputs.securityGroupIds = U.array;
        expectMandatory(await check(f.b.resources, { policy }), OWNED, /stack reference/);
    });

    it("fails the VPC's default security group, by dependency on the VPC or by leaving an interface endpoint without one", async () => {
        const f = ownerFixture({ endpoint: { securityGroupIds: ["sg-default"] } });
        f.endpoint.propertyDependencies.securityGroupIds = [f.vpc.urn];
        expectMandatory(await check(f.b.resources, { policy }), OWNED, /the VPC's default security group/);
        const none = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        expectMandatory(
            await check(none.b.resources, { policy }),
            OWNED,
            /the VPC's default security group \(which AWS gives an interface endpoint created without securityGroupIds/,
        );
        // First preview: securityGroupIds is computed (unknown, nothing behind it), which says the same.
        const preview = ownerFixture({ endpoint: { securityGroupIds: U.array } });
        preview.endpoint.propertyDependencies.securityGroupIds = [];
        expectMandatory(await check(preview.b.resources, { policy }), OWNED, /VPC's default security group/);
        // After the update AWS reports the default group's ID there: recognised as the VPC's default.
        const deployed = ownerFixture({ endpoint: { securityGroupIds: ["sg-0d5fa0c1de1a17e0a"] } });
        deployed.endpoint.propertyDependencies.securityGroupIds = [];
        expectMandatory(await check(deployed.b.resources, { policy }), OWNED, /sg-0d5fa0c1de1a17e0a \(the default security group of Vpc "network-vpc"/);
    });

    it("keeps the VPC's default group on an endpoint without securityGroupIds unless an association sets replaceDefaultAssociation: true", async () => {
        const add = (f: ReturnType<typeof ownerFixture>, inputs: Record<string, unknown>) =>
            f.b.add(
                "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
                "endpoint-sg",
                { vpcEndpointId: f.endpoint.id, securityGroupId: f.sg.id, ...inputs },
                { deps: { vpcEndpointId: [f.endpoint], securityGroupId: [f.sg] } },
            );
        const added = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        add(added, {});
        expectMandatory(
            await check(added.b.resources, { policy }),
            OWNED,
            /the VPC's default security group \(kept, because securityGroupIds is empty and no SecurityGroupAssociation sets replaceDefaultAssociation: true/,
        );
        const replaced = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        add(replaced, { replaceDefaultAssociation: true });
        expectClean(await check(replaced.b.resources, { policy }));
        expectClean(await check(asFirstPreview(replaced.b.resources), { policy }));
        const unknown = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        add(unknown, { replaceDefaultAssociation: U.boolean });
        expectWaits(await check(unknown.b.resources, { policy }), OWNED, /until replaceDefaultAssociation of its SecurityGroupAssociations is known/);
    });

    it("checks security groups attached with SecurityGroupAssociation too", async () => {
        const f = ownerFixture();
        f.b.add(
            "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
            "extra",
            { vpcEndpointId: f.endpoint.id, securityGroupId: "sg-0123456789abcdef0" },
            { deps: { vpcEndpointId: [f.endpoint] } },
        );
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
        expectWaits(await check(t.b.resources, { policy }), OWNED, /until its vpcEndpointType .* is known/);
    });
});

describe("policy guardduty-endpoint-sg-https-only", () => {
    const policy = guardDutyEndpointSgHttpsOnly;

    it("passes TCP 443 from the VPC CIDR", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
        expectClean(await check(asFirstPreview(ownerFixture().b.resources), { policy }));
    });

    it("fails the internet on 443 however spelled, other ports and all protocols", async () => {
        for (const [ingress, pattern] of [
            [
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
                /0\.0\.0\.0\/0 \(SecurityGroup "endpoints-sg" ingress\[0\]\) is open to the whole IPv4 internet/,
            ],
            [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/00"] }, /is open to the whole IPv4 internet/],
            [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["::/0"] }, /::\/0 .* is open to the whole IPv6 internet/],
            [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["0:0::/0"] }, /whole IPv6 internet/],
            [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["2000::/3"] }, /whole IPv6 internet/],
            [{ protocol: "tcp", fromPort: 22, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }, /allows TCP 22-443/],
            [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.20.0.0/16"] }, /all protocols and ports/],
            [{ protocol: "udp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }, /protocol "udp"/],
            [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16 ", "not-a-cidr"] }, /has source "not-a-cidr", which is not a CIDR/],
        ] as const) {
            const f = ownerFixture({ sg: { ingress: [ingress] } });
            const verdict = expectMandatory(await check(f.b.resources, { policy }), HTTPS, pattern, f.endpoint);
            assert.match(verdict.message, /allow TCP 443 from the VPC's CIDR/);
        }
    });

    it("judges the union of every rule's ranges: two halves of the internet are the internet, in IPv4 and IPv6", async () => {
        const v4 = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1"] }] } });
        v4.b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "upper-half",
            { securityGroupId: v4.sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "128.0.0.0/1" },
            { deps: { securityGroupId: [v4.sg] } },
        );
        expectMandatory(
            await check(v4.b.resources, { policy }),
            HTTPS,
            /0\.0\.0\.0\/1 \(SecurityGroup "endpoints-sg" ingress\[0\]\), 128\.0\.0\.0\/1 \(SecurityGroupIngressRule "upper-half"\) together are open to the whole IPv4 internet, as 0\.0\.0\.0\/0 is/,
        );
        // Every public range, leaving out only private and reserved space, is the internet too.
        const publicOnly = [
            "1.0.0.0/8",
            "2.0.0.0/7",
            "4.0.0.0/6",
            "8.0.0.0/7",
            "11.0.0.0/8",
            "12.0.0.0/6",
            "16.0.0.0/4",
            "32.0.0.0/3",
            "64.0.0.0/3",
            "96.0.0.0/6",
            "100.0.0.0/10",
            "100.128.0.0/9",
            "101.0.0.0/8",
            "102.0.0.0/7",
            "104.0.0.0/5",
            "112.0.0.0/5",
            "120.0.0.0/6",
            "124.0.0.0/7",
            "126.0.0.0/8",
            "128.0.0.0/3",
            "160.0.0.0/5",
            "168.0.0.0/8",
            "169.0.0.0/9",
            "169.128.0.0/10",
            "169.192.0.0/11",
            "169.224.0.0/12",
            "169.240.0.0/13",
            "169.248.0.0/14",
            "169.252.0.0/15",
            "169.255.0.0/16",
            "170.0.0.0/7",
            "172.0.0.0/12",
            "172.32.0.0/11",
            "172.64.0.0/10",
            "172.128.0.0/9",
            "173.0.0.0/8",
            "174.0.0.0/7",
            "176.0.0.0/4",
            "192.0.1.0/24",
            "192.0.3.0/24",
            "192.0.4.0/22",
            "192.0.8.0/21",
            "192.0.16.0/20",
            "192.0.32.0/19",
            "192.0.64.0/18",
            "192.0.128.0/17",
            "192.1.0.0/16",
            "192.2.0.0/15",
            "192.4.0.0/14",
            "192.8.0.0/13",
            "192.16.0.0/12",
            "192.32.0.0/11",
            "192.64.0.0/10",
            "192.128.0.0/11",
            "192.160.0.0/13",
            "192.169.0.0/16",
            "192.170.0.0/15",
            "192.172.0.0/14",
            "192.176.0.0/12",
            "192.192.0.0/10",
            "193.0.0.0/8",
            "194.0.0.0/7",
            "196.0.0.0/7",
            "198.0.0.0/12",
            "198.16.0.0/15",
            "198.20.0.0/14",
            "198.24.0.0/13",
            "198.32.0.0/11",
            "198.64.0.0/11",
            "198.96.0.0/12",
            "198.112.0.0/13",
            "198.120.0.0/14",
            "198.124.0.0/15",
            "198.126.0.0/16",
            "198.127.0.0/16",
            "198.128.0.0/9",
            "199.0.0.0/8",
            "200.0.0.0/5",
            "203.0.0.0/18",
            "203.0.64.0/19",
            "203.0.96.0/20",
            "203.0.112.0/24",
            "203.0.114.0/23",
            "203.0.116.0/22",
            "203.0.120.0/21",
            "203.0.128.0/17",
            "203.1.0.0/16",
            "203.2.0.0/15",
            "203.4.0.0/14",
            "203.8.0.0/13",
            "203.16.0.0/12",
            "203.32.0.0/11",
            "203.64.0.0/10",
            "203.128.0.0/9",
            "204.0.0.0/6",
            "208.0.0.0/4",
            "198.51.0.0/18",
            "198.51.64.0/19",
            "198.51.96.0/22",
            "198.51.101.0/24",
            "198.51.102.0/23",
            "198.51.104.0/21",
            "198.51.112.0/20",
            "198.51.128.0/17",
            "198.50.0.0/16",
            "198.52.0.0/14",
            "198.56.0.0/13",
            "198.48.0.0/15",
            "198.40.0.0/13",
        ];
        const spread = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: publicOnly }] } });
        expectMandatory(await check(spread.b.resources, { policy }), HTTPS, /together are open to the whole IPv4 internet/);
        const v6 = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["2000::/4", "3000::/4"] }] } });
        expectMandatory(await check(v6.b.resources, { policy }), HTTPS, /2000::\/4 .*, 3000::\/4 .* together are open to the whole IPv6 internet/);
    });

    it("fails public addresses outside the VPC even short of the whole internet, and passes the VPC's CIDRs and private networks", async () => {
        const half = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16", "0.0.0.0/1"] }] } });
        expectMandatory(
            await check(half.b.resources, { policy }),
            HTTPS,
            /admit IPv4 0\.0\.0\.0-9\.255\.255\.255, 11\.0\.0\.0-100\.63\.255\.255, 100\.128\.0\.0-127\.255\.255\.255, outside the VPC's CIDR and private address space/,
        );
        const one = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["52.94.0.0/22"] }] } });
        expectMandatory(await check(one.b.resources, { policy }), HTTPS, /admit IPv4 52\.94\.0\.0\/22, outside/);
        const privateNetworks = ownerFixture({
            sg: {
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16", "192.168.0.0/16", "172.16.0.0/12", "100.64.0.0/10"] }],
            },
        });
        expectClean(await check(privateNetworks.b.resources, { policy }));
        // A VPC on a public range (AWS allows it), with a secondary CIDR: its own addresses are inside.
        const publicVpc = ownerFixture({
            vpc: { cidrBlock: "54.240.0.0/16" },
            sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["54.240.0.0/16", "54.241.0.0/24"] }] },
        });
        publicVpc.b.add(
            "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
            "secondary",
            { vpcId: publicVpc.vpc.id, cidrBlock: "54.241.0.0/24" },
            { deps: { vpcId: [publicVpc.vpc] } },
        );
        expectClean(await check(publicVpc.b.resources, { policy }));
        expectClean(await check(asFirstPreview(publicVpc.b.resources), { policy }));
    });

    it("takes IPv6 sources from the VPC's IPv6 block, waiting for it while it is computed, and fails them on a VPC without one", async () => {
        const ingress = [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["2600:1f18:abcd:1200::/56"] }];
        const withV6 = ownerFixture({ vpc: { assignGeneratedIpv6CidrBlock: true }, sg: { ingress } });
        withV6.vpc.outputs.ipv6CidrBlock = "2600:1f18:abcd:1200::/56";
        expectClean(await check(withV6.b.resources, { policy }));
        expectWaits(
            await check(asFirstPreview(withV6.b.resources), { policy }),
            HTTPS,
            /until Vpc "network-vpc"'s IPv6 CIDR \(to tell whether 2600:1f18:abcd:1200::\/56 is inside the VPC\) is known/,
        );
        const without = ownerFixture({ sg: { ingress } });
        expectMandatory(
            await check(without.b.resources, { policy }),
            HTTPS,
            /admit IPv6 2600:1f18:abcd:1200::\/56, outside the VPC's CIDR and private address space/,
        );
        const ula = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, ipv6CidrBlocks: ["fd00:1::/64"] }] } });
        expectClean(await check(ula.b.resources, { policy }));
    });

    it("checks separate rule resources that target the endpoint's security group", async () => {
        const f = ownerFixture();
        f.b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "open",
            { securityGroupId: f.sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
            { deps: { securityGroupId: [f.sg] } },
        );
        expectMandatory(await check(f.b.resources, { policy }), HTTPS, /0\.0\.0\.0\/0 \(SecurityGroupIngressRule "open"\) is open to the whole IPv4 internet/);
        const g = ownerFixture();
        g.b.add(
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "ssh",
            { type: "ingress", securityGroupId: g.sg.id, protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] },
            { deps: { securityGroupId: [g.sg] } },
        );
        g.b.add(
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "egress",
            { type: "egress", securityGroupId: g.sg.id, protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] },
            { deps: { securityGroupId: [g.sg] } },
        );
        const verdicts = await check(g.b.resources, { policy });
        expectMandatory(verdicts, HTTPS, /SecurityGroupRule "ssh" allows TCP 22-22/);
        assert.ok(!verdicts.some((v) => v.message.includes('"egress"')), "egress rules are not the policy's concern");
    });

    it("finds rules whose group comes from the endpoint's own outputs, an association or the VPC's default group, through the dependency graph while unknown", async () => {
        const fromEndpoint = ownerFixture();
        fromEndpoint.b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "via-endpoint",
            { securityGroupId: fromEndpoint.sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "0.0.0.0/0" },
            { deps: { securityGroupId: [fromEndpoint.endpoint] } },
        );
        const preview = asFirstPreview(fromEndpoint.b.resources);
        assert.equal(preview.find((r) => r.name === "via-endpoint")?.inputs.securityGroupId, U.string, "unknown at the first preview");
        expectMandatory(await check(preview, { policy }), HTTPS, /SecurityGroupIngressRule "via-endpoint"\) is open to the whole IPv4 internet/);

        const viaDefault = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        viaDefault.b.add(
            "aws:ec2/securityGroupRule:SecurityGroupRule",
            "default-open",
            { type: "ingress", securityGroupId: "sg-0d5fa0c1de1a17e0a", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
            { deps: { securityGroupId: [viaDefault.vpc] } },
        );
        expectMandatory(await check(asFirstPreview(viaDefault.b.resources), { policy }), HTTPS, /SecurityGroupRule "default-open"\) is open/);

        const viaAssociation = ownerFixture({ endpoint: { securityGroupIds: undefined } });
        const association = viaAssociation.b.add(
            "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
            "endpoint-sg",
            { vpcEndpointId: viaAssociation.endpoint.id, securityGroupId: viaAssociation.sg.id, replaceDefaultAssociation: true },
            { deps: { vpcEndpointId: [viaAssociation.endpoint], securityGroupId: [viaAssociation.sg] } },
        );
        viaAssociation.b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "via-association",
            { securityGroupId: viaAssociation.sg.id, ipProtocol: "-1", cidrIpv4: "10.20.0.0/16" },
            { deps: { securityGroupId: [association] } },
        );
        expectMandatory(
            await check(asFirstPreview(viaAssociation.b.resources), { policy }),
            HTTPS,
            /SecurityGroupIngressRule "via-association" allows all protocols/,
        );

        // A rule on another group of the stack is not the endpoint's.
        const unrelated = ownerFixture();
        const other = unrelated.b.add("aws:ec2/securityGroup:SecurityGroup", "bastion", { vpcId: unrelated.vpc.id }, { deps: { vpcId: [unrelated.vpc] } });
        unrelated.b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "bastion-ssh",
            { securityGroupId: other.id, ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0" },
            { deps: { securityGroupId: [other] } },
        );
        expectClean(await check(unrelated.b.resources, { policy }));
        expectClean(await check(asFirstPreview(unrelated.b.resources), { policy }));
    });

    it("reads managed prefix lists of the stack, and fails those it cannot see", async () => {
        const f = ownerFixture();
        const list = f.b.add(
            "aws:ec2/managedPrefixList:ManagedPrefixList",
            "clients",
            { addressFamily: "IPv4", maxEntries: 5, entries: [{ cidr: "10.30.0.0/16" }] },
            { id: "pl-0123456789abcdef0" },
        );
        f.b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "from-list",
            { securityGroupId: f.sg.id, ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: list.id },
            { deps: { securityGroupId: [f.sg], prefixListId: [list] } },
        );
        expectClean(await check(f.b.resources, { policy }));
        expectClean(await check(asFirstPreview(f.b.resources), { policy }));
        f.b.add(
            "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
            "everyone",
            { prefixListId: list.id, cidr: "0.0.0.0/0" },
            { deps: { prefixListId: [list] } },
        );
        expectMandatory(
            await check(asFirstPreview(f.b.resources), { policy }),
            HTTPS,
            /0\.0\.0\.0\/0 \(SecurityGroupIngressRule "from-list" \(through ManagedPrefixList "clients"\)\) is open/,
        );
        const foreign = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, prefixListIds: ["pl-02cd2c6b"] }] } });
        expectMandatory(await check(foreign.b.resources, { policy }), HTTPS, /admits prefix list "pl-02cd2c6b", which is not created in this stack/);
    });

    it("leaves the SSM endpoints' groups to the other policies unless they also serve guardduty-data", async () => {
        const f = ownerFixture({
            endpoint: { serviceName: "com.amazonaws.us-east-1.ssm" },
            sg: { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] },
        });
        expectClean(await check(f.b.resources, { policy }));
    });

    it("waits on unknown rules or ports, and on a security group it cannot see", async () => {
        const f = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [U.string] }] } });
        expectWaits(await check(f.b.resources, { policy }), HTTPS, /ingress\[0\] IPv4 sources is known/);
        // The VPC outside the stack: public sources cannot be told from the VPC's own.
        const outside = ownerFixture({ sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["52.94.0.0/22"] }] } });
        outside.endpoint.propertyDependencies.vpcId = [];
        outside.b.resources.splice(outside.b.resources.indexOf(outside.vpc), 1);
        expectWaits(
            await check(outside.b.resources, { policy }),
            HTTPS,
            /cannot be checked from this stack: IPv4 sources 52\.94\.0\.0\/22 .* are not private addresses, and the IPv4 CIDR of VpcEndpoint "endpoints-guardduty-data"'s VPC, which is not declared in this stack/,
        );
        const g = ownerFixture({ sg: { ingress: U.array } });
        expectWaits(await check(g.b.resources, { policy }), HTTPS, /SecurityGroup "endpoints-sg"'s ingress is known/);
        const h = ownerFixture({ endpoint: { securityGroupIds: ["sg-elsewhere"] } });
        h.endpoint.propertyDependencies.securityGroupIds = [];
        expectWaits(await check(h.b.resources, { policy }), HTTPS, /cannot be checked from this stack: the rules of security groups sg-elsewhere/);
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
        const verdict = expectMandatory(
            await check(literal.b.resources, { policy }),
            INSTANCES,
            new RegExp(`${OWNER_SG} \\(not created in this stack`),
            literal.instance,
        );
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
        const template = lt.b.add(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "tpl",
            { vpcSecurityGroupIds: [lt.sg.id] },
            { deps: { vpcSecurityGroupIds: [lt.sg] }, id: "lt-1" },
        );
        lt.instance.inputs.launchTemplate = lt.instance.outputs.launchTemplate = { id: template.id };
        expectClean(await check(lt.b.resources, { policy }));
        lt.instance.inputs.launchTemplate = lt.instance.outputs.launchTemplate = { id: "lt-from-elsewhere" };
        expectMandatory(await check(lt.b.resources, { policy }), INSTANCES, /launch template "lt-from-elsewhere"/);
    });

    /** A participant with only its own security group, to add one way of launching to. */
    const bare = () => {
        const f = participantFixture();
        f.b.resources.splice(f.b.resources.indexOf(f.instance), 1);
        return f;
    };
    const template = (f: ReturnType<typeof bare>, name: string, inputs: Record<string, unknown>, deps: Record<string, CapturedResource[]> = {}) =>
        f.b.add(
            "aws:ec2/launchTemplate:LaunchTemplate",
            name,
            { imageId: "ami-50d9a7ae55169d5e3", instanceType: "t3.small", ...inputs },
            { deps, outputs: { name: `${name}-20240101` }, id: `lt-${name}` },
        );

    it("judges Auto Scaling groups by their launch templates and configurations: the stack's own group passes, none or someone else's fails", async () => {
        const own = bare();
        const ownTemplate = template(own, "workers", { vpcSecurityGroupIds: [own.sg.id] }, { vpcSecurityGroupIds: [own.sg] });
        own.b.add(
            "aws:autoscaling/group:Group",
            "workers",
            { minSize: 1, maxSize: 2, vpcZoneIdentifiers: ["subnet-3f797f967adb2f306"], launchTemplate: { id: ownTemplate.id, version: "$Latest" } },
            { deps: { launchTemplate: [ownTemplate] } },
        );
        expectClean(await check(own.b.resources, { policy }));
        expectClean(await check(asFirstPreview(own.b.resources), { policy }));

        const none = bare();
        const empty = template(none, "workers", {});
        const group = none.b.add(
            "aws:autoscaling/group:Group",
            "workers",
            { minSize: 1, maxSize: 2, launchTemplate: { id: empty.id } },
            { deps: { launchTemplate: [empty] } },
        );
        expectMandatory(
            await check(asFirstPreview(none.b.resources), { policy }),
            INSTANCES,
            /Group "workers" launches with the VPC's default security group, which belongs to the VPC owner: LaunchTemplate "workers" names no security group/,
            group,
        );

        const mixed = bare();
        const mixedGroup = mixed.b.add("aws:autoscaling/group:Group", "spot-workers", {
            minSize: 1,
            maxSize: 2,
            mixedInstancesPolicy: {
                launchTemplate: { launchTemplateSpecification: { launchTemplateName: "owners-template" }, overrides: [{ instanceType: "t3.large" }] },
            },
        });
        expectMandatory(
            await check(mixed.b.resources, { policy }),
            INSTANCES,
            /launch template named "owners-template" \(not created in this stack/,
            mixedGroup,
        );

        const configured = bare();
        const configuration = configured.b.add(
            "aws:ec2/launchConfiguration:LaunchConfiguration",
            "legacy",
            { imageId: "ami-50d9a7ae55169d5e3", instanceType: "t3.small", securityGroups: ["sg-b339f47ff1b3e097f"] },
            { id: "legacy-config" },
        );
        configured.b.add(
            "aws:autoscaling/group:Group",
            "legacy",
            { minSize: 1, maxSize: 1, launchConfiguration: configuration.id },
            { deps: { launchConfiguration: [configuration] } },
        );
        const verdicts = await check(asFirstPreview(configured.b.resources), { policy });
        expectMandatory(verdicts, INSTANCES, /sg-b339f47ff1b3e097f \(not created in this stack/, configuration);
        expectMandatory(verdicts, INSTANCES, /Group "legacy" uses security groups that are not created in this participant stack: sg-b339f47ff1b3e097f/);
    });

    it("fails a launch template with someone else's security group even before anything launches from it", async () => {
        const f = bare();
        const ref = f.ownerRef;
        const lt = template(f, "shared", { networkInterfaces: [{ deviceIndex: 0, securityGroups: [U.string] }] }, { networkInterfaces: [ref] });
        expectMandatory(await check(f.b.resources, { policy }), INSTANCES, /stack reference "organization\/guardduty-shared-vpc\/owner"/, lt);
    });

    it("judges spot instance requests like instances, and spot fleets and EC2 fleets by their launch specifications and templates", async () => {
        const spot = bare();
        const request = spot.b.add("aws:ec2/spotInstanceRequest:SpotInstanceRequest", "cheap", {
            ami: "ami-50d9a7ae55169d5e3",
            instanceType: "t3.small",
            subnetId: "subnet-3f797f967adb2f306",
            spotPrice: "0.01",
        });
        expectMandatory(
            await check(spot.b.resources, { policy }),
            INSTANCES,
            /SpotInstanceRequest "cheap" launches with the VPC's default security group.*it names no security group/,
            request,
        );
        setProps(request, { vpcSecurityGroupIds: [spot.sg.id] });
        request.propertyDependencies.vpcSecurityGroupIds = [spot.sg.urn];
        expectClean(await check(asFirstPreview(spot.b.resources), { policy }));

        const fleet = bare();
        const ownTemplate = template(fleet, "fleet", { vpcSecurityGroupIds: [fleet.sg.id] }, { vpcSecurityGroupIds: [fleet.sg] });
        const spotFleet = fleet.b.add(
            "aws:ec2/spotFleetRequest:SpotFleetRequest",
            "fleet",
            {
                iamFleetRole: "arn:aws:iam::444444444444:role/fleet",
                targetCapacity: 2,
                launchSpecifications: [
                    { ami: "ami-50d9a7ae55169d5e3", instanceType: "t3.small", vpcSecurityGroupIds: ["sg-b339f47ff1b3e097f"] },
                    { ami: "ami-50d9a7ae55169d5e3", instanceType: "t3.small" },
                ],
                launchTemplateConfigs: [{ launchTemplateSpecification: { id: ownTemplate.id, version: "1" } }],
            },
            { deps: { launchTemplateConfigs: [ownTemplate] } },
        );
        const fleetVerdicts = await check(asFirstPreview(fleet.b.resources), { policy });
        expectMandatory(fleetVerdicts, INSTANCES, /sg-b339f47ff1b3e097f/, spotFleet);
        expectMandatory(fleetVerdicts, INSTANCES, /launchSpecifications\[1\] names no security group/, spotFleet);

        const ec2Fleet = bare();
        const fromOwner = ec2Fleet.b.add(
            "aws:ec2/fleet:Fleet",
            "ec2-fleet",
            {
                launchTemplateConfigs: [{ launchTemplateSpecification: { launchTemplateId: U.string, version: "$Latest" } }],
                targetCapacitySpecification: { defaultTargetCapacityType: "spot", totalTargetCapacity: 1 },
            },
            { deps: { launchTemplateConfigs: [ec2Fleet.ownerRef] } },
        );
        expectMandatory(
            await check(ec2Fleet.b.resources, { policy }),
            INSTANCES,
            /launchTemplateConfigs \(unknown during preview\) \(taken from an output of stack reference/,
            fromOwner,
        );
    });

    it("judges network interfaces and the security groups attached to them", async () => {
        const f = bare();
        const eni = f.b.add("aws:ec2/networkInterface:NetworkInterface", "extra-nic", { subnetId: "subnet-3f797f967adb2f306" });
        expectMandatory(await check(f.b.resources, { policy }), INSTANCES, /NetworkInterface "extra-nic" launches with the VPC's default security group/, eni);
        setProps(eni, { securityGroups: [f.sg.id] });
        eni.propertyDependencies.securityGroups = [f.sg.urn];
        expectClean(await check(asFirstPreview(f.b.resources), { policy }));
        const attachment = f.b.add(
            "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment",
            "owner-sg",
            { networkInterfaceId: eni.id, securityGroupId: U.string },
            { deps: { networkInterfaceId: [eni], securityGroupId: [f.ownerRef] } },
        );
        expectMandatory(
            await check(asFirstPreview(f.b.resources), { policy }),
            INSTANCES,
            /NetworkInterfaceSecurityGroupAttachment "owner-sg" uses security groups that are not created in this participant stack/,
            attachment,
        );
        setProps(attachment, { securityGroupId: f.sg.id });
        attachment.propertyDependencies.securityGroupId = [f.sg.urn];
        expectClean(await check(asFirstPreview(f.b.resources), { policy }));
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
