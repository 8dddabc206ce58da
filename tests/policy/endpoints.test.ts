import * as assert from "node:assert/strict";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { guardDutyEndpointPolicyScoped, guardDutyEndpointPrivateDns, noVpcEndpointInParticipantStack } from "../../policy/policies";
import { guardDutyEndpointPolicy } from "../../src/net/endpoint";
import { orgScopedEndpointPolicy, StackBuilder } from "../../tools/policy/synthetic";
import { check, expectClean, expectMandatory, expectWaits, ownerFixture, participantFixture, setProps, U } from "./helpers";

const NO_ENDPOINT = "no-vpc-endpoint-in-participant-stack";
const PRIVATE_DNS = "guardduty-endpoint-private-dns";
const SCOPED = "guardduty-endpoint-policy-scoped";

const allowAll = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] });

describe("policy no-vpc-endpoint-in-participant-stack", () => {
    const policy = noVpcEndpointInParticipantStack;
    const addEndpoint = (b: StackBuilder, props: Record<string, unknown> = {}) =>
        b.add("aws:ec2/vpcEndpoint:VpcEndpoint", "my-guardduty", {
            vpcId: "vpc-0aef6ec2d11fe5f5b",
            serviceName: "com.amazonaws.us-east-1.guardduty-data",
            vpcEndpointType: "Interface",
            ...props,
        });

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

    it("fails an endpoint whose vpcId is unknown but comes from the owner's stack reference, and every endpoint at the first preview", async () => {
        const { b, ownerRef } = participantFixture();
        b.add(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "my-guardduty",
            { vpcId: U.string, serviceName: U.string, vpcEndpointType: U.string },
            { deps: { vpcId: [ownerRef] } },
        );
        expectMandatory(await check(b.resources, { policy }), NO_ENDPOINT, /its vpcId comes from the owner stack's vpcId output/);
        const literal = participantFixture();
        addEndpoint(literal.b);
        expectMandatory(await check(asFirstPreview(literal.b.resources), { policy }), NO_ENDPOINT, /its vpcId vpc-0aef6ec2d11fe5f5b is the shared VPC/);
    });

    it("passes a participant's gateway or interface endpoint in a VPC of its own, created in the stack or named by ID, as deployed and at the first preview", async () => {
        const own = participantFixture();
        const vpc = own.b.add("aws:ec2/vpc:Vpc", "tools-vpc", { cidrBlock: "10.99.0.0/16" }, { id: "vpc-0f00f00f00f00f00f" });
        own.b.add(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "tools-s3",
            { vpcId: vpc.id, serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
            { deps: { vpcId: [vpc] } },
        );
        own.b.add(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "tools-ssm",
            { vpcId: vpc.id, serviceName: "com.amazonaws.us-east-1.ssm", vpcEndpointType: "Interface" },
            { deps: { vpcId: [vpc] } },
        );
        expectClean(await check(own.b.resources, { policy }));
        expectClean(await check(asFirstPreview(own.b.resources), { policy }));
        const elsewhere = participantFixture();
        addEndpoint(elsewhere.b, { vpcId: "vpc-0f00f00f00f00f00f", serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" });
        expectClean(await check(elsewhere.b.resources, { policy }));
    });

    it("waits when it cannot tell the shared VPC: no owner stack reference, its outputs unknown, or the endpoint's vpcId unknown with nothing behind it", async () => {
        const noRef = participantFixture();
        noRef.b.resources.splice(noRef.b.resources.indexOf(noRef.ownerRef), 1);
        addEndpoint(noRef.b);
        expectWaits(
            await check(noRef.b.resources, { policy }),
            NO_ENDPOINT,
            /no stack reference of this stack has a vpcId output.*Read the owner's outputs through a StackReference/,
        );
        const unknownOutputs = participantFixture();
        unknownOutputs.ownerRef.outputs.outputs = U.object;
        addEndpoint(unknownOutputs.b);
        expectWaits(
            await check(unknownOutputs.b.resources, { policy }),
            NO_ENDPOINT,
            /until the outputs of stack reference "organization\/guardduty-shared-vpc\/owner" is known/,
        );
        const unknownVpc = participantFixture();
        addEndpoint(unknownVpc.b, { vpcId: U.string });
        expectWaits(await check(unknownVpc.b.resources, { policy }), NO_ENDPOINT, /until its vpcId is known/);
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
        expectMandatory(
            await check(other.b.resources, { policy }),
            PRIVATE_DNS,
            /"com\.amazonaws\.us-east-1\.guardduty-data", the service of the endpoint's own region us-east-1.*InvalidServiceName/,
        );
        const typo = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east1.guardduty-data" } });
        expectMandatory(await check(typo.b.resources, { policy }), PRIVATE_DNS, /own region us-east-1/);
        const overridden = ownerFixture({ endpoint: { serviceName: "com.amazonaws.eu-west-1.guardduty-data", region: "eu-west-1" } });
        expectClean(await check(overridden.b.resources, { policy }));
    });

    for (const region of ["us-gov-west-1", "us-gov-east-1"]) {
        it(`in GovCloud (${region}) fails the plain service, which does not exist there, naming the FIPS one, and passes the FIPS one`, async () => {
            const plain = ownerFixture({ endpoint: { serviceName: `com.amazonaws.${region}.guardduty-data`, region } });
            const verdict = expectMandatory(
                await check(plain.b.resources, { policy }),
                PRIVATE_DNS,
                `set serviceName to "com.amazonaws.${region}.guardduty-data-fips", the FIPS service, the only one AWS GovCloud (US) offers for Runtime Monitoring (it is "com.amazonaws.${region}.guardduty-data"; AWS fails with InvalidServiceName`,
                plain.endpoint,
            );
            assert.match(verdict.message, /AWS GovCloud \(US\) User Guide, "Amazon GuardDuty in AWS GovCloud \(US\)"/);
            const fips = ownerFixture({ endpoint: { serviceName: `com.amazonaws.${region}.guardduty-data-fips`, region } });
            expectClean(await check(fips.b.resources, { policy }));
        });
    }

    it("takes GovCloud from the endpoint's provider as well as from its own region", async () => {
        const plain = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-gov-west-1.guardduty-data" } });
        setProps(plain.provider, { region: "us-gov-west-1" });
        expectMandatory(await check(plain.b.resources, { policy }), PRIVATE_DNS, /"com\.amazonaws\.us-gov-west-1\.guardduty-data-fips", the FIPS service/);
        const fips = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-gov-west-1.guardduty-data-fips" } });
        setProps(fips.provider, { region: "us-gov-west-1" });
        expectClean(await check(fips.b.resources, { policy }));
    });

    it("names the FIPS service of the endpoint's own GovCloud region when the name is another region's, of either variant", async () => {
        for (const serviceName of ["com.amazonaws.us-gov-east-1.guardduty-data-fips", "com.amazonaws.us-east-1.guardduty-data"]) {
            const other = ownerFixture({ endpoint: { serviceName, region: "us-gov-west-1" } });
            expectMandatory(
                await check(other.b.resources, { policy }),
                PRIVATE_DNS,
                `set serviceName to "com.amazonaws.us-gov-west-1.guardduty-data-fips", the service of the endpoint's own region us-gov-west-1 (it is "${serviceName}"`,
            );
        }
    });

    it("fails the FIPS variant outside GovCloud, where the agent connects to the plain service's private DNS name", async () => {
        for (const region of ["us-east-1", "eu-west-1"]) {
            const fips = ownerFixture({ endpoint: { serviceName: `com.amazonaws.${region}.guardduty-data-fips`, region } });
            expectMandatory(
                await check(fips.b.resources, { policy }),
                PRIVATE_DNS,
                `set serviceName to "com.amazonaws.${region}.guardduty-data", the plain service, the one outside AWS GovCloud (US) (it is "com.amazonaws.${region}.guardduty-data-fips"): the agent connects to guardduty-data.${region}.amazonaws.com`,
                fips.endpoint,
            );
        }
    });

    it("expects the plain service in a partition AWS documents no variant for, and in a region it does not know yet", async () => {
        for (const region of ["us-isob-east-1", "eusc-de-east-1", "ap-southeast-9"]) {
            const plain = ownerFixture({ endpoint: { serviceName: `com.amazonaws.${region}.guardduty-data`, region } });
            expectClean(await check(plain.b.resources, { policy }));
            const fips = ownerFixture({ endpoint: { serviceName: `com.amazonaws.${region}.guardduty-data-fips`, region } });
            expectMandatory(await check(fips.b.resources, { policy }), PRIVATE_DNS, `set serviceName to "com.amazonaws.${region}.guardduty-data"`);
        }
    });

    for (const region of ["cn-north-1", "cn-northwest-1"]) {
        it(`fails any guardduty-data endpoint in China (${region}), where Runtime Monitoring is not offered, asking only for its removal`, async () => {
            for (const serviceName of [`com.amazonaws.${region}.guardduty-data`, `com.amazonaws.${region}.guardduty-data-fips`]) {
                // Private DNS off too: nothing but the removal is worth asking for.
                const f = ownerFixture({ endpoint: { serviceName, region, privateDnsEnabled: false } });
                const verdicts = await check(f.b.resources, { policy });
                const verdict = expectMandatory(
                    verdicts,
                    PRIVATE_DNS,
                    `is a guardduty-data endpoint in ${region} (partition aws-cn), where Runtime Monitoring (including EKS Runtime Monitoring) is not supported in the China Regions`,
                    f.endpoint,
                );
                assert.match(verdict.message, /Remove it; Runtime Monitoring needs a commercial or AWS GovCloud \(US\) region\.$/);
                assert.doesNotMatch(verdict.message, /privateDnsEnabled/);
                assert.equal(verdicts.length, 1, verdicts.map((v) => v.message).join("\n"));
            }
        });
    }

    it("waits on a China service name while the region it would be created in is not known, rather than passing or refusing it", async () => {
        const f = ownerFixture({ endpoint: { serviceName: "com.amazonaws.cn-north-1.guardduty-data" } });
        setProps(f.provider, { region: U.string });
        expectWaits(await check(f.b.resources, { policy }), PRIVATE_DNS, /until the endpoint's region is known/);
    });

    it("fails a VPC in the stack without DNS hostnames (AWS's default) or without DNS support", async () => {
        const noHostnames = ownerFixture({ vpc: { enableDnsHostnames: undefined } });
        const verdict = expectMandatory(
            await check(noHostnames.b.resources, { policy }),
            PRIVATE_DNS,
            /set enableDnsHostnames: true on Vpc "network-vpc" \(it is \(not set\), and AWS defaults it to false\)/,
        );
        assert.match(verdict.message, /Enabling private DNS requires both enableDnsSupport and enableDnsHostnames/);
        const noSupport = ownerFixture({ vpc: { enableDnsSupport: false } });
        expectMandatory(await check(noSupport.b.resources, { policy }), PRIVATE_DNS, /set enableDnsSupport: true/);
    });

    it("leaves the VPC alone when it is not in the stack", async () => {
        const b = new StackBuilder("owner");
        b.provider("owner-aws", { region: "us-east-1", allowedAccountIds: ["333333333333"] });
        b.add("aws:ec2/vpcEndpoint:VpcEndpoint", "gd", {
            vpcId: "vpc-elsewhere",
            serviceName: "com.amazonaws.us-east-1.guardduty-data",
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
        });
        expectClean(await check(b.resources, { policy }));
    });

    it("checks nothing but guardduty-data endpoints", async () => {
        const f = ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.ssm", privateDnsEnabled: false } });
        expectClean(await check(f.b.resources, { policy }));
    });

    it("waits on unknown type, private DNS, VPC attributes or service name, and resolves the VPC through dependencies in preview", async () => {
        const unknown = ownerFixture({ endpoint: { vpcEndpointType: U.string, privateDnsEnabled: U.boolean }, vpc: { enableDnsHostnames: U.boolean } });
        const verdict = expectWaits(
            await check(unknown.b.resources, { policy }),
            PRIVATE_DNS,
            /vpcEndpointType, privateDnsEnabled and Vpc "network-vpc"'s enableDnsHostnames are known/,
        );
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
        expectMandatory(
            await check(open.b.resources, { policy }),
            SCOPED,
            /lets principals outside the organization use the endpoint \(Principal "\*".*Add a Deny for Principal "\*".*aws:PrincipalOrgID/,
            open.endpoint,
        );
        const none = ownerFixture({ endpoint: { policy: undefined } });
        expectMandatory(await check(none.b.resources, { policy }), SCOPED, /default full-access policy/);
        // As the engine previews it: not set, so the output is computed (unknown), and still AWS's default.
        delete none.endpoint.propertyDependencies.policy;
        none.endpoint.outputs.policy = U.string;
        expectMandatory(await check(none.b.resources, { policy }), SCOPED, /default full-access policy/);
    });

    it("reads a separate VpcEndpointPolicy when the endpoint has no inline policy, and judges it", async () => {
        const scoped = ownerFixture({ endpoint: { policy: undefined } });
        scoped.b.add(
            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
            "gd-policy",
            { vpcEndpointId: scoped.endpoint.id, policy: orgScopedEndpointPolicy() },
            { deps: { vpcEndpointId: [scoped.endpoint] } },
        );
        expectClean(await check(scoped.b.resources, { policy }));
        expectClean(await check(asFirstPreview(scoped.b.resources), { policy }));
        const open = ownerFixture({ endpoint: { policy: undefined } });
        open.b.add(
            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
            "gd-policy",
            { vpcEndpointId: open.endpoint.id, policy: allowAll },
            { deps: { vpcEndpointId: [open.endpoint] } },
        );
        expectMandatory(
            await check(asFirstPreview(open.b.resources), { policy }),
            SCOPED,
            /VpcEndpointPolicy "gd-policy" \(a policy of VpcEndpoint "endpoints-guardduty-data"\) does not keep other accounts out/,
        );
        // Without a policy document the resource resets the endpoint to AWS's full-access default.
        // After the update the endpoint reports the effective policy as its own output: not a second source.
        const deployed = ownerFixture({ endpoint: { policy: undefined } });
        deployed.b.add(
            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
            "gd-policy",
            { vpcEndpointId: deployed.endpoint.id, policy: orgScopedEndpointPolicy() },
            { deps: { vpcEndpointId: [deployed.endpoint] } },
        );
        delete deployed.endpoint.propertyDependencies.policy;
        deployed.endpoint.outputs.policy = orgScopedEndpointPolicy();
        expectClean(await check(deployed.b.resources, { policy }));
        const reset = ownerFixture({ endpoint: { policy: undefined } });
        reset.b.add(
            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
            "gd-policy",
            { vpcEndpointId: reset.endpoint.id },
            { deps: { vpcEndpointId: [reset.endpoint] } },
        );
        expectMandatory(await check(reset.b.resources, { policy }), SCOPED, /default full-access policy/);
    });

    it("fails several policies for one endpoint, however scoped each is, since AWS keeps the last written; and judges every one of them", async () => {
        const both = ownerFixture();
        both.b.add(
            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
            "gd-policy",
            { vpcEndpointId: both.endpoint.id, policy: orgScopedEndpointPolicy() },
            { deps: { vpcEndpointId: [both.endpoint] } },
        );
        const verdicts = await check(both.b.resources, { policy });
        expectMandatory(
            verdicts,
            SCOPED,
            /gets its policy from VpcEndpoint "endpoints-guardduty-data" and VpcEndpointPolicy "gd-policy".*the last one written wins.*resets the endpoint to AWS's full-access default/,
            both.endpoint,
        );
        assert.equal(verdicts.length, 1, "both policies are scoped: only the conflict is reported");
        const two = ownerFixture({ endpoint: { policy: undefined } });
        for (const [name, doc] of [
            ["first", orgScopedEndpointPolicy()],
            ["second", allowAll],
        ] as const) {
            two.b.add(
                "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
                name,
                { vpcEndpointId: two.endpoint.id, policy: doc },
                { deps: { vpcEndpointId: [two.endpoint] } },
            );
        }
        const twoVerdicts = await check(two.b.resources, { policy });
        expectMandatory(twoVerdicts, SCOPED, /VpcEndpointPolicy "first" and VpcEndpointPolicy "second"/);
        expectMandatory(twoVerdicts, SCOPED, /VpcEndpointPolicy "second" \(a policy of .*\) does not keep other accounts out/);
    });

    it("fails an endpoint scoped to another organization than the one the stack shares with, or to an account it does not share with", async () => {
        const f = ownerFixture();
        f.b.add(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "network-principal-org",
            { resourceShareArn: f.share.id, principal: "arn:aws:organizations::111111111111:organization/o-zz99yy88xx" },
            { deps: { resourceShareArn: [f.share] } },
        );
        expectMandatory(await check(f.b.resources, { policy }), SCOPED, /o-a1b2c3d4e5 is not the organization this stack shares with \(o-zz99yy88xx\)/);
        const stranger = ownerFixture({
            endpoint: { policy: JSON.stringify(guardDutyEndpointPolicy({ kind: "accounts", accountIds: ["333333333333", "444444444444", "999999999999"] })) },
        });
        expectMandatory(
            await check(stranger.b.resources, { policy }),
            SCOPED,
            /account 999999999999 is neither this stack's account nor one it shares the subnets with/,
        );
        const shared = ownerFixture({
            endpoint: { policy: JSON.stringify(guardDutyEndpointPolicy({ kind: "accounts", accountIds: ["333333333333", "444444444444", "555555555555"] })) },
        });
        expectClean(await check(shared.b.resources, { policy }));
        expectClean(await check(asFirstPreview(shared.b.resources), { policy }));
    });

    it("waits on a VpcEndpointPolicy whose endpoint cannot be told, and on accounts shared with that are unknown", async () => {
        const f = ownerFixture();
        f.b.add("aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy", "somewhere", { vpcEndpointId: U.string, policy: allowAll });
        expectWaits(
            await check(f.b.resources, { policy }),
            SCOPED,
            /Which endpoint VpcEndpointPolicy "somewhere" sets the policy of .* until its vpcEndpointId is known/,
        );
        const pending = ownerFixture({
            endpoint: { policy: JSON.stringify(guardDutyEndpointPolicy({ kind: "accounts", accountIds: ["333333333333", "666666666666"] })) },
        });
        pending.b.add(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "network-principal-x",
            { resourceShareArn: pending.share.id, principal: U.string },
            { deps: { resourceShareArn: [pending.share] } },
        );
        expectWaits(await check(pending.b.resources, { policy }), SCOPED, /until the principal of PrincipalAssociation "network-principal-x" is known/);
    });

    it("leaves other endpoints' policies alone", async () => {
        expectClean(await check(ownerFixture({ endpoint: { serviceName: "com.amazonaws.us-east-1.ssm", policy: undefined } }).b.resources, { policy }));
    });

    it("waits on an unknown policy or service name", async () => {
        expectWaits(
            await check(ownerFixture({ endpoint: { policy: U.string } }).b.resources, { policy }),
            SCOPED,
            /whether the policy is scoped cannot be checked until the endpoint policy is known/,
        );
        expectWaits(await check(ownerFixture({ endpoint: { serviceName: U.string } }).b.resources, { policy }), SCOPED, /until its serviceName is known/);
    });
});
