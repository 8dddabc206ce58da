import { performance } from "node:perf_hooks";
import { evaluatePolicies } from "../tools/policy/evaluate";
import { syntheticStack } from "../tools/policy/synthetic";
import { startPolicyPack } from "../tools/policy/wire";
import type { Targets } from "./targets";

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** Policy evaluation on a large synthetic stack, and the start-up of the repository's pack as the Pulumi CLI launches it. */
export async function benchPolicies(_root: string, print: (line: string) => void, targets: Targets): Promise<void> {
    const resources = syntheticStack(10_000, "participant");
    await evaluatePolicies("participant-synthetic", resources.slice(0, 100)); // load the policy modules first
    const started = performance.now();
    const verdicts = await evaluatePolicies("participant-synthetic", resources);
    const elapsed = performance.now() - started;
    print(
        `\n[policy] evaluation of ${resources.length} resources (every resource and stack policy): ${ms(elapsed)}, ${verdicts.length} verdicts ${targets.check("policy evaluation, 10,000 resources", elapsed, "≤", 1000, "ms")}`,
    );

    const startups: number[] = [];
    for (let run = 0; run < 2; run++) {
        const pack = await startPolicyPack({ timeoutMs: 120_000 });
        startups.push(pack.startupMs);
        await pack.stop();
    }
    print(
        `[policy] pack start-up through @pulumi/pulumi/cmd/run-policy-pack (policy/ as "pulumi preview --policy-pack policy" runs it: type-checked ts-node): best ${ms(Math.min(...startups))} of ${startups.map(ms).join(", ")} ${targets.check("policy pack start-up", Math.min(...startups), "≤", 4000, "ms")}`,
    );
}
