/**
 * Runs the real `tools/verify/main.ts` as a child process, exactly as `npm run verify` does,
 * with every AWS SDK client sent to a fake endpoint through the SDK's own AWS_ENDPOINT_URL
 * setting and static fake keys, so no AWS configuration of the machine leaks in.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { FAKE_CREDENTIALS, REGION } from "./fixtures";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface CliResult {
    exitCode: number | null;
    stdout: string;
    stderr: string;
}

export function fakeAwsEnvironment(endpointUrl: string): NodeJS.ProcessEnv {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("AWS_") && !key.startsWith("PULUMI_")));
    return {
        ...inherited,
        AWS_ENDPOINT_URL: endpointUrl,
        AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
        AWS_REGION: REGION,
        AWS_CONFIG_FILE: path.join(REPO_ROOT, "does-not-exist", "config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(REPO_ROOT, "does-not-exist", "credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        // The SDK's Node-version notice would otherwise land in every example's stderr.
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
}

export interface RunCliOptions {
    /** Working directory, so relative --outputs paths read like an operator's would. */
    cwd?: string;
    timeoutMs?: number;
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: RunCliOptions = {}): Promise<CliResult> {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const entry = path.join(REPO_ROOT, "tools", "verify", "main.ts");
    const register = require.resolve("ts-node/register/transpile-only");
    const childEnv = { ...env, TS_NODE_PROJECT: path.join(REPO_ROOT, "tsconfig.json") };
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", register, entry, ...args], {
            cwd: options.cwd ?? REPO_ROOT,
            env: childEnv,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`verify did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        child.on("close", (exitCode) => {
            clearTimeout(timer);
            resolve({ exitCode, stdout, stderr });
        });
    });
}
