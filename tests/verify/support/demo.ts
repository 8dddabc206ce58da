/**
 * Produces the example output in docs/verify.md by running the real CLI against a fake AWS
 * scenario on 127.0.0.1 — nothing is invented and nothing talks to AWS.
 *
 *   npx ts-node --transpile-only tests/verify/support/demo.ts <scenario> [verify flags…]
 *
 * Scenarios: healthy, unhealthy, waiting, test-finding, assume-role-denied, coverage-denied.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { startFakeAws } from "./fakeAws";
import { fakeAwsEnvironment, runCli } from "./runCli";
import { DEMO_OUTPUTS_FILES, SCENARIOS, scenario, type ScenarioName } from "./scenarios";

async function main(): Promise<number> {
    const [name, ...flags] = process.argv.slice(2);
    if (!name || !(SCENARIOS as readonly string[]).includes(name)) {
        process.stderr.write(`usage: demo.ts <${SCENARIOS.join("|")}> [verify flags…]\n`);
        return 2;
    }
    const directory = await mkdtemp(path.join(os.tmpdir(), "verify-demo-"));
    const server = await startFakeAws(scenario(name as ScenarioName), { maxRequests: 200, lifetimeMs: 120_000 });
    try {
        const outputsArgs: string[] = [];
        for (const [file, outputs] of Object.entries(DEMO_OUTPUTS_FILES)) {
            await writeFile(path.join(directory, file), `${JSON.stringify(outputs, null, 2)}\n`);
            outputsArgs.push("--outputs", file);
        }
        const args = [...outputsArgs, ...flags];
        const result = await runCli(args, fakeAwsEnvironment(server.url), { cwd: directory, timeoutMs: 110_000 });
        process.stdout.write(`$ npm run verify -- ${args.join(" ")}\n`);
        process.stdout.write(`--- stdout ---\n${result.stdout}--- stderr ---\n${result.stderr}--- exit code ${result.exitCode} ---\n`);
        return 0;
    } finally {
        await server.close();
        await rm(directory, { recursive: true, force: true });
    }
}

main().then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
        process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
        process.exitCode = 1;
    },
);
