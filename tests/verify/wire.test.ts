/**
 * The real GuardDuty SDK client, with the real retry middleware, against a loopback server that
 * speaks GuardDuty's REST-JSON. This is where wire names, pagination tokens and retry behaviour
 * are proven; the mocked tests cannot see them because aws-sdk-client-mock replaces `send`.
 */
import * as assert from "node:assert/strict";
import { CoverageChecker } from "../../tools/verify/coverage";
import { VerifyError } from "../../tools/verify/errors";
import { expectedInstances, type ExpectedInstance } from "../../tools/verify/expected";
import { awsError, json, pagedCoverage, routeFake, loopbackPerTest, stsCallerIdentity, wireCoverage, type FakeHandler } from "./support/fakeAws";
import { AUDIT_CALLER_ARN, AUDIT_ACCOUNT, DETECTOR_ID, PARTICIPANT_ACCOUNT, participantOutputs, REGION } from "./support/fixtures";

const MAX_ATTEMPTS = 3;

describe("verify on the wire: real GuardDuty client against a loopback REST-JSON server", function () {
    this.timeout(10_000);
    const loopback = loopbackPerTest();

    async function checkerAgainst(handler: FakeHandler, expected: ExpectedInstance[]): Promise<CoverageChecker> {
        const aws = await loopback.start(handler, { maxRequests: 40, lifetimeMs: 8_000 }, { maxAttempts: MAX_ATTEMPTS, retryMode: "standard" });
        return new CoverageChecker((region) => aws.audit(region), expected);
    }

    const five = Array.from({ length: 5 }, (_, index) => ({ name: `app-${index}`, id: `i-0${String(index).repeat(16)}`, subnet: "app-a", azId: "use1-az1" }));
    const expectedFive = expectedInstances([{ source: "test", outputs: participantOutputs({ instances: five }) }]);
    const detectors: FakeHandler = () => json({ detectorIds: [DETECTOR_ID] });

    it("sends camelCase filter criteria to POST /detector/{id}/coverage and follows nextToken across pages, reporting each instance once", async () => {
        const pages = [
            [
                wireCoverage({ accountId: PARTICIPANT_ACCOUNT, instanceId: five[0]!.id, status: "HEALTHY", agentVersion: "1.7.0" }),
                wireCoverage({ accountId: PARTICIPANT_ACCOUNT, instanceId: five[1]!.id, status: "HEALTHY" }),
            ],
            [
                wireCoverage({
                    accountId: PARTICIPANT_ACCOUNT,
                    instanceId: five[2]!.id,
                    status: "UNHEALTHY",
                    issue: "No Agent Reporting: Agent disconnected",
                    managementType: "MANUAL",
                }),
                wireCoverage({ accountId: PARTICIPANT_ACCOUNT, instanceId: five[3]!.id, status: "HEALTHY" }),
            ],
            // The same instance again, older: pagination over changing data must not duplicate or regress it.
            [wireCoverage({ accountId: PARTICIPANT_ACCOUNT, instanceId: five[0]!.id, status: "UNHEALTHY", issue: "stale" }, 1_000)],
        ];
        const checker = await checkerAgainst(routeFake({ ListDetectors: detectors, ListCoverage: pagedCoverage(pages) }), expectedFive);

        const result = await checker.check();

        const coverageRequests = loopback.server.requests.filter((request) => request.operation === "ListCoverage");
        assert.deepEqual(
            coverageRequests.map((request) => request.body.nextToken),
            [undefined, "page-1", "page-2"],
        );
        for (const request of coverageRequests) {
            assert.equal(request.path, `/detector/${DETECTOR_ID}/coverage`);
            assert.equal(request.body.maxResults, 50);
            assert.deepEqual(request.body.filterCriteria, {
                filterCriterion: [
                    { criterionKey: "RESOURCE_TYPE", filterCondition: { equals: ["EC2"] } },
                    { criterionKey: "ACCOUNT_ID", filterCondition: { equals: [PARTICIPANT_ACCOUNT] } },
                    { criterionKey: "INSTANCE_ID", filterCondition: { equals: five.map((instance) => instance.id) } },
                ],
            });
        }
        assert.deepEqual(
            result.instances.map((instance) => [instance.instanceId, instance.status]),
            [
                [five[0]!.id, "HEALTHY"],
                [five[1]!.id, "HEALTHY"],
                [five[2]!.id, "UNHEALTHY"],
                [five[3]!.id, "HEALTHY"],
                [five[4]!.id, "NOT_FOUND"],
            ],
        );
        const unhealthy = result.instances[2]!;
        assert.equal(unhealthy.issue, "No Agent Reporting: Agent disconnected");
        assert.equal(unhealthy.managementType, "MANUAL");
        assert.equal(result.instances[0]!.agentVersion, "1.7.0");
        assert.equal(result.instances[0]!.updatedAt?.toISOString(), "2026-01-01T00:00:00.000Z");
        assert.deepEqual(result.detectors, [{ region: REGION, detectorId: DETECTOR_ID }]);
    });

    it("retries a 429 ThrottlingException and reports the later success as if nothing happened", async () => {
        let coverageCalls = 0;
        const checker = await checkerAgainst(
            routeFake({
                ListDetectors: detectors,
                ListCoverage: (request) => {
                    coverageCalls += 1;
                    return coverageCalls === 1
                        ? awsError(429, "ThrottlingException", "Rate exceeded")
                        : pagedCoverage([
                              expectedFive.map((instance) =>
                                  wireCoverage({ accountId: instance.participantAccountId, instanceId: instance.instanceId, status: "HEALTHY" }),
                              ),
                          ])(request);
                },
            }),
            expectedFive,
        );

        const result = await checker.check();

        assert.equal(coverageCalls, 2, "the throttled request is sent again by the SDK");
        assert.ok(result.instances.every((instance) => instance.status === "HEALTHY"));
    });

    it("ends in a clear AWS error naming the call and attempts when a 500 persists", async () => {
        const checker = await checkerAgainst(
            routeFake({ ListDetectors: detectors, ListCoverage: () => awsError(500, "InternalServerErrorException", "internal failure") }),
            expectedFive,
        );

        const error = await checker.check().then(
            () => assert.fail("a persistent 500 must not produce a report"),
            (caught: unknown) => caught,
        );

        assert.ok(error instanceof VerifyError);
        assert.equal(error.kind, "aws-error");
        assert.equal(error.exitCode, 3);
        assert.match(error.message, /guardduty:ListCoverage in us-east-1 failed for the audit account: InternalServerErrorException: internal failure/);
        assert.match(error.message, /HTTP 500/);
        assert.match(error.message, new RegExp(`${MAX_ATTEMPTS} attempt\\(s\\)`));
        assert.equal(loopback.server.requests.filter((request) => request.operation === "ListCoverage").length, MAX_ATTEMPTS);
    });

    it("fails the whole check, rather than returning the first page, when a later page keeps failing", async () => {
        const firstPage = pagedCoverage([[wireCoverage({ accountId: PARTICIPANT_ACCOUNT, instanceId: five[0]!.id, status: "HEALTHY" })], []]);
        const checker = await checkerAgainst(
            routeFake({
                ListDetectors: detectors,
                ListCoverage: (request) => (request.body.nextToken ? awsError(503, "ServiceUnavailableException", "try later") : firstPage(request)),
            }),
            expectedFive,
        );

        await assert.rejects(
            checker.check(),
            (error: unknown) => error instanceof VerifyError && error.kind === "aws-error" && /ServiceUnavailable/.test(error.message),
        );
        assert.equal(loopback.server.requests.filter((request) => request.body?.nextToken === "page-1").length, MAX_ATTEMPTS);
    });

    it("names the caller and the denied IAM action on a 403 AccessDeniedException, using STS on the same endpoint", async () => {
        const checker = await checkerAgainst(
            routeFake({
                ListDetectors: detectors,
                ListCoverage: () => awsError(403, "AccessDeniedException", "User is not authorized to perform this action"),
                GetCallerIdentity: () => stsCallerIdentity(AUDIT_CALLER_ARN, AUDIT_ACCOUNT),
            }),
            expectedFive,
        );

        await assert.rejects(checker.check(), (error: unknown) => {
            assert.ok(error instanceof VerifyError);
            assert.equal(error.kind, "access-denied");
            assert.match(error.message, new RegExp(`${AUDIT_CALLER_ARN.replace(/[/]/g, "\\/")} \\(account ${AUDIT_ACCOUNT}\\)`));
            assert.match(error.message, /is not allowed to perform guardduty:ListCoverage in us-east-1/);
            return true;
        });
        assert.equal(loopback.server.requests.filter((request) => request.operation === "ListCoverage").length, 1, "access denied is not retried");
    });

    it("reports a region without a detector as no-detector, not as instances NOT FOUND", async () => {
        const checker = await checkerAgainst(
            routeFake({ ListDetectors: () => json({ detectorIds: [] }), GetCallerIdentity: () => stsCallerIdentity(AUDIT_CALLER_ARN, AUDIT_ACCOUNT) }),
            expectedFive,
        );

        await assert.rejects(
            checker.check(),
            (error: unknown) =>
                error instanceof VerifyError && error.kind === "no-detector" && /No GuardDuty detector in us-east-1 .*\(222222222222\)/.test(error.message),
        );
        assert.equal(loopback.server.requests.filter((request) => request.operation === "ListCoverage").length, 0);
    });
});
