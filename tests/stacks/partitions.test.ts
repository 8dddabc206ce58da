/**
 * The stacks outside the commercial partition, as AWS documents GuardDuty there: in AWS GovCloud
 * (US) the Runtime Monitoring endpoint a manual owner creates is `…guardduty-data-fips`.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { asFirstPreview, evaluatePolicies } from "../../tools/policy/evaluate";
import { auditOutputs, FIXTURE_DIR, fixtureConfig, ofType, runStack, single, withConfig } from "../helpers/offline";

const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const EXISTING_VPC_DIR = path.join(FIXTURE_DIR, "existing-vpc");

/** The fixture owner's subnets, moved to the AZs of `region` (AZ IDs carry their region's prefix). */
function subnetsIn(prefix: string, dir = FIXTURE_DIR): unknown[] {
    const subnets = JSON.parse(fixtureConfig("owner", dir)["guardduty-shared-vpc:subnets"]) as Array<Record<string, unknown>>;
    return subnets.map((subnet) => (typeof subnet.azId === "string" ? { ...subnet, azId: subnet.azId.replace(/^use1-/, `${prefix}-`) } : subnet));
}

const interfaceServices = (run: OfflineStackRun) =>
    ofType(run, ENDPOINT)
        .map((endpoint) => String(endpoint.inputs.serviceName))
        .sort();

const GOVCLOUD = [
    { region: "us-gov-west-1", prefix: "usgw1" },
    { region: "us-gov-east-1", prefix: "usge1" },
] as const;

for (const { region, prefix } of GOVCLOUD) {
    describe(`GovCloud (${region}): the owner creates Runtime Monitoring's FIPS endpoint under manual agent management`, () => {
        let run: OfflineStackRun;
        before(async () => {
            run = await runStack("owner", withConfig(fixtureConfig("owner"), { "aws:region": region, subnets: subnetsIn(prefix) }));
        });

        it("names the guardduty-data-fips service, keeps the endpoint's resource name, private DNS and organization-scoped policy", () => {
            const endpoint = ofType(run, ENDPOINT).find((e) => e.name === "endpoints-guardduty-data");
            assert.ok(endpoint, "no endpoints-guardduty-data");
            assert.equal(endpoint.inputs.serviceName, `com.amazonaws.${region}.guardduty-data-fips`);
            assert.equal(endpoint.inputs.vpcEndpointType, "Interface");
            assert.equal(endpoint.inputs.privateDnsEnabled, true);
            assert.deepEqual(JSON.parse(String(endpoint.inputs.policy)).Statement[1].Condition, { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
            assert.deepEqual(endpoint.inputs.securityGroupIds, [single(run, "aws:ec2/securityGroup:SecurityGroup").outputs.id]);
        });

        it("creates no endpoint of the plain service, which GovCloud does not offer, and keeps the SSM and S3 names", () => {
            assert.deepEqual(
                interfaceServices(run),
                [
                    `com.amazonaws.${region}.ec2messages`,
                    `com.amazonaws.${region}.guardduty-data-fips`,
                    `com.amazonaws.${region}.s3`,
                    `com.amazonaws.${region}.ssm`,
                    `com.amazonaws.${region}.ssmmessages`,
                ].sort(),
            );
        });

        it("publishes the FIPS endpoint as guardDutyEndpointId", () => {
            const endpoint = ofType(run, ENDPOINT).find((e) => String(e.inputs.serviceName).endsWith(".guardduty-data-fips"));
            assert.equal(run.outputs.guardDutyEndpointId, endpoint?.outputs.id);
            assert.equal(run.outputs.region, region);
        });

        it("passes the policy pack with no verdict at all, as deployed and at its first preview", async () => {
            for (const resources of [run.resources, asFirstPreview(run.resources)]) {
                const verdicts = await evaluatePolicies("owner", resources, {}, { onUnknownValueError: "throw" });
                assert.deepEqual(
                    verdicts.map((v) => `${v.policy}: ${v.message}`),
                    [],
                );
            }
        });
    });
}

describe("GovCloud: the owner's other paths", () => {
    it("leaves the endpoint, of either variant, to GuardDuty under automated agent management", async () => {
        const run = await runStack("owner", withConfig(fixtureConfig("owner"), { "aws:region": "us-gov-west-1", subnets: subnetsIn("usgw1") }), {
            audit: auditOutputs("automated"),
        });
        assert.deepEqual(
            interfaceServices(run).filter((name) => name.includes("guardduty")),
            [],
        );
        assert.equal(run.outputs.guardDutyEndpointId, undefined);
    });

    it("creates the FIPS endpoint in an existing VPC too", async () => {
        const config = withConfig(fixtureConfig("owner", EXISTING_VPC_DIR), { "aws:region": "us-gov-east-1", subnets: subnetsIn("usge1", EXISTING_VPC_DIR) });
        const run = await runStack("owner", config);
        assert.deepEqual(ofType(run, "aws:ec2/vpc:Vpc"), [], "the VPC is adopted, not created");
        const endpoint = ofType(run, ENDPOINT).find((e) => e.name === "endpoints-guardduty-data");
        assert.equal(endpoint?.inputs.serviceName, "com.amazonaws.us-gov-east-1.guardduty-data-fips");
    });
});
