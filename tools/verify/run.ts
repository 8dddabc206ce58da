/**
 * One verify run: load expectations, check coverage (optionally waiting), optionally prove a
 * finding arrives, print the report, and decide the exit code.
 */
import type { AwsAccess } from "./clients";
import { checkUntilHealthy, CoverageChecker, type Clock } from "./coverage";
import { EXIT_CODES, VerifyError, type ExitCode } from "./errors";
import { loadExpectedInstances, type PulumiStacks } from "./expected";
import type { ProgressReporter } from "./progress";
import { errorToJson, renderText, reportToJson, STATUS_TEXT, type VerifyReport } from "./report";
import { chooseTestInstance, testFindingNotice, triggerTestFinding } from "./testFinding";

export interface VerifyOptions {
    stacks: string[];
    outputsFiles: string[];
    region?: string;
    auditRoleArn?: string;
    participantRoleArn?: string;
    waitMs: number;
    pollIntervalMs: number;
    /** ListCoverage queries in flight at once. */
    concurrency: number;
    json: boolean;
    triggerTestFinding: boolean;
    instance?: string;
    findingTimeoutMs: number;
    commandTimeoutMs: number;
}

export interface VerifyDependencies {
    aws: AwsAccess;
    pulumi: PulumiStacks;
    /** Where the Pulumi program lives, for the Automation API. */
    workDir: string;
    readFile?: (file: string) => Promise<string>;
    clock: Clock;
    progress: ProgressReporter;
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

export async function runVerify(options: VerifyOptions, deps: VerifyDependencies): Promise<ExitCode> {
    try {
        const report = await verify(options, deps);
        deps.stdout(options.json ? `${JSON.stringify(reportToJson(report), null, 2)}\n` : renderText(report));
        return report.exitCode;
    } catch (error) {
        const failure =
            error instanceof VerifyError
                ? error
                : new VerifyError("unexpected", `Unexpected failure: ${(error as Error)?.stack ?? String(error)}`, { cause: error });
        deps.stderr(`verify: ${failure.message}\n`);
        if (options.json) {
            deps.stdout(`${JSON.stringify(errorToJson(failure), null, 2)}\n`);
        }
        return failure.exitCode;
    }
}

async function verify(options: VerifyOptions, deps: VerifyDependencies): Promise<VerifyReport> {
    const expected = await loadExpectedInstances(
        { outputsFiles: options.outputsFiles, stacks: options.stacks, region: options.region, workDir: deps.workDir },
        deps.pulumi,
        deps.readFile,
    );
    // Chosen before any AWS call so a mistyped --instance fails fast, not after a long --wait.
    const testTarget = options.triggerTestFinding ? chooseTestInstance(expected, options.instance) : undefined;

    const checker = new CoverageChecker((region) => deps.aws.audit(region), expected, {
        concurrency: options.concurrency,
        now: () => new Date(deps.clock.now()),
    });
    const coverage = await checkUntilHealthy(
        () => checker.check(),
        { waitMs: options.waitMs, pollIntervalMs: options.pollIntervalMs },
        deps.clock,
        deps.progress,
    );
    const allHealthy = coverage.instances.every((instance) => instance.status === "HEALTHY");

    let testFinding: VerifyReport["testFinding"];
    if (testTarget) {
        const targetCoverage = coverage.instances.find(
            (instance) => instance.instanceId === testTarget.instanceId && instance.participantAccountId === testTarget.participantAccountId,
        );
        deps.stderr(`${testFindingNotice(testTarget)}\n`);
        if (targetCoverage && targetCoverage.status !== "HEALTHY") {
            deps.stderr(
                `warning: ${testTarget.name} (${testTarget.instanceId}) is ${STATUS_TEXT[targetCoverage.status]}; a Runtime finding needs a reporting agent, so it may not arrive.\n`,
            );
        }
        testFinding = await triggerTestFinding(
            testTarget,
            deps.aws.participant(testTarget.region, testTarget.participantAccountId),
            deps.aws.audit(testTarget.region),
            await checker.detectorFor(testTarget.region),
            { commandTimeoutMs: options.commandTimeoutMs, findingTimeoutMs: options.findingTimeoutMs, pollIntervalMs: options.pollIntervalMs },
            deps.clock,
            deps.progress,
        );
    }

    const exitCode = allHealthy && (!testFinding || testFinding.found) ? EXIT_CODES.allHealthy : EXIT_CODES.notAllHealthy;
    return { ...coverage, ...(testFinding ? { testFinding } : {}), exitCode };
}
