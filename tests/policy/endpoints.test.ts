import * as assert from "node:assert/strict";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { guardDutyEndpointPolicyScoped, guardDutyEndpointPrivateDns, noVpcEndpointInParticipantStack } from "../../policy/policies";
import { orgScopedEndpointPolicy, StackBuilder } from "../../tools/policy/synthetic";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, participantFixture, U } from "./helpers";

const NO_ENDPOINT = "no-vpc-endpoint-in-participant-stack";
const PRIVATE_DNS = "guardduty-endpoint-private-dns";
const SCOPED = "guardduty-endpoint-policy-scoped";

const allowAll = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });

describe("policy no-vpc-endpoint-in-participant-stack", () => {
    const policy = noVpcEndpointInParticipantStack;
    const addEndpoint = (b: StackBuilder, props: Record<string, unknown> = {}) =>
        b.add("aws:ec2/vpcEndpoint:VpcEndpoint", "my-guardduty", { vpcId: "vpc-0aef6ec2d11fe5f5b", serviceName: "com.amazonaws.us-east-1.guardduty-data", vpcEndpointType: "Interface", ...props });

    it("fails an endpoint in a participant stack, saying what AWS answers and where endpoints belong", async () => {
        const { b } = participantFixture();
        const endpoint = addEndpoint(b);
        const verdict = expectMandatory(await check(b.resources, { policy }), NO_ENDPOINT, /does not support shared VPCs/, endpoint);
        assert.match(verdict.message, /Remove it from this stack; the owner stack creates the endpoints/);
    });

    it("knows a participant from its component whatever the stack's name, and from the stack name without one", async () => {
        const named = participantFixture({ stack: "prod-eu" });
        addEndpoint(named.b);
        expectMandatory(await check(named.b.resources, { policy }), NO_ENDPOINT, /its guardduty-shared-vpc:stacks:Participant component/);
        const bare = participantFixture({ stack: "participant-b", component: false });
        addEndpoint(bare.b);
        expectMandatory(await check(bare.b.resources, { policy }), NO_ENDPOINT, /its stack name "participant-b"/);
    });

    it("passes endpoints in the owner stack, and a participant without any", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
        expectClean(await check(participantFixture().b.resources, { policy }));
    });

    it("fails even when every property of the endpoint is unknown, since its type alone decides", async () => {
        const { b } = participantFixture();
        addEndpoint(b, { vpcId: U.string, serviceName: U.string, vpcEndpointType: U.string });
        expectMandatory(await check(b.resources, { policy }), NO_ENDPOINT);
    });

    it("waits, not passes, when the stack's role cannot be told", async () => {
        const { b } = participantFixture({ stack: "prod", component: false });
        addEndpoint(b);
        expectWaits(await check(b.resources, { policy }), NO_ENDPOINT, /until the stack's role is known/);
    });
});

