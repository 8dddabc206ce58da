import { Command, CommanderError } from "commander";
import * as path from "node:path";
import { isAgentManagement } from "../../src/agentManagement";
import { ConfigError } from "../../src/config/errors";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import type { Role } from "../../src/config/roles";
import { discoverStacks, fullyQualifiedStackName, runStacksInOrder, ShippedStack } from "../offline/stacks";
import { evaluatePolicies, PolicyVerdict } from "../policy/evaluate";
import { describeResources, formatOutputs } from "./render";

export interface PlanIo {
    projectDir: string;
    out: (line: string) => void;
    err: (line: string) => void;
}

export interface StackPlan {
    stack: string;
    role: Role;
    /** `not-read`: the plan could not read the stack's config (secrets, ESC) or a stack it reads; only the Pulumi CLI can plan it. */
    status: "planned" | "config-error" | "failed" | "not-read";
    error?: string;
    unreadable?: string[];
    resources?: ReturnType<typeof describeResources>;
    outputs?: Record<string, unknown>;
    /** Stacks this one reads through stack references, and whether each resolved to a planned stack. */
    references?: Array<{ stack: string; resolved: boolean }>;
    policies?: PolicyVerdict[];
    /** The organization's agent-management mode this stack ran in, and where it came from. */
    agentManagement?: { mode: string; source: string };
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

function parseArgs(argv: readonly string[]): { stacks: string[]; json: boolean; policies: boolean; dir?: string } {
    const program = new Command("plan")
        .description("Runs every shipped stack program offline, in deploy order, and prints what each would register.")
        .option("--stack <name>", "plan only this stack (repeatable); stacks it references are still run first", (value: string, previous: string[]) => [...previous, value], [] as string[])
        .option("--dir <path>", "plan the Pulumi.<stack>.yaml files in this directory (e.g. examples/automated) instead of the project's own")
        .option("--json", "print machine-readable JSON instead of text", false)
        .option("--no-policies", "skip the policy pack")
        .exitOverride()
        .configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
    program.parse(argv, { from: "user" });
    const options = program.opts<{ stack: string[]; json: boolean; policies: boolean; dir?: string }>();
    return { stacks: options.stack, json: options.json, policies: options.policies, dir: options.dir };
}

/** Runs the offline plan; returns the process exit code (0 clean, 1 config error or mandatory violation, 2 usage). */
export async function plan(argv: readonly string[], io: PlanIo): Promise<number> {
    let args: ReturnType<typeof parseArgs>;
    try {
        args = parseArgs(argv);
    } catch (err) {
        if (err instanceof CommanderError && (err.code === "commander.helpDisplayed" || err.code === "commander.help")) {
            io.out("usage: npm run plan -- [--dir PATH] [--stack NAME]... [--json] [--no-policies]");
            return 0;
        }
        io.err(`plan: ${err instanceof Error ? err.message : String(err)}\nusage: npm run plan -- [--dir PATH] [--stack NAME]... [--json] [--no-policies]`);
        return 2;
    }

    let stacks: ShippedStack[];
    try {
        stacks = discoverStacks(args.dir === undefined ? io.projectDir : path.resolve(io.projectDir, args.dir));
    } catch (err) {
        io.err(err instanceof Error ? err.message : String(err));
        return 1;
    }
    const unknown = args.stacks.filter((name) => !stacks.some((s) => s.stack === name));
    if (unknown.length > 0) {
        io.err(`plan: no Pulumi.<stack>.yaml for ${unknown.join(", ")}; shipped stacks: ${stacks.map((s) => s.stack).join(", ")}`);
        return 2;
    }

    const results = await runStacksInOrder(stacks);
    const planned = new Set(results.filter((r) => r.run).map((r) => fullyQualifiedStackName(r.stack.stack)));
    const selected = results.filter((r) => args.stacks.length === 0 || args.stacks.includes(r.stack.stack));
    const plans: StackPlan[] = [];
    for (const result of selected) {
        const { stack, role } = result.stack;
        if (result.unreadable) {
            plans.push({ stack, role, status: "not-read", unreadable: result.unreadable });
            continue;
        }
        if (!result.run) {
            const configError = result.error instanceof ConfigError;
            plans.push({ stack, role, status: configError ? "config-error" : "failed", error: result.error instanceof Error ? result.error.message : String(result.error) });
            continue;
        }
        const references = result.run.resources
            .filter((r) => r.type === "pulumi:pulumi:StackReference")
            .map((r) => ({ stack: r.name, resolved: planned.has(r.name) }));
        plans.push({
            stack,
            role,
            status: "planned",
            resources: describeResources(result.run),
            outputs: result.run.outputs,
            agentManagement: agentManagementOf(role, result.stack.config, result.run.outputs),
            references,
            policies: args.policies ? await evaluatePolicies(stack, result.run.resources, {}, { stackConfig: result.stack.config }) : undefined,
        });
    }

    // A stack the plan could not read is not a failure of that stack: the CLI reads it.
    const failed = plans.some((p) => p.status === "config-error" || p.status === "failed");
    const mandatoryViolations = plans.flatMap((p) => (p.policies ?? []).filter((v) => v.enforcementLevel === "mandatory"));
    if (args.json) {
        io.out(JSON.stringify({ deployed: false, note: NOTHING_DEPLOYED, stacks: plans }, null, 2));
    } else {
        for (const p of plans) printStack(p, io);
        io.out(NOTHING_DEPLOYED);
        const summary = plans.map((p) => `${p.stack}: ${p.status === "planned" ? `${p.resources?.length ?? 0} resources` : p.status === "not-read" ? "not read offline" : p.status}`).join(", ");
        io.out(`Plan: ${summary}; ${mandatoryViolations.length} mandatory policy violation(s).`);
    }
    return failed || mandatoryViolations.length > 0 ? 1 : 0;
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
        io.out(p.status === "config-error" ? "configuration error:" : "failed:");
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
