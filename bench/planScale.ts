import { performance } from "node:perf_hooks";
import type { RawConfig } from "../src/config/load";
import { NS } from "../src/config/primitives";
import { readStackConfigFile } from "../tools/offline/stackConfig";
import { discoverStacks, fullyQualifiedStackName, PROJECT, runProjectStack, runStacksInOrder } from "../tools/offline/stacks";

const PARTICIPANTS = 100;
const FIRST_PARTICIPANT_ACCOUNT = 400_000_000_000;
/** Participants averaged at each end of the run to compare the cost of early and late stacks. */
const SAMPLE = 10;

const ms = (value: number) => `${value.toFixed(1)} ms`;

/**
 * The owner sharing with `PARTICIPANTS` accounts, and one participant stack per account, each
 * built from the shipped owner and participant files with the keys that scale replaced: the
 * shipped files carry whatever else each role requires, so the bench follows them as they change.
 */
function generatedStacks(root: string): { stack: string; config: RawConfig }[] {
    const accounts = Array.from({ length: PARTICIPANTS }, (_, index) => String(FIRST_PARTICIPANT_ACCOUNT + index));
    // The first shipped stack of each role, whatever the files are called.
    const shipped = discoverStacks(root);
    const configOf = (role: "owner" | "participant") => readStackConfigFile(root, PROJECT, shipped.find((stack) => stack.role === role)?.stack ?? role);
    const owner = { ...configOf("owner"), [`${NS}:shareWith`]: JSON.stringify(accounts) };
    const participant = configOf("participant");
    return [
        { stack: "owner", config: owner },
        ...accounts.map((accountId, index) => ({
            stack: `participant-${String(index).padStart(3, "0")}`,
            config: { ...participant, [`${NS}:accountId`]: accountId, [`${NS}:ownerStack`]: fullyQualifiedStackName("owner") },
        })),
    ];
}

/**
 * The offline plan of one owner and 100 participant stacks, one after another as `npm run plan`
 * runs them, timing every stack: per-stack cost that stays flat from the first participants to
 * the last is what linear means here.
 */
export async function benchPlanScale(root: string, print: (line: string) => void): Promise<void> {
    // Outputs of the shipped management and audit stacks, for whatever the generated stacks reference.
    const upstream = discoverStacks(root).filter((stack) => stack.role === "management" || stack.role === "audit");
    const published = new Map<string, Record<string, unknown>>();
    for (const result of await runStacksInOrder(upstream)) {
        if (result.run) published.set(fullyQualifiedStackName(result.stack.stack), result.run.outputs);
    }

    const timings: { stack: string; elapsed: number; resources: number }[] = [];
    const started = performance.now();
    for (const { stack, config } of generatedStacks(root)) {
        const stackStarted = performance.now();
        const run = await runProjectStack(stack, config, published);
        timings.push({ stack, elapsed: performance.now() - stackStarted, resources: run.resources.length });
        published.set(fullyQualifiedStackName(stack), run.outputs);
    }
    const total = performance.now() - started;

    const [owner, ...participants] = timings as [(typeof timings)[0], ...typeof timings];
    const average = (list: typeof timings) => list.reduce((sum, t) => sum + t.elapsed, 0) / list.length;
    const first = average(participants.slice(0, SAMPLE));
    const last = average(participants.slice(-SAMPLE));
    const perStack = average(participants);
    print(
        `\n[plan-scale] offline plan of 1 owner (sharing with ${PARTICIPANTS} accounts, ${owner.resources} resources) and ${PARTICIPANTS} participant stacks (${participants[0]!.resources} resources each): ${ms(total)} in all` +
            `\n  owner ${ms(owner.elapsed)}; participants ${ms(perStack)} per stack on average, first ${SAMPLE} ${ms(first)}, last ${SAMPLE} ${ms(last)} per stack` +
            `\n  last/first per-stack cost ${(last / first).toFixed(2)} (linear: stays near 1.0; growing means each stack pays for the ones before it)`,
    );
}
