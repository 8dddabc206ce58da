import * as assert from "node:assert/strict";
import { GuardDutyClient, ListCoverageCommand, ListDetectorsCommand, type CoverageResource } from "@aws-sdk/client-guardduty";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { createAwsAccess, type AwsAccess } from "../../tools/verify/clients";
import { checkUntilHealthy, classifyCoverage, CoverageChecker, INSTANCE_IDS_PER_QUERY, type CoverageCheck } from "../../tools/verify/coverage";
import { VerifyError } from "../../tools/verify/errors";
import { expectedInstances, type ExpectedInstance } from "../../tools/verify/expected";
import {
    AUDIT_ACCOUNT,
    AUDIT_CALLER_ARN,
    DETECTOR_ID,
    FAKE_CREDENTIALS,
    fakeClock,
    OTHER_PARTICIPANT_ACCOUNT,
    PARTICIPANT_ACCOUNT,
    participantOutputs,
    RecordingProgress,
    REGION,
} from "./support/fixtures";

const guardDuty = mockClient(GuardDutyClient);
const sts = mockClient(STSClient);

function coverage(
    accountId: string,
    instanceId: string,
    status: "HEALTHY" | "UNHEALTHY",
    extra: { issue?: string; managementType?: "AUTO_MANAGED" | "MANUAL"; updatedAt?: Date } = {},
): CoverageResource {
    return {
        AccountId: accountId,
        ResourceId: instanceId,
        DetectorId: "member-detector",
        CoverageStatus: status,
        ...(extra.issue ? { Issue: extra.issue } : {}),
        UpdatedAt: extra.updatedAt ?? new Date("2026-01-01T00:00:00Z"),
        ResourceDetails: { ResourceType: "EC2", Ec2InstanceDetails: { InstanceId: instanceId, ManagementType: extra.managementType ?? "AUTO_MANAGED" } },
    };
}

const expected = expectedInstances([{ source: "test", outputs: participantOutputs() }]);
const [webA, webB, batch] = expected as [ExpectedInstance, ExpectedInstance, ExpectedInstance];

