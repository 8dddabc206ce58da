/**
 * Command-line parsing for `npm run verify`. Pure: it returns what to do instead of exiting, so
 * usage errors are testable and map to exit code 2 rather than commander's default 1.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import ms from "ms";
import { partitionOf, runtimeMonitoringUnavailableIn } from "guardduty-shared-vpc-contract/vocabulary";
import { DEFAULT_COVERAGE_CONCURRENCY, MAX_COVERAGE_CONCURRENCY } from "./coverage";
import { EXIT_CODES, EXIT_CODES_HELP, type ExitCode } from "./errors";
import type { VerifyOptions } from "./run";
import { TEST_DOMAIN, TEST_FINDING_TYPES } from "./testFinding";

export type ParsedCommandLine = { kind: "run"; options: VerifyOptions } | { kind: "exit"; exitCode: ExitCode; stdout: string; stderr: string };

export function parseDuration(value: string): number {
    const trimmed = value.trim();
    // A bare number would be milliseconds to `ms`, which nobody means for "--wait 10".
    if (!/^\d+(\.\d+)?\s*[a-zA-Z]+$/.test(trimmed)) {
        throw new InvalidArgumentError("Use a number with a unit, e.g. 90s, 10m or 1h.");
    }
    const milliseconds = ms(trimmed as ms.StringValue) as number | undefined;
    if (milliseconds === undefined || !Number.isFinite(milliseconds)) {
        throw new InvalidArgumentError("Use a number with a unit, e.g. 90s, 10m or 1h.");
    }
    return milliseconds;
}

function atLeastOneSecond(value: string): number {
    const milliseconds = parseDuration(value);
    if (milliseconds < 1000) {
        throw new InvalidArgumentError("Must be at least 1s.");
    }
    return milliseconds;
}

function concurrency(value: string): number {
    const trimmed = value.trim();
    const count = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
    if (!(count >= 1 && count <= MAX_COVERAGE_CONCURRENCY)) {
        throw new InvalidArgumentError(`Use a whole number from 1 to ${MAX_COVERAGE_CONCURRENCY}.`);
    }
    return count;
}

function roleArn(value: string): string {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/.test(value)) {
        throw new InvalidArgumentError("Expected an IAM role ARN such as arn:aws:iam::222222222222:role/GuardDutyVerify.");
    }
    return value;
}

function region(value: string): string {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(value)) {
        throw new InvalidArgumentError("Expected an AWS region such as us-east-1.");
    }
    // GuardDuty answers ListCoverage there too, with nothing: every instance would read as not covered.
    const unavailable = runtimeMonitoringUnavailableIn(value);
    if (unavailable) {
        throw new InvalidArgumentError(
            `Expected a region with GuardDuty Runtime Monitoring: in ${value} (partition ${partitionOf(value)}), ${unavailable}, so there is no coverage to verify.`,
        );
    }
    return value;
}

const HELP_WIDTH = 80;

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const DESCRIPTION = [
    "Checks that GuardDuty Runtime Monitoring covers every EC2 instance the participant stacks deployed, as seen from the audit account (the delegated administrator sees every member account).",
    "The expected instances come from participant stack outputs: name the stacks (read through the Pulumi Automation API, which needs the Pulumi CLI) or pass `pulumi stack output --json` files with --outputs.",
].join("\n\n");

const EXAMPLES = `
Examples:
  npm run verify -- organization/guardduty-shared-vpc/participant
  npm run verify -- --outputs participant.json --outputs participant-b.json --wait 15m
  npm run verify -- --outputs participant.json --audit-role-arn arn:aws:iam::222222222222:role/GuardDutyVerify --json
  npm run verify -- --outputs participant.json --trigger-test-finding \\
      --participant-role-arn arn:aws:iam::444444444444:role/GuardDutyVerify

--trigger-test-finding resolves ${TEST_DOMAIN} on one instance through SSM Run Command. This
creates a real, harmless GuardDuty finding (${TEST_FINDING_TYPES.join(" or ")}).

Credentials: the audit account's come from the default AWS credential chain, or from assuming
--audit-role-arn; the participant's (only for --trigger-test-finding) from --participant-role-arn
or the default chain. Throttled calls are retried with backoff by the AWS SDK; --concurrency
bounds how many coverage queries are in flight at once.

${EXIT_CODES_HELP}
`;

function buildProgram(): Command {
    return new Command()
        .name("npm run verify --")
        .usage("[options] [stacks...]")
        .description(DESCRIPTION)
        .argument(
            "[stacks...]",
            "participant stacks: a short name (participant), resolved in this project and the backend's default organization, or <organization>/guardduty-shared-vpc/<stack>",
        )
        .option("--outputs <file>", "`pulumi stack output --json` of a participant stack (repeatable; no Pulumi CLI needed)", collect)
        .addOption(
            new Option("--region <region>", "region to check (default: each stack's `region` output; only for participants of one region)").argParser(region),
        )
        .addOption(new Option("--audit-role-arn <arn>", "role to assume in the audit (delegated administrator) account").argParser(roleArn))
        .addOption(new Option("--participant-role-arn <arn>", "role to assume in the participant account for --trigger-test-finding").argParser(roleArn))
        .addOption(new Option("--wait <duration>", "poll until every instance is HEALTHY or this much time has passed, e.g. 15m").argParser(parseDuration))
        .addOption(new Option("--poll-interval <duration>", "time between checks while waiting").argParser(atLeastOneSecond).default(15_000, "15s"))
        .addOption(
            new Option("--concurrency <n>", `ListCoverage queries in flight at once (1-${MAX_COVERAGE_CONCURRENCY}); lower it if GuardDuty throttles`)
                .argParser(concurrency)
                .default(DEFAULT_COVERAGE_CONCURRENCY),
        )
        .option("--json", "print the report as JSON on stdout (progress stays on stderr)")
        .option("--trigger-test-finding", `resolve ${TEST_DOMAIN} on one instance via SSM and wait for the finding (creates a harmless test finding)`)
        .option("--instance <name|id>", "instance for --trigger-test-finding (default: the first expected instance)")
        .addOption(new Option("--finding-timeout <duration>", "how long to wait for the test finding").argParser(atLeastOneSecond).default(15 * 60_000, "15m"))
        .addOption(
            new Option("--command-timeout <duration>", "how long to wait for the SSM command to finish").argParser(atLeastOneSecond).default(2 * 60_000, "2m"),
        )
        .helpOption("-h, --help", "show this help")
        .addHelpText("after", EXAMPLES)
        .showHelpAfterError("(run with --help for usage)")
        .allowExcessArguments(false);
}

interface RawOptions {
    outputs?: string[];
    region?: string;
    auditRoleArn?: string;
    participantRoleArn?: string;
    wait?: number;
    pollInterval: number;
    concurrency: number;
    json?: boolean;
    triggerTestFinding?: boolean;
    instance?: string;
    findingTimeout: number;
    commandTimeout: number;
}

export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
    let stdout = "";
    let stderr = "";
    const program = buildProgram()
        .exitOverride()
        .configureOutput({
            writeOut: (text) => (stdout += text),
            writeErr: (text) => (stderr += text),
            // Wrapped the same in every terminal, as docs/verify.md shows it.
            getOutHelpWidth: () => HELP_WIDTH,
            getErrHelpWidth: () => HELP_WIDTH,
        });
    try {
        program.parse([...args], { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) {
            const exitCode = error.code === "commander.helpDisplayed" || error.code === "commander.help" ? EXIT_CODES.allHealthy : EXIT_CODES.usageOrConfig;
            return { kind: "exit", exitCode, stdout, stderr };
        }
        throw error;
    }

    const raw = program.opts<RawOptions>();
    const usageError = (message: string): ParsedCommandLine => ({
        kind: "exit",
        exitCode: EXIT_CODES.usageOrConfig,
        stdout,
        stderr: `error: ${message}\n(run with --help for usage)\n`,
    });
    if (raw.instance !== undefined && !raw.triggerTestFinding) {
        return usageError("--instance only selects the instance for --trigger-test-finding; add that flag or drop --instance.");
    }
    const stacks = program.args;
    const outputsFiles = raw.outputs ?? [];
    if (stacks.length === 0 && outputsFiles.length === 0) {
        return usageError("name at least one participant stack (organization/guardduty-shared-vpc/<stack>) or pass --outputs FILE.");
    }
    return {
        kind: "run",
        options: {
            stacks,
            outputsFiles,
            ...(raw.region ? { region: raw.region } : {}),
            ...(raw.auditRoleArn ? { auditRoleArn: raw.auditRoleArn } : {}),
            ...(raw.participantRoleArn ? { participantRoleArn: raw.participantRoleArn } : {}),
            waitMs: raw.wait ?? 0,
            pollIntervalMs: raw.pollInterval,
            concurrency: raw.concurrency,
            json: raw.json === true,
            triggerTestFinding: raw.triggerTestFinding === true,
            ...(raw.instance ? { instance: raw.instance } : {}),
            findingTimeoutMs: raw.findingTimeout,
            commandTimeoutMs: raw.commandTimeout,
        },
    };
}
