import * as path from "node:path";
import { isAgentManagement } from "../../src/agentManagement";
import { ConfigError } from "../../src/config/errors";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import type { Role } from "../../src/config/roles";
import { discoverStacks, fullyQualifiedStackName, plannedName, runStacksInOrder, ShippedStack, StackRunResult } from "../offline/stacks";
import { evaluatePolicies, PolicyVerdict } from "../policy/evaluate";
import type { PolicyPackConfig } from "../policy/packConfig";
import { ciPolicyPackConfig, PolicyConfigError } from "../ci/policyConfig";
import { parseArgs } from "./args";
import { describeResources, formatOutputs } from "./render";

export { EXIT_CODES } from "./args";

export interface PlanIo {
    projectDir: string;
    out: (line: string) => void;
    err: (line: string) => void;
}

export interface StackPlan {
    stack: string;
    role: Role;
    /**
     * `blocked`: the program failed because a stack it reads failed to plan (`blockedBy`).
     * `not-read`: the plan could not read the stack's config (secrets, ESC) or a stack it reads; only the Pulumi CLI can plan it.
     */
    status: "planned" | "config-error" | "failed" | "blocked" | "not-read";
    error?: string;
    blockedBy?: string;
    unreadable?: string[];
    resources?: ReturnType<typeof describeResources>;
    outputs?: Record<string, unknown>;
    /** Stacks this one reads through stack references, and whether each resolved to a planned stack. */
    references?: Array<{ stack: string; resolved: boolean }>;
    policies?: PolicyVerdict[];
    /** The organization's agent-management mode this stack ran in, and where it came from. */
    agentManagement?: { mode: string; source: string };
    /** What the offline run took as given where the engine would read AWS (an import's state, an existing network). */
    notes?: string[];
}

/** Where a stack's mode came from: the audit stack declares it, the owner reads the audit stack, participants the owner. */
export function agentManagementOf(role: Role, stackConfig: RawConfig, outputs: Record<string, unknown>): StackPlan["agentManagement"] {
    const mode = outputs.agentManagement;
    if (!isAgentManagement(mode)) return undefined;
    const key = `${NS}:agentManagement`;
    switch (role) {
        case "audit":
            return { mode, source: stackConfig[key] === undefined ? `the default (${key} is not set)` : `${key} in this stack's config` };
        case "owner":
            return { mode, source: `the output of the audit stack ${stackConfig[`${NS}:auditStack`]}` };
        case "participant":
            return { mode, source: `the output of the owner stack ${String(outputs.ownerStack)}` };
        default:
            return undefined;
    }
}

export const NOTHING_DEPLOYED =
    "Nothing was deployed: each stack program ran under Pulumi's mock runtime with its Pulumi.<stack>.yaml and fake, deterministic IDs. No credentials, no Pulumi CLI and no network were used.";

/**
 * The stack whose failure explains this one's: a failed run that read a stack which itself failed
 * in this plan (e.g. a participant whose owner did not plan) failed on that reference, and
 * blaming its own `ownerStack` value would send the user to the wrong file.
 */
function failedUpstream(result: StackRunResult, failed: ReadonlyMap<string, ShippedStack>): { stack: ShippedStack; name: string } | undefined {
    for (const name of result.reads) {
        const stack = failed.get(plannedName(name));
        if (stack && stack.stack !== result.stack.stack) return { stack, name };
    }
    return undefined;
}