describe("policy guardduty-endpoint-private-dns", () => {
    const policy = guardDutyEndpointPrivateDns;

    it("passes the owner's endpoint: Interface, private DNS, its region's service, VPC with DNS support and hostnames", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
    });

    it("fails a Gateway or unset endpoint type, and private DNS off or unset", async () => {
        for (const [endpoint, pattern] of [
            [{ vpcEndpointType: "Gateway" }, /set vpcEndpointType: "Interface" \(it is "Gateway"/],
            [{ vpcEndpointType: undefined }, /takes as Gateway/],
            [{ privateDnsEnabled: false }, /set privateDnsEnabled: true \(it is false\)/],
            [{ privateDnsEnabled: undefined }, /set privateDnsEnabled: true \(it is \(not set\)\)/],
        ] as const) {
            const f = ownerFixture({ endpoint });
            expectMandatory(await check(f.b.resources, { policy }), PRIVATE_DNS, pattern, f.endpoint);
        }
    });

    it("fails another region's service name, and accepts the endpoint's own region override (AWS provider v7)", async () => {
        const other = ownerFixture({ endpoint: { serviceName: "com.amazonaws.eu-west-1.guardduty-data" } });
        expectMandatory(await check(other.b.resources, { policy }), PRIVATE_DNS, /"com\.amazonaws\.us-east-1\.guardduty-data", the service of the endpoint's own region us-east-1.*InvalidServiceName/);
        const typo = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east1.guardduty-data" } });
        expectMandatory(await check(typo.b.resources, { policy }), PRIVATE_DNS, /own region us-east-1/);
        const overridden = ownerFixture({ endpoint: { serviceName: "com.amazonaws.eu-west-1.guardduty-data", region: "eu-west-1" } });
        expectClean(await check(overridden.b.resources, { policy }));
        const fips = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.guardduty-data-fips" } });
        expectClean(await check(fips.b.resources, { policy }));
    });

    it("fails a VPC in the stack without DNS hostnames (AWS's default) or without DNS support", async () => {
        const noHostnames = ownerFixture({ vpc: { enableDnsHostnames: undefined } });
        const verdict = expectMandatory(await check(noHostnames.b.resources, { policy }), PRIVATE_DNS, /set enableDnsHostnames: true on Vpc "network-vpc" \(it is \(not set\), and AWS defaults it to false\)/);
        assert.match(verdict.message, /Enabling private DNS requires both enableDnsSupport and enableDnsHostnames/);
        const noSupport = ownerFixture({ vpc: { enableDnsSupport: false } });
        expectMandatory(await check(noSupport.b.resources, { policy }), PRIVATE_DNS, /set enableDnsSupport: true/);
    });

    it("leaves the VPC alone when it is not in the stack", async () => {
        const b = new StackBuilder("owner");
        b.provider("owner-aws", { region: "us-east-1", allowedAccountIds: ["333333333333"] });
        b.add("aws:ec2/vpcEndpoint:VpcEndpoint", "gd", { vpcId: "vpc-elsewhere", serviceName: "com.amazonaws.us-east-1.guardduty-data", vpcEndpointType: "Interface", privateDnsEnabled: true });
        expectClean(await check(b.resources, { policy }));
    });

    it("checks nothing but guardduty-data endpoints", async () => {
        const f = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.ssm", privateDnsEnabled: false } });
        expectClean(await check(f.b.resources, { policy }));
    });

    it("waits on unknown type, private DNS, VPC attributes or service name, and resolves the VPC through dependencies in preview", async () => {
        const unknown = ownerFixture({ endpoint: { vpcEndpointType: U.string, privateDnsEnabled: U.boolean }, vpc: { enableDnsHostnames: U.boolean } });
        const verdict = expectWaits(await check(unknown.b.resources, { policy }), PRIVATE_DNS, /vpcEndpointType, privateDnsEnabled and Vpc "network-vpc"'s enableDnsHostnames are known/);
        assert.equal(verdict.urn, unknown.endpoint.urn);
        const service = ownerFixture({ endpoint: { serviceName: U.string } });
        expectWaits(await check(service.b.resources, { policy }), PRIVATE_DNS, /is a guardduty-data endpoint .* until its serviceName is known/);
        // First preview: vpcId and securityGroupIds unknown, the VPC still found through the property's dependency.
        expectClean(await check(asFirstPreview(ownerFixture().b.resources), { policy }));
        const bad = asFirstPreview(ownerFixture({ vpc: { enableDnsHostnames: false } }).b.resources);
        expectMandatory(await check(bad, { policy }), PRIVATE_DNS, /enableDnsHostnames/);
    });
});

describe("policy guardduty-endpoint-policy-scoped", () => {
    const policy = guardDutyEndpointPolicyScoped;

    it("passes the owner's organization-scoped policy", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy }));
    });

    it("fails a bare allow-all or a missing policy, saying what to add", async () => {
        const open = ownerFixture({ endpoint: { policy: allowAll } });
        expectMandatory(await check(open.b.resources, { policy }), SCOPED, /allows every principal.*Add a Deny for Principal "\*".*aws:PrincipalOrgID/, open.endpoint);
        const none = ownerFixture({ endpoint: { policy: undefined } });
        expectMandatory(await check(none.b.resources, { policy }), SCOPED, /default full-access policy/);
    });

    it("reads a separate VpcEndpointPolicy instead of the inline one", async () => {
        const scoped = ownerFixture({ endpoint: { policy: undefined } });
        scoped.b.add("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "gd-policy", { vpcEndpointId: scoped.endpoint.id, policy: orgScopedEndpointPolicy() }, { deps: { vpcEndpointId: [scoped.endpoint] } });
        expectClean(await check(scoped.b.resources, { policy }));
        const open = ownerFixture();
        open.b.add("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "gd-policy", { vpcEndpointId: open.endpoint.id, policy: allowAll }, { deps: { vpcEndpointId: [open.endpoint] } });
        expectMandatory(await check(open.b.resources, { policy }), SCOPED, /VpcEndpointPolicy "gd-policy" \(the policy of VpcEndpoint "endpoints-guardduty-data"\)/);
    });

    it("leaves other endpoints' policies alone", async () => {
        expectClean(await check(ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.ssm", policy: undefined } }).b.resources, { policy }));
    });

    it("waits on an unknown policy or service name", async () => {
        expectWaits(await check(ownerFixture({ endpoint: { policy: U.string } }).b.resources, { policy }), SCOPED, /whether the policy is scoped cannot be checked until the endpoint policy is known/);
        expectWaits(await check(ownerFixture({ endpoint: { serviceName: U.string } }).b.resources, { policy }), SCOPED, /until its serviceName is known/);
    });
});
