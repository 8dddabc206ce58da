/**
 * Failure kinds of `npm run verify` and the exit codes they map to.
 *
 * The exit code separates "GuardDuty answered and something is not covered" (1) from "we could
 * not get a trustworthy answer" (2 for our own inputs, 3 for AWS), so CI can tell a real coverage
 * gap from a misconfigured pipeline.
 */

export const EXIT_CODES = {
    allHealthy: 0,
    notAllHealthy: 1,
    usageOrConfig: 2,
    awsError: 3,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

export const EXIT_CODES_HELP = [
    "Exit codes:",
    "  0  every expected instance is HEALTHY (and the test finding arrived, if requested)",
    "  1  some instance is UNHEALTHY or NOT FOUND, or the test finding did not arrive in time",
    "  2  usage or configuration error (bad flags, unreadable/invalid outputs, unknown stack, no Pulumi CLI)",
    "  3  AWS error: access denied, missing credentials, no detector, or a call that failed after retries",
].join("\n");

export type VerifyErrorKind = "usage" | "config" | "credentials" | "access-denied" | "no-detector" | "aws-error" | "unexpected";

const EXIT_CODE_BY_KIND: Record<VerifyErrorKind, ExitCode> = {
    usage: EXIT_CODES.usageOrConfig,
    config: EXIT_CODES.usageOrConfig,
    credentials: EXIT_CODES.awsError,
    "access-denied": EXIT_CODES.awsError,
    "no-detector": EXIT_CODES.awsError,
    "aws-error": EXIT_CODES.awsError,
    // A bug in this tool still means "no trustworthy answer", never "unhealthy".
    unexpected: EXIT_CODES.awsError,
};

/** An error whose message is written for the person running the command, not for a stack trace. */
export class VerifyError extends Error {
    readonly exitCode: ExitCode;

    constructor(
        readonly kind: VerifyErrorKind,
        message: string,
        options?: { cause?: unknown },
    ) {
        super(message, options);
        this.name = "VerifyError";
        this.exitCode = EXIT_CODE_BY_KIND[kind];
    }
}