/** Runs the offline plan; returns the process exit code (see EXIT_CODES). */
export async function plan(argv: readonly string[], io: PlanIo): Promise<number> {
    const args = parseArgs(argv);
    if ("exit" in args) {
        if (args.out) io.out(args.out);
        if (args.err) io.err(args.err);
        return args.exit;
    }

    let stacks: ShippedStack[];
    let packConfig: PolicyPackConfig = {};
    try {
        const dir = args.dir === undefined ? io.projectDir : path.resolve(io.projectDir, args.dir);
        stacks = discoverStacks(dir);
        if (args.policies) packConfig = ciPolicyPackConfig(dir, stacks);
    } catch (err) {
        io.err(err instanceof PolicyConfigError ? `plan: policy pack config: ${err.message}` : err instanceof Error ? err.message : String(err));
        return 1;
    }
    const unknown = args.stacks.filter((name) => !stacks.some((s) => s.stack === name));
    if (unknown.length > 0) {
        io.err(`plan: no Pulumi.<stack>.yaml for ${unknown.join(", ")}; shipped stacks: ${stacks.map((s) => s.stack).join(", ")}`);
        return 2;
    }
    if (!args.json) io.out(`${NOTHING_DEPLOYED}\n`);

    const results = await runStacksInOrder(stacks);
    const planned = new Set(results.filter((r) => r.run).map((r) => fullyQualifiedStackName(r.stack.stack)));
    const failed = new Map(results.filter((r) => !r.run && !r.unreadable).map((r) => [fullyQualifiedStackName(r.stack.stack), r.stack]));
    const selected = results.filter((r) => args.stacks.length === 0 || args.stacks.includes(r.stack.stack));
    const plans: StackPlan[] = [];
    for (const result of selected) {
        const { stack, role } = result.stack;
        if (result.unreadable) {
            plans.push({ stack, role, status: "not-read", unreadable: result.unreadable });
            continue;
        }
        if (!result.run) {
            const upstream = failedUpstream(result, failed);
            if (upstream) {
                const where =
                    args.stacks.includes(upstream.stack.stack) || args.stacks.length === 0
                        ? "its error is above"
                        : `\`npm run plan -- --stack ${upstream.stack.stack}\` shows why`;
                plans.push({
                    stack,
                    role,
                    status: "blocked",
                    blockedBy: upstream.stack.stack,
                    error: `not planned: its ${upstream.stack.role} stack ${upstream.name} failed to plan (${where}); fix Pulumi.${upstream.stack.stack}.yaml first.`,
                });
                continue;
            }
            const configError = result.error instanceof ConfigError;
            plans.push({
                stack,
                role,
                status: configError ? "config-error" : "failed",
                error: result.error instanceof Error ? result.error.message : String(result.error),
            });
            continue;
        }
        const references = result.run.resources
            .filter((r) => r.type === "pulumi:pulumi:StackReference")
            .map((r) => ({ stack: r.name, resolved: planned.has(plannedName(r.name)) }));
        plans.push({
            stack,
            role,
            status: "planned",
            resources: describeResources(result.run),
            outputs: result.run.outputs,
            agentManagement: agentManagementOf(role, result.stack.config, result.run.outputs),
            ...(result.run.notes.length > 0 ? { notes: result.run.notes } : {}),
            references,
            policies: args.policies ? await evaluatePolicies(stack, result.run.resources, packConfig, { stackConfig: result.stack.config }) : undefined,
        });
    }

    // A stack the plan could not read is not a failure of that stack: the CLI reads it.
    const notPlanned = plans.some((p) => p.status !== "planned" && p.status !== "not-read");
    const mandatoryViolations = plans.flatMap((p) => (p.policies ?? []).filter((v) => v.enforcementLevel === "mandatory"));
    if (args.json) {
        io.out(JSON.stringify({ deployed: false, note: NOTHING_DEPLOYED, stacks: plans }, null, 2));
    } else {
        for (const p of plans) printStack(p, io);
        const summary = plans.map((p) => `${p.stack}: ${summaryOf(p)}`).join(", ");
        io.out(`Plan (offline; nothing was deployed): ${summary}; ${mandatoryViolations.length} mandatory policy violation(s).`);
    }
    return notPlanned || mandatoryViolations.length > 0 ? 1 : 0;
}

function summaryOf(p: StackPlan): string {
    switch (p.status) {
        case "planned":
            return `${p.resources?.length ?? 0} resources`;
        case "blocked":
            return `not planned (${p.blockedBy} failed)`;
        case "not-read":
            return "not read offline";
        default:
            return p.status;
    }
}

function printStack(p: StackPlan, io: PlanIo): void {
    io.out(`=== stack ${p.stack} (role ${p.role})`);
    if (p.status === "not-read") {
        io.out("not planned offline, because:");
        for (const reason of p.unreadable ?? []) io.out(`  - ${reason}`);
        io.out("  (`pulumi preview` with the Pulumi CLI can plan it)");
        io.out("");
        return;
    }
    if (p.status !== "planned") {
        io.out({ "config-error": "configuration error:", failed: "failed:", blocked: "blocked:" }[p.status]);
        for (const line of (p.error ?? "").split("\n")) io.out(`  ${line}`);
        io.out("");
        return;
    }
    if (p.agentManagement) io.out(`agent management: ${p.agentManagement.mode} (from ${p.agentManagement.source})`);
    io.out(`resources (${p.resources?.length ?? 0}):`);
    for (const r of p.resources ?? []) {
        const flags = r.flags.length > 0 ? ` [${r.flags.join(", ")}]` : "";
        io.out(`  ${r.type}  ${r.name}${flags}${r.properties ? `\n      ${r.properties}` : ""}`);
    }
    io.out("outputs:");
    for (const line of formatOutputs(p.outputs ?? {})) io.out(`  ${line}`);
    if (p.notes) {
        io.out("offline, taken as given:");
        for (const note of p.notes) io.out(`  - ${note}`);
    }
    if ((p.references ?? []).length > 0) {
        io.out("wiring:");
        for (const ref of p.references ?? []) io.out(`  reads ${ref.stack}${ref.resolved ? " (outputs from this plan)" : " (NOT planned here)"}`);
    }
    if (p.policies) {
        const mandatory = p.policies.filter((v) => v.enforcementLevel === "mandatory");
        io.out(`policies: ${p.policies.length === 0 ? "all passed" : `${mandatory.length} mandatory, ${p.policies.length - mandatory.length} advisory`}`);
        for (const v of p.policies) io.out(`  [${v.enforcementLevel}] ${v.policy}${v.urn ? ` ${v.urn.split("::").pop()}` : ""}: ${v.message}`);
    }
    io.out("");
}
