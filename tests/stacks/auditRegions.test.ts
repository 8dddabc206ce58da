import * as assert from "node:assert/strict";
import { guardDutyServicePrincipal } from "../../src/components/findingsPolicies";
import type { PolicyDocument, Statement } from "../../src/iam";
import { isOptInRegion, KNOWN_REGIONS, OPT_IN_REGIONS, partitionOf } from "../../src/config/regions";
import { ofType, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

/**
 * The commercial regions every account has without opting in: those launched before 20 March
 * 2019. Listed here, apart from OPT_IN_REGIONS, so a region the provider adds fails the
 * classification test below until someone decides which kind it is.
 */
const ENABLED_BY_DEFAULT = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-north-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

const policyOf = (type: string, run: Awaited<ReturnType<typeof runStack>>): PolicyDocument => JSON.parse(String(single(run, type).inputs.policy));
const guardDutyStatements = (policy: PolicyDocument): Statement[] =>
    policy.Statement.filter(
        (s) => typeof s.Principal === "object" && "Service" in s.Principal && [s.Principal.Service].flat().some((service) => service.startsWith("guardduty")),
    );

describe("regions: which ones are opt-in (one list, in src/config/regions.ts)", () => {
    it("classifies every commercial region the provider knows as opt-in or enabled by default, never both", () => {
        const commercial = KNOWN_REGIONS.filter((region) => partitionOf(region) === "aws");
        const unclassified = commercial.filter((region) => !OPT_IN_REGIONS.has(region) && !ENABLED_BY_DEFAULT.includes(region));
        assert.deepEqual(
            unclassified,
            [],
            "a region the provider added: put it in OPT_IN_REGIONS (launched after 20 March 2019) or in this test's ENABLED_BY_DEFAULT",
        );
        assert.deepEqual(
            ENABLED_BY_DEFAULT.filter((region) => OPT_IN_REGIONS.has(region)),
            [],
        );
    });

    it("lists only commercial regions the provider knows as opt-in", () => {
        for (const region of OPT_IN_REGIONS) {
            assert.ok(KNOWN_REGIONS.includes(region), `${region} is not a region the provider knows`);
            assert.equal(partitionOf(region), "aws", `${region}: opt-in regions are commercial`);
        }
    });

    it("has no opt-in region in China or GovCloud", () => {
        for (const region of ["cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1"]) assert.equal(isOptInRegion(region), false, region);
    });
});

describe("GuardDuty's principal in the findings bucket and key policies, per kind of region", () => {
    it("is the regional guardduty.<region>.amazonaws.com in every opt-in region and the global name everywhere else", () => {
        for (const region of KNOWN_REGIONS) {
            assert.equal(
                guardDutyServicePrincipal(region),
                OPT_IN_REGIONS.has(region) ? `guardduty.${region}.amazonaws.com` : "guardduty.amazonaws.com",
                region,
            );
        }
    });

    const cases = [
        { kind: "commercial, enabled by default", region: "us-east-1", principal: "guardduty.amazonaws.com", partition: "aws" },
        { kind: "opt-in (AWS's own example)", region: "me-south-1", principal: "guardduty.me-south-1.amazonaws.com", partition: "aws" },
        // No China case: an audit stack there is refused (no Runtime Monitoring; tests/stacks/partitions.test.ts).
        { kind: "GovCloud", region: "us-gov-west-1", principal: "guardduty.amazonaws.com", partition: "aws-us-gov" },
        { kind: "GovCloud", region: "us-gov-east-1", principal: "guardduty.amazonaws.com", partition: "aws-us-gov" },
    ];
    for (const { kind, region, principal, partition } of cases) {
        it(`${kind} (${region}): the audit stack's key and bucket policies name ${principal} in every GuardDuty statement, for this region's detector`, async () => {
            const run = await runStack("audit", withConfig(fixtureConfig("audit"), { "aws:region": region }));
            const detectorId = String(single(run, "aws:guardduty/detector:Detector").id);
            const detectorArn = `arn:${partition}:guardduty:${region}:222222222222:detector/${detectorId}`;

            const key = policyOf("aws:kms/key:Key", run);
            const bucket = policyOf("aws:s3/bucketPolicy:BucketPolicy", run);
            const statements = [...guardDutyStatements(key), ...guardDutyStatements(bucket)];
            assert.equal(statements.length, 1 + 4, "GenerateDataKey on the key; GetBucketLocation, PutObject and two Denies on the bucket");
            for (const statement of statements) assert.deepEqual(statement.Principal, { Service: principal }, statement.Sid);
            for (const allow of statements.filter((s) => s.Effect === "Allow"))
                assert.equal(allow.Condition?.StringEquals?.["aws:SourceArn"], detectorArn, allow.Sid);
            assert.deepEqual(key.Statement.find((s) => s.Sid === "AccountAdministersKey")!.Principal, { AWS: `arn:${partition}:iam::222222222222:root` });
            assert.equal(ofType(run, "aws:guardduty/publishingDestination:PublishingDestination").length, 1);
        });
    }
});