describe("coverage check (mocked GuardDuty)", () => {
    let aws: AwsAccess;

    beforeEach(() => {
        guardDuty.reset();
        sts.reset();
        guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR_ID] });
        sts.on(GetCallerIdentityCommand).resolves({ Arn: AUDIT_CALLER_ARN, Account: AUDIT_ACCOUNT });
        aws = createAwsAccess({ baseCredentials: FAKE_CREDENTIALS });
    });

    afterEach(() => aws.destroy());
    after(() => {
        guardDuty.restore();
        sts.restore();
    });

    const checker = () => new CoverageChecker((region) => aws.audit(region), expected);

    it("reports a healthy / unhealthy / not-found mix with GuardDuty's issue text and management type", async () => {
        guardDuty.on(ListCoverageCommand).resolves({
            Resources: [
                coverage(PARTICIPANT_ACCOUNT, webA.instanceId, "HEALTHY"),
                coverage(PARTICIPANT_ACCOUNT, webB.instanceId, "UNHEALTHY", {
                    issue: "VPC endpoint creation not supported for shared VPC vpc-0abc",
                    managementType: "MANUAL",
                }),
            ],
        });

        const result = await checker().check();

        assert.deepEqual(
            result.instances.map(({ name, status, issue, managementType }) => ({ name, status, issue, managementType })),
            [
                { name: "web-a", status: "HEALTHY", issue: undefined, managementType: "AUTO_MANAGED" },
                { name: "web-b", status: "UNHEALTHY", issue: "VPC endpoint creation not supported for shared VPC vpc-0abc", managementType: "MANUAL" },
                { name: "batch", status: "NOT_FOUND", issue: undefined, managementType: undefined },
            ],
        );
    });

    it("filters ListCoverage on RESOURCE_TYPE=EC2 and the expected ACCOUNT_IDs and INSTANCE_IDs of the audit account's detector", async () => {
        guardDuty.on(ListCoverageCommand).resolves({ Resources: [] });
        const twoAccounts = expectedInstances([
            { source: "a", outputs: participantOutputs() },
            {
                source: "b",
                outputs: participantOutputs({
                    participantAccountId: OTHER_PARTICIPANT_ACCOUNT,
                    instances: [{ name: "db", id: "i-0ddddddddddddddd4", subnet: "data", azId: "use1-az1" }],
                    instanceIds: ["i-0ddddddddddddddd4"],
                }),
            },
        ]);

        await new CoverageChecker((region) => aws.audit(region), twoAccounts).check();

        const calls = guardDuty.commandCalls(ListCoverageCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0]!.args[0].input, {
            DetectorId: DETECTOR_ID,
            MaxResults: 50,
            NextToken: undefined,
            FilterCriteria: {
                FilterCriterion: [
                    { CriterionKey: "RESOURCE_TYPE", FilterCondition: { Equals: ["EC2"] } },
                    { CriterionKey: "ACCOUNT_ID", FilterCondition: { Equals: [PARTICIPANT_ACCOUNT, OTHER_PARTICIPANT_ACCOUNT] } },
                    { CriterionKey: "INSTANCE_ID", FilterCondition: { Equals: [webA.instanceId, webB.instanceId, batch.instanceId, "i-0ddddddddddddddd4"] } },
                ],
            },
        });
    });

    it("follows NextToken through every page and reports each expected instance exactly once, newest statement winning", async () => {
        const pages = [
            {
                Resources: [
                    coverage(PARTICIPANT_ACCOUNT, webA.instanceId, "UNHEALTHY", { issue: "No Agent Reporting", updatedAt: new Date("2026-01-01T00:00:00Z") }),
                ],
                NextToken: "t1",
            },
            { Resources: [coverage(PARTICIPANT_ACCOUNT, webB.instanceId, "HEALTHY")], NextToken: "t2" },
            {
                Resources: [
                    coverage(PARTICIPANT_ACCOUNT, webA.instanceId, "HEALTHY", { updatedAt: new Date("2026-01-01T00:05:00Z") }),
                    coverage(PARTICIPANT_ACCOUNT, batch.instanceId, "HEALTHY"),
                ],
            },
        ];
        // Recorded at call time: the SDK paginator reuses and mutates one input object.
        const tokensSent: (string | undefined)[] = [];
        guardDuty.on(ListCoverageCommand).callsFake((input) => {
            tokensSent.push(input.NextToken);
            return pages[tokensSent.length - 1];
        });

        const result = await checker().check();

        assert.deepEqual(tokensSent, [undefined, "t1", "t2"]);
        assert.deepEqual(
            result.instances.map((instance) => `${instance.instanceId}:${instance.status}`),
            [`${webA.instanceId}:HEALTHY`, `${webB.instanceId}:HEALTHY`, `${batch.instanceId}:HEALTHY`],
        );
    });

    it("does not count an instance as covered when GuardDuty lists the same instance ID under another account", async () => {
        guardDuty.on(ListCoverageCommand).resolves({ Resources: [coverage(OTHER_PARTICIPANT_ACCOUNT, webA.instanceId, "HEALTHY")] });

        const result = await checker().check();

        assert.equal(result.instances[0]!.status, "NOT_FOUND");
    });

    it(`asks for at most ${INSTANCE_IDS_PER_QUERY} instance IDs per query and still covers every instance`, async () => {
        const many = Array.from({ length: 120 }, (_, index) => ({
            name: `n${index}`,
            id: `i-${index.toString(16).padStart(17, "0")}`,
            subnet: "app-a",
            azId: "use1-az1",
        }));
        const manyExpected = expectedInstances([{ source: "many", outputs: participantOutputs({ instances: many }) }]);
        guardDuty.on(ListCoverageCommand).callsFake((input) => {
            const ids = input.FilterCriteria.FilterCriterion.find((criterion: { CriterionKey: string }) => criterion.CriterionKey === "INSTANCE_ID")
                .FilterCondition.Equals as string[];
            return { Resources: ids.map((id) => coverage(PARTICIPANT_ACCOUNT, id, "HEALTHY")) };
        });

        const result = await new CoverageChecker((region) => aws.audit(region), manyExpected).check();

        const batches = guardDuty
            .commandCalls(ListCoverageCommand)
            .map((call) => call.args[0].input.FilterCriteria!.FilterCriterion!.find((c) => c.CriterionKey === "INSTANCE_ID")!.FilterCondition!.Equals!);
        assert.deepEqual(
            batches.map((ids) => ids.length),
            [50, 50, 20],
        );
        assert.deepEqual(
            batches.flat(),
            many.map((instance) => instance.id),
        );
        assert.equal(result.instances.filter((instance) => instance.status === "HEALTHY").length, 120);
    });

    it("rejects instead of returning the pages before a page that failed", async () => {
        guardDuty
            .on(ListCoverageCommand)
            .resolvesOnce({ Resources: [coverage(PARTICIPANT_ACCOUNT, webA.instanceId, "HEALTHY")], NextToken: "t1" })
            .rejectsOnce(
                Object.assign(new Error("We encountered an internal error"), {
                    name: "InternalServerErrorException",
                    $metadata: { httpStatusCode: 500, attempts: 8 },
                }),
            );

        await assert.rejects(
            checker().check(),
            (error: unknown) => error instanceof VerifyError && error.exitCode === 3 && /InternalServerErrorException/.test(error.message),
        );
    });

    it("raises no-detector, naming the region and the audit account, when ListDetectors returns none", async () => {
        guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });

        await assert.rejects(checker().check(), (error: unknown) => {
            assert.ok(error instanceof VerifyError);
            assert.equal(error.kind, "no-detector");
            assert.match(error.message, new RegExp(`No GuardDuty detector in ${REGION} for the audit account \\(${AUDIT_ACCOUNT}\\)`));
            return true;
        });
        assert.equal(guardDuty.commandCalls(ListCoverageCommand).length, 0);
    });

    it("looks the detector up once per region, not once per poll", async () => {
        guardDuty.on(ListCoverageCommand).resolves({ Resources: [] });
        const reused = checker();

        await reused.check();
        await reused.check();

        assert.equal(guardDuty.commandCalls(ListDetectorsCommand).length, 1);
        assert.equal(guardDuty.commandCalls(ListCoverageCommand).length, 2);
    });

    it("asks each region's detector, through that region's client, only about the instances in that region", async () => {
        guardDuty.on(ListCoverageCommand).resolves({ Resources: [] });
        const twoRegions = expectedInstances([
            { source: "east", outputs: participantOutputs() },
            {
                source: "west",
                outputs: participantOutputs({
                    region: "eu-west-1",
                    instances: [{ name: "eu", id: "i-0eeeeeeeeeeeeeee5", subnet: "app-a", azId: "euw1-az1" }],
                    instanceIds: ["i-0eeeeeeeeeeeeeee5"],
                }),
            },
        ]);

        const result = await new CoverageChecker((region) => aws.audit(region), twoRegions).check();

        const regionsAsked = await Promise.all(guardDuty.commandCalls(ListDetectorsCommand).map((call) => (call.thisValue as GuardDutyClient).config.region()));
        assert.deepEqual(regionsAsked, [REGION, "eu-west-1"]);
        const perCall = await Promise.all(
            guardDuty.commandCalls(ListCoverageCommand).map(async (call) => ({
                region: await (call.thisValue as GuardDutyClient).config.region(),
                ids: call.args[0].input.FilterCriteria!.FilterCriterion!.find((criterion) => criterion.CriterionKey === "INSTANCE_ID")!.FilterCondition!.Equals,
            })),
        );
        assert.deepEqual(perCall, [
            { region: REGION, ids: [webA.instanceId, webB.instanceId, batch.instanceId] },
            { region: "eu-west-1", ids: ["i-0eeeeeeeeeeeeeee5"] },
        ]);
        assert.deepEqual(
            result.detectors.map((detector) => detector.region),
            [REGION, "eu-west-1"],
        );
    });

    it("treats a coverage status other than HEALTHY as UNHEALTHY and says which status it was", () => {
        const [result] = classifyCoverage([webA], [{ ...coverage(PARTICIPANT_ACCOUNT, webA.instanceId, "HEALTHY"), CoverageStatus: "PENDING" as never }]);

        assert.equal(result!.status, "UNHEALTHY");
        assert.equal(result!.issue, 'coverage status "PENDING"');
    });
});

