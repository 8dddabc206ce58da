/**
 * The stacks outside the commercial partition, as AWS documents GuardDuty there: in AWS GovCloud
 * (US) the Runtime Monitoring endpoint a manual owner creates is `…guardduty-data-fips`, and in
 * the China Regions Runtime Monitoring does not exist, so every stack that needs it is refused
 * before it registers anything (the management stack, which only delegates GuardDuty, is not).
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { asFirstPreview, evaluatePolicies } from "../../tools/policy/evaluate";
import { auditOutputs, BadInput, expectConfigError, FIXTURE_DIR, fixtureConfig, itRefusesEach, ofType, runStack, single, withConfig } from "../helpers/offline";

const ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint";
const EXISTING_VPC_DIR = path.join(FIXTURE_DIR, "existing-vpc");
const CHINA_SAYS = "Runtime Monitoring (including EKS Runtime Monitoring) is not supported in the China Regions";

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

const CHINA_CASES: BadInput[] = (["cn-north-1", "cn-northwest-1"] as const).flatMap((region): BadInput[] => {
    const prefix = region === "cn-north-1" ? "cnn1" : "cnnw1";
    return [
        {
            name: `owner in ${region}`,
            stack: "owner",
            changes: { "aws:region": region, subnets: subnetsIn(prefix) },
            key: "aws:region",
            says: `a region where GuardDuty offers Runtime Monitoring (this owner stack exists for the guardduty-data endpoint its agents report through, its own under manual agent management or GuardDuty's under automated): ${region} is in partition aws-cn, where ${CHINA_SAYS}`,
        },
        {
            name: `participant in ${region}`,
            stack: "participant",
            changes: { "aws:region": region },
            key: "aws:region",
            says: `(this participant stack installs its agent on the instances): ${region} is in partition aws-cn`,
        },
        {
            name: `audit in ${region}`,
            stack: "audit",
            changes: { "aws:region": region },
            key: "aws:region",
            says: `(this audit stack turns its RUNTIME_MONITORING feature on, on the detector and for the organization, in every region it governs): ${region} is in partition aws-cn`,
        },
    ];
});
CHINA_CASES.push(
    {
        name: "an owner stack named otherwise, its role set in config",
        stack: "owner",
        changes: { "aws:region": "cn-north-1", role: "owner", subnets: subnetsIn("cnn1") },
        key: "aws:region",
        says: "Deploy the audit, owner and participant stacks in a commercial or AWS GovCloud (US) region",
    },
    {
        name: "audit: a China region in regions beside a commercial home region, refused for Runtime Monitoring rather than its partition",
        stack: "audit",
        changes: { regions: ["us-east-1", "cn-northwest-1"] },
        key: "regions[1]",
        says: `cn-northwest-1 is in partition aws-cn, where ${CHINA_SAYS}. Remove cn-northwest-1 from regions`,
    },
);

describe("China: stacks that need Runtime Monitoring are refused before anything is registered", function () {
    this.timeout(120_000);
    itRefusesEach(CHINA_CASES, 8);

    it("refuses an owner adopting an existing VPC before it looks the VPC up (no provider registered)", async () => {
        const config = withConfig(fixtureConfig("owner", EXISTING_VPC_DIR), { "aws:region": "cn-north-1", subnets: subnetsIn("cnn1", EXISTING_VPC_DIR) });
        await expectConfigError(() => runStack("owner", config), "aws:region", CHINA_SAYS);
    });

    it("says what to do in the same message, and reports the region with the file's other mistakes in one run", async () => {
        const error = await expectConfigError(
            () => runStack("participant", withConfig(fixtureConfig("participant"), { "aws:region": "cn-north-1", accountId: "44444444444x" })),
            "aws:region",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["aws:region", "guardduty-shared-vpc:accountId"]);
        assert.match(error.message, /aws:region: got "cn-north-1"; expected a region where GuardDuty offers Runtime Monitoring/);
        assert.match(error.message, /GuardDuty itself runs in China, and a management stack may still delegate it there/);
    });

    it("reports a China home region once, on aws:region, and each other China region in regions by its position", async () => {
        const error = await expectConfigError(
            () => runStack("audit", withConfig(fixtureConfig("audit"), { "aws:region": "cn-north-1", regions: ["cn-north-1", "cn-northwest-1"] })),
            "aws:region",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["aws:region", "guardduty-shared-vpc:regions[1]"]);
    });

    it("still refuses a duplicate entry as a duplicate, not for its partition", async () => {
        const error = await expectConfigError(
            () => runStack("audit", withConfig(fixtureConfig("audit"), { regions: ["us-east-1", "cn-north-1", "cn-north-1"] })),
            "regions[2]",
            "each region once",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["guardduty-shared-vpc:regions[1]", "guardduty-shared-vpc:regions[2]"]);
    });
});

describe("China: the management stack, which only delegates GuardDuty, is not refused", () => {
    it("delegates GuardDuty to the audit account in a China home region and every China region it lists", async () => {
        const run = await runStack(
            "management",
            withConfig(fixtureConfig("management"), { "aws:region": "cn-north-1", regions: ["cn-north-1", "cn-northwest-1"] }),
        );
        const admins = ofType(run, "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount");
        assert.equal(admins.length, 2);
        for (const admin of admins) assert.equal(admin.inputs.adminAccountId, "222222222222");
        assert.deepEqual(run.outputs.delegatedRegions, ["cn-north-1", "cn-northwest-1"]);
    });

    it("keeps refusing a China region beside a commercial home region for its partition", async () => {
        await expectConfigError(
            () => runStack("management", withConfig(fixtureConfig("management"), { regions: ["us-east-1", "cn-north-1"] })),
            "regions[1]",
            "a region in partition aws, the partition of the home region us-east-1",
        );
    });
});
