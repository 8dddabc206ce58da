import { performance } from "node:perf_hooks";
import { startFakeAws } from "../tests/verify/support/fakeAws";
import { FAKE_CREDENTIALS, noPulumi, RecordingProgress } from "../tests/verify/support/fixtures";
import { fleetGuardDuty, generateFleet } from "../tests/verify/support/fleet";
import { createAwsAccess } from "../tools/verify/clients";
import { DEFAULT_COVERAGE_CONCURRENCY, systemClock } from "../tools/verify/coverage";
import { runVerify, type VerifyOptions } from "../tools/verify/run";

const ACCOUNTS = 100;
const INSTANCES_PER_ACCOUNT = 100;
const LATENCY_MS = 50;
const TARGET_MS = 10_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface VerifyRun {
    elapsedMs: number;
    calls: number;
    maxInFlight: number;
}

/**
 * One whole `npm run verify --json` in-process (outputs files parsed, detector looked up, every
 * ListCoverage call, report rendered) against the loopback GuardDuty server, with real SDK
 * clients and the CLI's retry settings. Fails rather than report a time for an incomplete run.
 */
async function timeVerify(concurrency: number): Promise<VerifyRun> {
    const fleet = generateFleet(ACCOUNTS, INSTANCES_PER_ACCOUNT);
    const files = new Map(fleet.outputs.map((outputs, index) => [`participant-${index}.json`, JSON.stringify(outputs)]));
    const guardDuty = fleetGuardDuty(fleet, { latencyMs: LATENCY_MS });
    const server = await startFakeAws(guardDuty.handler, { maxRequests: 1_000, lifetimeMs: 120_000 });
    const aws = createAwsAccess({ baseCredentials: FAKE_CREDENTIALS, endpoint: server.url });
    const out: string[] = [];
    const options: VerifyOptions = {
        stacks: [],
        outputsFiles: [...files.keys()],
        waitMs: 0,
        pollIntervalMs: 15_000,
        concurrency,
        json: true,
        triggerTestFinding: false,
        findingTimeoutMs: 0,
        commandTimeoutMs: 0,
    };
    try {
        const started = performance.now();
        const exitCode = await runVerify(options, {
            aws,
            pulumi: noPulumi,
            workDir: process.cwd(),
            readFile: async (file) => files.get(file) ?? Promise.reject(new Error(`no ${file}`)),
            clock: systemClock,
            progress: new RecordingProgress(),
            stdout: (text) => void out.push(text),
            stderr: (text) => void out.push(text),
        });
        const elapsedMs = performance.now() - started;
        const summary = JSON.parse(out.join("")).summary as { expected: number; healthy: number } | undefined;
        if (exitCode !== 0 || summary?.expected !== fleet.instances.length || summary.healthy !== fleet.instances.length) {
            throw new Error(`verify at scale did not report every instance HEALTHY (exit ${exitCode}): ${out.join("").slice(0, 500)}`);
        }
        return { elapsedMs, calls: guardDuty.counters.coverageCalls, maxInFlight: guardDuty.counters.maxInFlight };
    } finally {
        aws.destroy();
        await server.close();
    }
}

/** `npm run verify` over an organization-sized fleet, bounded-concurrent against one query at a time. */
export async function benchVerifyScale(print: (line: string) => void): Promise<void> {
    const instances = ACCOUNTS * INSTANCES_PER_ACCOUNT;
    await timeVerify(DEFAULT_COVERAGE_CONCURRENCY); // warm the SDK and module caches
    const concurrent = await timeVerify(DEFAULT_COVERAGE_CONCURRENCY);
    const sequential = await timeVerify(1);
    const met = concurrent.elapsedMs <= TARGET_MS ? "met" : "MISSED";
    print(
        `\n[verify] npm run verify over ${instances.toLocaleString("en-US")} instances in ${ACCOUNTS} accounts, loopback GuardDuty at ${LATENCY_MS} ms per call:` +
            `\n  --concurrency ${DEFAULT_COVERAGE_CONCURRENCY} (default): ${seconds(concurrent.elapsedMs)}, ${concurrent.calls} ListCoverage calls, at most ${concurrent.maxInFlight} in flight (target ≤ ${seconds(TARGET_MS)}: ${met})` +
            `\n  --concurrency 1: ${seconds(sequential.elapsedMs)}, ${sequential.calls} calls; the default is ${(sequential.elapsedMs / concurrent.elapsedMs).toFixed(1)}x faster`,
    );
}