describe("waiting for coverage (--wait)", () => {
    const snapshot = (statuses: ("HEALTHY" | "UNHEALTHY" | "NOT_FOUND")[]): CoverageCheck => ({
        checkedAt: new Date(0),
        detectors: [],
        instances: statuses.map((status, index) => ({
            participantAccountId: PARTICIPANT_ACCOUNT,
            region: REGION,
            name: `n${index}`,
            instanceId: `i-${index}`,
            status,
        })),
    });

    it("polls at the interval until every instance is HEALTHY, reporting progress on each poll", async () => {
        const results = [snapshot(["NOT_FOUND", "UNHEALTHY"]), snapshot(["HEALTHY", "UNHEALTHY"]), snapshot(["HEALTHY", "HEALTHY"])];
        let checks = 0;
        const clock = fakeClock();
        const progress = new RecordingProgress();

        const result = await checkUntilHealthy(async () => results[checks++]!, { waitMs: 600_000, pollIntervalMs: 15_000 }, clock, progress);

        assert.equal(checks, 3);
        assert.deepEqual(clock.sleeps, [15_000, 15_000]);
        assert.deepEqual(
            result.instances.map((instance) => instance.status),
            ["HEALTHY", "HEALTHY"],
        );
        assert.deepEqual(progress.events, [
            "begin Waiting for GuardDuty agents /2",
            "update 0 0/2 HEALTHY, 1 UNHEALTHY, 1 NOT FOUND; 0s elapsed, 10m00s left",
            "update 1 1/2 HEALTHY, 1 UNHEALTHY, 0 NOT FOUND; 15s elapsed, 9m45s left",
            "update 2 2/2 HEALTHY, 0 UNHEALTHY, 0 NOT FOUND; 30s elapsed, 9m30s left",
            "end",
        ]);
    });

    it("stops at the deadline with the last result, never sleeping past it", async () => {
        let checks = 0;
        const clock = fakeClock();

        const result = await checkUntilHealthy(
            async () => (checks++, snapshot(["UNHEALTHY"])),
            { waitMs: 40_000, pollIntervalMs: 15_000 },
            clock,
            new RecordingProgress(),
        );

        assert.deepEqual(clock.sleeps, [15_000, 15_000, 10_000]);
        assert.equal(checks, 4);
        assert.equal(result.instances[0]!.status, "UNHEALTHY");
    });

    it("checks exactly once and shows no progress without --wait", async () => {
        let checks = 0;
        const progress = new RecordingProgress();

        await checkUntilHealthy(async () => (checks++, snapshot(["UNHEALTHY"])), { waitMs: 0, pollIntervalMs: 15_000 }, fakeClock(), progress);

        assert.equal(checks, 1);
        assert.deepEqual(progress.events, []);
    });
});
