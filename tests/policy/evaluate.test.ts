import * as assert from "node:assert/strict";
import { asFirstPreview, enforcementLevelOf, evaluatePolicies, mandatoryViolations } from "../../tools/policy/evaluate";
import { allPolicies, subnetShareOrgOnly } from "../../policy/policies";
import { syntheticStack } from "../../tools/policy/synthetic";
import { check, expectClean, ownerFixture, U } from "./helpers";

const SHARE = "subnet-share-org-only";

describe("in-process evaluator", () => {
    it("runs all 11 policies, mandatory by default", () => {
        assert.deepEqual(
            allPolicies.map((p) => p.name),
            [
                "no-vpc-endpoint-in-participant-stack",
                "endpoint-security-groups-owned-by-stack",
                "guardduty-endpoint-private-dns",
                "guardduty-endpoint-policy-scoped",
                "guardduty-endpoint-sg-https-only",
                "subnet-share-org-only",
                "participant-instances-use-own-security-groups",
                "stack-account-pinned",
                "ram-associations-into-own-shares",
                "endpoints-shares-instances-via-aws-provider",
                "agent-management-matches-mode",
            ],
        );
        for (const policy of allPolicies) assert.equal(enforcementLevelOf(policy), "mandatory");
    });

    it("takes levels from pack config as --policy-pack-config does: a level, { enforcementLevel }, or all", async () => {
        const { b } = ownerFixture({ share: { allowExternalPrincipals: true } });
        assert.equal((await check(b.resources, { config: { [SHARE]: "advisory" } }))[0].enforcementLevel, "advisory");
        expectClean(await check(b.resources, { config: { [SHARE]: { enforcementLevel: "disabled" } } }));
        assert.equal((await check(b.resources, { config: { all: "advisory" } }))[0].enforcementLevel, "advisory");
        assert.equal((await check(b.resources, { config: { [SHARE]: "remediate" } }))[0].enforcementLevel, "mandatory");
        assert.equal((await check(b.resources, { config: { all: "advisory", [SHARE]: "mandatory" } }))[0].enforcementLevel, "mandatory");
    });

    it("keeps waits advisory under a mandatory policy, and drops them with the policy disabled", async () => {
        const { b } = ownerFixture({ share: { allowExternalPrincipals: U.boolean } });
        const verdicts = await check(b.resources);
        assert.deepEqual(
            verdicts.map((v) => [v.policy, v.enforcementLevel]),
            [[SHARE, "advisory"]],
        );
        assert.deepEqual(mandatoryViolations(verdicts), []);
        expectClean(await check(b.resources, { config: { [SHARE]: "disabled" } }));
    });

    it("reports resource policies per resource (Analyze, on inputs) and stack policies on outputs (AnalyzeStack)", async () => {
        const { b, share, endpoint } = ownerFixture({ share: { allowExternalPrincipals: true }, endpoint: { privateDnsEnabled: false } });
        // What the cloud reports can differ from the inputs: resource policies see inputs, stack policies outputs.
        share.outputs.allowExternalPrincipals = false;
        endpoint.inputs.privateDnsEnabled = true;
        const verdicts = await check(b.resources);
        assert.deepEqual(
            verdicts.map((v) => [v.policy, v.phase, v.urn]),
            [
                ["guardduty-endpoint-private-dns", "stack", endpoint.urn],
                [SHARE, "resource", share.urn],
            ].sort((x, y) => (x[1] < y[1] ? -1 : 1)),
        );
    });

    it("rethrows a policy's crash instead of passing the stack", async () => {
        const broken = {
            ...subnetShareOrgOnly,
            validateResource: () => {
                throw new Error("boom");
            },
        };
        await assert.rejects(
            evaluatePolicies("owner", ownerFixture().b.resources, {}, { policies: [broken] }),
            /policy subnet-share-org-only failed on .*boom/,
        );
    });

    it("simulates the first preview: computed outputs and the inputs built from them unknown, literals and stack references known", () => {
        const { b, vpc, sg, endpoint } = ownerFixture();
        const ref = b.stackReference("organization/guardduty-shared-vpc/other", { x: "y" });
        const preview = asFirstPreview(b.resources);
        const find = (urn: string) => preview.find((r) => r.urn === urn)!;
        assert.equal(find(vpc.urn).outputs.id, U.string);
        assert.equal(find(vpc.urn).outputs.cidrBlock, "10.20.0.0/16");
        assert.equal(find(sg.urn).inputs.vpcId, U.string);
        assert.deepEqual(find(endpoint.urn).inputs.securityGroupIds, [U.string]);
        assert.equal(find(endpoint.urn).inputs.serviceName, "com.amazonaws.us-east-1.guardduty-data");
        assert.deepEqual(find(ref.urn), ref);
    });

    it("makes unknown what came through another resource's outputs or an apply: inside text, at any depth, or transformed beyond recognition", () => {
        const { b, vpc, sg, endpoint } = ownerFixture();
        // Text an apply built around an ID (a policy naming the endpoint), a nested ID, a value derived from one.
        const policy = b.add(
            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
            "p",
            { vpcEndpointId: endpoint.id, policy: JSON.stringify({ Statement: [{ Condition: { StringEquals: { "aws:SourceVpce": endpoint.id } } }] }) },
            { deps: { vpcEndpointId: [endpoint], policy: [endpoint] } },
        );
        const template = b.add(
            "aws:ec2/launchTemplate:LaunchTemplate",
            "t",
            { networkInterfaces: [{ deviceIndex: 0, securityGroups: [sg.id] }], description: `${String(sg.id).length} characters` },
            { deps: { networkInterfaces: [sg], description: [sg] } },
        );
        // Built only from inputs of the VPC, which a preview knows: stays known.
        const rule = b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "r",
            { securityGroupId: sg.id, cidrIpv4: "10.20.0.0/16", description: "from 10.20.0.0/16" },
            { deps: { securityGroupId: [sg], cidrIpv4: [vpc], description: [vpc] } },
        );
        // An input of a resource that was itself unknown in preview is unknown where it flows on.
        const copy = b.add(
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            "copy",
            { securityGroupId: sg.id },
            { deps: { securityGroupId: [endpoint] } },
        );
        const preview = asFirstPreview(b.resources);
        const find = (r: { urn: string }) => preview.find((p) => p.urn === r.urn)!;
        assert.equal(find(policy).inputs.policy, U.string);
        assert.deepEqual(find(template).inputs.networkInterfaces, [{ deviceIndex: 0, securityGroups: [U.string] }]);
        assert.equal(find(template).inputs.description, U.string);
        assert.equal(find(rule).inputs.cidrIpv4, "10.20.0.0/16");
        assert.equal(find(rule).inputs.description, "from 10.20.0.0/16");
        assert.equal(find(copy).inputs.securityGroupId, U.string);
    });

    describe("synthetic stacks for the benchmark", () => {
        it("generates exactly N compliant resources of the types the policies read", async () => {
            for (const role of ["owner", "participant"] as const) {
                const resources = syntheticStack(1000, role);
                assert.equal(resources.length, 1000);
                assert.equal(new Set(resources.map((r) => r.urn)).size, 1000, "URNs are unique");
                const types = new Set(resources.map((r) => r.type));
                for (const type of role === "owner"
                    ? ["aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/vpc:Vpc", "aws:ram/resourceShare:ResourceShare"]
                    : ["aws:ec2/instance:Instance"]) {
                    assert.ok(types.has(type), `${role} has ${type}`);
                }
                assert.deepEqual(await check(resources), [], `${role} synthetic stack is compliant`);
            }
        });
    });
});
