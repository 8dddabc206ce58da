/**
 * `npm run verify`: wires the real AWS clients, Pulumi Automation API, clock and terminal into
 * the verify logic. Everything testable lives in the modules this file imports.
 */
import * as path from "node:path";
import { parseCommandLine } from "./cli";
import { createAwsAccess } from "./clients";
import { systemClock } from "./coverage";
import { EXIT_CODES } from "./errors";
import { automationApi } from "./expected";
import { createProgress } from "./progress";
import { runVerify } from "./run";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const EXIT_CODE_ON_INTERRUPT = 130;

async function main(): Promise<number> {
    const parsed = parseCommandLine(process.argv.slice(2));
    if (parsed.kind === "exit") {
        process.stdout.write(parsed.stdout);
        process.stderr.write(parsed.stderr);
        return parsed.exitCode;
    }
    const { options } = parsed;
    const aws = createAwsAccess({ auditRoleArn: options.auditRoleArn, participantRoleArn: options.participantRoleArn });
    const progress = createProgress({ stdout: process.stdout, stderr: process.stderr });
    // A bar hides the cursor; give it back if the operator stops a long --wait.
    process.once("SIGINT", () => {
        progress.end();
        process.exit(EXIT_CODE_ON_INTERRUPT);
    });
    try {
        return await runVerify(options, {
            aws,
            pulumi: automationApi,
            workDir: REPO_ROOT,
            clock: systemClock,
            progress,
            stdout: (text) => process.stdout.write(text),
            stderr: (text) => process.stderr.write(text),
        });
    } finally {
        aws.destroy();
    }
}

main().then(
    (exitCode) => {
        process.exitCode = exitCode;
    },
    (error: unknown) => {
        process.stderr.write(`verify: unexpected failure: ${(error as Error)?.stack ?? String(error)}\n`);
        process.exitCode = EXIT_CODES.awsError;
    },
);
