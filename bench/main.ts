import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { PROJECT } from "guardduty-shared-vpc-contract/vocabulary";
import type { RawConfig } from "../src/config/load";
import { discoverStacks, runProjectStack, runStacksInOrder } from "../tools/offline/stacks";
import { planNodeArgs } from "../tools/plan/command";
import { PUBLISHED_AUDIT } from "./auditOutputs";
import { benchPlanScale } from "./planScale";
import { benchPolicies } from "./policies";
import { Targets } from "./targets";
import { benchVerifyScale } from "./verifyScale";

const ROOT = path.resolve(__dirname, "..");

function timeChild(args: string[], env: NodeJS.ProcessEnv = {}): number {
    const started = performance.now();
    const child = spawnSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8" });
    const elapsed = performance.now() - started;
    if (child.status !== 0) throw new Error(`${args.join(" ")} failed (${child.status}):\n${child.stderr}`);
    return elapsed;
}

function best(runs: number, measure: () => number): number {
    return Math.min(...Array.from({ length: runs }, measure));
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

function syntheticOwnerConfig(subnets: number, principals: number): RawConfig {
    return {
        "aws:region": "us-east-1",
        [`${PROJECT}:accountId`]: "333333333333",
        [`${PROJECT}:organizationId`]: "o-a1b2c3d4e5",
        [`${PROJECT}:auditStack`]: "audit",
        [`${PROJECT}:vpcCidr`]: "10.20.0.0/16",
        [`${PROJECT}:subnets`]: JSON.stringify(
            Array.from({ length: subnets }, (_, i) => ({ name: `subnet-${i}`, cidr: `10.20.${i}.0/24`, azId: `use1-az${(i % 6) + 1}` })),
        ),
        [`${PROJECT}:shareWith`]: JSON.stringify(Array.from({ length: principals }, (_, i) => String(400000000000 + i))),
    };
}

async function timeOwner(subnets: number, principals: number): Promise<{ elapsed: number; resources: number }> {
    const started = performance.now();
    const run = await runProjectStack("owner", syntheticOwnerConfig(subnets, principals), PUBLISHED_AUDIT);
    return { elapsed: performance.now() - started, resources: run.resources.length };
}

async function main(): Promise<void> {
    const targets = new Targets();
    console.log(`guardduty-shared-vpc benchmark — node ${process.version}, ${os.cpus().length} cores. Nothing here talks to AWS.`);

    // 1. The offline plan as `npm run plan` starts it (process start included; npm's own start is
    // not counted), and in-process. Its transpile cache fills on a first run; that run is timed on
    // its own with an empty cache, and the target is for the runs after it.
    const planArgs = [...planNodeArgs(ROOT), "--json"];
    const emptyCache = mkdtempSync(path.join(os.tmpdir(), "gdsv-bench-transpile-"));
    const planFirst = timeChild(planArgs, { GUARDDUTY_SHARED_VPC_TRANSPILE_CACHE: emptyCache });
    rmSync(emptyCache, { recursive: true, force: true });
    const planCli = best(2, () => timeChild(planArgs));
    await runStacksInOrder(discoverStacks(ROOT)); // warm the module cache
    const started = performance.now();
    const results = await runStacksInOrder(discoverStacks(ROOT));
    const inProcess = performance.now() - started;
    const total = results.reduce((n, r) => n + (r.run?.resources.length ?? 0), 0);
    console.log(
        `\n[plan] npm run plan of ${results.length} shipped stacks (${total} resources): ${ms(planCli)} wall incl. process start ${targets.check("npm run plan, wall", planCli, "≤", 3000, "ms")}; ${ms(planFirst)} on a first run (empty transpile cache); ${ms(inProcess)} in-process, warm`,
    );

    // 2. What each preview pays to start the program: type-checked ts-node vs our transpile-only.
    const typeChecked = best(2, () => timeChild(["-r", "ts-node/register", "bench/startProgram.ts"], { TS_NODE_TRANSPILE_ONLY: "false" }));
    const transpileOnly = best(2, () => timeChild(["-r", "ts-node/register/transpile-only", "bench/startProgram.ts"]));
    console.log(
        `\n[start] owner program start to finish: type-checked ts-node ${ms(typeChecked)}, transpile-only (Pulumi.yaml) ${ms(transpileOnly)}: ${(typeChecked / transpileOnly).toFixed(1)}x faster ${targets.check("transpile-only start-up speed-up", typeChecked / transpileOnly, "≥", 4, "x")}`,
    );

    // 3. Owner plan growth with subnets × principals.
    console.log("\n[scale] owner plan time by subnets × principals (in-process; per-resource time should stay flat):");
    await timeOwner(10, 10);
    for (const subnets of [10, 50, 200]) {
        for (const principals of [10, 100, 500]) {
            // The target's cell is timed twice and the better run kept, like the other targeted
            // figures: one run of seconds swings by a second with what else the machine does.
            const targeted = subnets === 200 && principals === 500;
            const runs = [await timeOwner(subnets, principals), ...(targeted ? [await timeOwner(subnets, principals)] : [])];
            const { elapsed, resources } = runs.reduce((a, b) => (b.elapsed < a.elapsed ? b : a));
            console.log(
                `  ${String(subnets).padStart(3)} subnets × ${String(principals).padStart(3)} principals: ${String(resources).padStart(4)} resources, ${ms(elapsed).padStart(8)}, ${(elapsed / resources).toFixed(2)} ms/resource${targeted ? ` best of 2 ${targets.check("owner plan, 200 subnets × 500 principals", elapsed, "≤", 5000, "ms")}` : ""}`,
            );
        }
    }

    // 4. The policy pack.
    await benchPolicies(ROOT, (line) => console.log(line), targets);

    // 5. Organization scale: the offline plan of 1 owner + 100 participants, and verify over 10,000 instances.
    await benchPlanScale(ROOT, (line) => console.log(line));
    await benchVerifyScale((line) => console.log(line));

    console.log("");
    for (const line of targets.summary()) console.log(line);
}

main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
});
