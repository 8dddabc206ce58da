/**
 * Verify at organization scale: the real GuardDuty client, its real retry middleware and the
 * bounded query pool against the loopback server, with a fleet of many accounts. These assert
 * what must hold at scale (each instance once, fewest calls, the concurrency bound, throttles
 * retried, no partial report); how fast it is lives in `npm run bench`, not here.
 */
import * as assert from "node:assert/strict";
import { CoverageChecker, INSTANCE_IDS_PER_QUERY } from "../../tools/verify/coverage";
import { VerifyError } from "../../tools/verify/errors";
import { expectedInstances } from "../../tools/verify/expected";
import { awsError, loopbackPerTest, type FakeRequest } from "./support/fakeAws";
import { fleetGuardDuty, generateFleet, type Fleet, type FleetServerOptions } from "./support/fleet";

describe("verify at organization scale (real GuardDuty client, loopback server)", function () {
    this.timeout(30_000);
    const loopback = loopbackPerTest();

    async function against(
        fleet: Fleet,
        serverOptions: FleetServerOptions,
        checker: { concurrency: number; maxAttempts?: number; retryMode?: "standard" | "adaptive" },
    ) {
        const guardDuty = fleetGuardDuty(fleet, serverOptions);
        // The CLI's retry settings (adaptive, 8 attempts) unless a test says otherwise.
        const aws = await loopback.start(
            guardDuty.handler,
            { maxRequests: 2_000, lifetimeMs: 25_000 },
            {
                ...(checker.maxAttempts ? { maxAttempts: checker.maxAttempts } : {}),
                ...(checker.retryMode ? { retryMode: checker.retryMode } : {}),
            },
        );
        const expected = expectedInstances(fleet.outputs.map((outputs, index) => ({ source: `participant-${index}`, outputs })));
        return {
            counters: guardDuty.counters,
            expected,
            check: () => new CoverageChecker((region) => aws.audit(region), expected, { concurrency: checker.concurrency }).check(),
        };
    }

    const queriesOf = (requests: readonly FakeRequest[]) => requests.filter((request) => request.operation === "ListCoverage");

    it("reports each of 2,000 instances in 40 accounts exactly once, with its own status, in one call per 50 instances", async () => {
        // Every 7th instance unhealthy, every 11th unknown to GuardDuty.
        const fleet = generateFleet(40, 50, (index) =>
            index % 11 === 0 ? {} : index % 7 === 0 ? { status: "UNHEALTHY", issue: "No Agent Reporting" } : { status: "HEALTHY" },
        );
        const run = await against(fleet, { latencyMs: 2 }, { concurrency: 8 });

        const result = await run.check();

        assert.equal(result.instances.length, 2_000);
        assert.deepEqual(
            result.instances.map((instance) => `${instance.participantAccountId}/${instance.instanceId}`),
            fleet.instances.map((instance) => `${instance.accountId}/${instance.instanceId}`),
            "each expected instance once, in the order expected",
        );
        for (const [index, instance] of result.instances.entries()) {
            const served = fleet.instances[index]!;
            assert.equal(instance.status, served.status ?? "NOT_FOUND", instance.instanceId);
            assert.equal(instance.issue, served.issue, instance.instanceId);
        }
        assert.equal(run.counters.coverageCalls, 2_000 / INSTANCE_IDS_PER_QUERY, "one call per 50 expected instances, the fewest ListCoverage allows");
        for (const request of queriesOf(loopback.server.requests)) {
            assert.equal(request.body.maxResults, 50);
            assert.equal(
                request.body.filterCriteria.filterCriterion.find((c: { criterionKey: string }) => c.criterionKey === "INSTANCE_ID").filterCondition.equals
                    .length,
                50,
            );
        }
    });

    for (const concurrency of [1, 4]) {
        it(`never has more than --concurrency ${concurrency} ListCoverage calls in flight, and uses all ${concurrency}`, async () => {
            const run = await against(generateFleet(10, 100), { latencyMs: 15 }, { concurrency });

            const result = await run.check();

            assert.equal(run.counters.maxInFlight, concurrency);
            assert.equal(run.counters.coverageCalls, 20);
            assert.ok(result.instances.every((instance) => instance.status === "HEALTHY"));
        });
    }

    it("follows a query's later pages when GuardDuty returns more than a page for it, each page after the one before", async () => {
        // GuardDuty may list an instance more than once while its coverage changes; two entries
        // per instance turn every 50-ID query into two pages.
        const fleet = generateFleet(4, 50);
        fleet.instances.push(...fleet.instances.map((instance) => ({ ...instance, status: "UNHEALTHY" as const, issue: "older entry" })));
        const run = await against(fleet, { latencyMs: 2 }, { concurrency: 4 });

        const result = await run.check();

        assert.equal(result.instances.length, 200);
        const tokens = queriesOf(loopback.server.requests).map((request) => request.body.nextToken);
        assert.equal(tokens.filter((token) => token === undefined).length, 4);
        assert.equal(tokens.filter((token) => token === "offset-50").length, 4);
    });

    /** Throttles the first attempt of every `every`-th query (queries numbered by their first instance). */
    function throttleFirstAttemptOfEvery(every: number) {
        const throttledOnce = new Set<string>();
        return (request: FakeRequest) => {
            const firstId: string = request.body.filterCriteria.filterCriterion.find((c: { criterionKey: string }) => c.criterionKey === "INSTANCE_ID")
                .filterCondition.equals[0];
            const query = Number.parseInt(firstId.slice(2), 16) / INSTANCE_IDS_PER_QUERY;
            if (query % every !== 0 || throttledOnce.has(firstId)) return false;
            throttledOnce.add(firstId);
            return true;
        };
    }

    // Standard retry mode here: adaptive mode also slows the whole client down for seconds after
    // a throttle (its client-side rate limiter), which the next test covers with a single one.
    it("retries every 429 ThrottlingException under concurrency and still reports every instance, within the bound", async () => {
        const run = await against(
            generateFleet(15, 100),
            { latencyMs: 5, throttle: throttleFirstAttemptOfEvery(3) },
            { concurrency: 6, retryMode: "standard" },
        );

        const result = await run.check();

        assert.equal(run.counters.throttled, 10, "queries 0, 3, …, 27 were throttled once");
        assert.equal(run.counters.coverageCalls, 30 + 10, "each throttled call was sent again");
        assert.ok(run.counters.maxInFlight <= 6, `at most 6 in flight, saw ${run.counters.maxInFlight}`);
        assert.equal(result.instances.length, 1_500);
        assert.ok(result.instances.every((instance) => instance.status === "HEALTHY"));
    });

    it("retries a throttled query with the CLI's adaptive retry while other queries are in flight", async () => {
        const run = await against(generateFleet(6, 100), { latencyMs: 5, throttle: throttleFirstAttemptOfEvery(12) }, { concurrency: 4 });

        const result = await run.check();

        assert.deepEqual([run.counters.throttled, run.counters.coverageCalls], [1, 13]);
        assert.ok(run.counters.maxInFlight <= 4);
        assert.ok(result.instances.every((instance) => instance.status === "HEALTHY"));
    });

    it("fails the whole check, with no partial report, when one query keeps failing while the others succeed, and starts no more queries", async () => {
        const fleet = generateFleet(40, 50);
        const failing = fleet.instances[0]!.instanceId;
        const fail = (request: FakeRequest) =>
            request.body.filterCriteria.filterCriterion.some((c: { filterCondition: { equals: string[] } }) => c.filterCondition.equals.includes(failing))
                ? awsError(500, "InternalServerErrorException", "internal failure")
                : undefined;
        const run = await against(fleet, { latencyMs: 25, fail }, { concurrency: 2, maxAttempts: 2 });

        await assert.rejects(run.check(), (error: unknown) => {
            assert.ok(error instanceof VerifyError);
            assert.equal(error.exitCode, 3);
            assert.match(error.message, /guardduty:ListCoverage in us-east-1 failed for the audit account: InternalServerErrorException/);
            return true;
        });
        const queriesStarted = new Set(queriesOf(loopback.server.requests).map((request) => JSON.stringify(request.body.filterCriteria))).size;
        assert.ok(queriesStarted < 40, `the pool stopped starting queries after the failure (${queriesStarted} of 40 started)`);
    });
});
