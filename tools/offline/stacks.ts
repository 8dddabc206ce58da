import { readdirSync } from "fs";
import { ConfigError } from "../../src/config/errors";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import { resolveRole, Role, ROLES } from "../../src/config/roles";
import { runProgram } from "../../stacks";
import { CapturedResource, OfflineStackRun, runStackOffline } from "./runStack";
import { readStackConfigFile } from "./stackConfig";

export const PROJECT = NS;
/** The organization name the DIY backends (`pulumi login --local`, S3) use in stack references. */
export const DIY_ORGANIZATION = "organization";

export function fullyQualifiedStackName(stack: string, organization = DIY_ORGANIZATION, project = PROJECT): string {
    return `${organization}/${project}/${stack}`;
}

export interface ShippedStack {
    stack: string;
    role: Role;
    config: RawConfig;
}

/** Deployment order: management delegates GuardDuty to audit, owner shares before participants read it. */
const ROLE_ORDER: Readonly<Record<Role, number>> = Object.fromEntries(ROLES.map((role, index) => [role, index])) as Record<Role, number>;

/** Every `Pulumi.<stack>.yaml` beside Pulumi.yaml, with its role, in the order they deploy. */
export function discoverStacks(projectDir: string): ShippedStack[] {
    const stacks = readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined);
    return stacks
        .map((stack) => {
            const config = readStackConfigFile(projectDir, PROJECT, stack);
            const resolved = resolveRole(stack, config[`${NS}:role`]);
            if ("problem" in resolved) throw new ConfigError(stack, [{ key: `${NS}:role`, value: resolved.value, expected: resolved.problem }]);
            return { stack, role: resolved.role, config };
        })
        .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.stack.localeCompare(b.stack));
}

/**
 * Runs this project's program for one stack offline, with `published` (stack outputs by fully
 * qualified name) serving its stack references, as the shared backend would.
 */
export function runProjectStack(
    stack: string,
    config: RawConfig,
    published: ReadonlyMap<string, Record<string, unknown>> = new Map(),
    options: { preview?: boolean; onRegistered?: (resource: CapturedResource) => void; onStackReference?: (fullyQualifiedName: string) => void } = {},
): Promise<OfflineStackRun> {
    return runStackOffline({
        project: PROJECT,
        stack,
        config,
        program: runProgram,
        stackOutputs: (name) => {
            options.onStackReference?.(name);
            return published.get(name);
        },
        preview: options.preview,
        organization: DIY_ORGANIZATION,
        onRegistered: options.onRegistered,
    });
}

export interface StackRunResult {
    stack: ShippedStack;
    run?: OfflineStackRun;
    error?: unknown;
    /** Fully qualified names of the stacks its program read, whether or not they existed. */
    reads: string[];
}

/**
 * Runs the given stacks in order under the mock runtime, serving each one's outputs to the
 * stack references of those after it, as a shared backend would after each `pulumi up`.
 */
export async function runStacksInOrder(stacks: readonly ShippedStack[], options: { preview?: boolean; known?: Record<string, Record<string, unknown>> } = {}): Promise<StackRunResult[]> {
    const published = new Map<string, Record<string, unknown>>(Object.entries(options.known ?? {}));
    const results: StackRunResult[] = [];
    for (const stack of stacks) {
        const reads: string[] = [];
        try {
            const run = await runProjectStack(stack.stack, stack.config, published, { preview: options.preview, onStackReference: (name) => reads.push(name) });
            published.set(fullyQualifiedStackName(stack.stack), run.outputs);
            results.push({ stack, run, reads });
        } catch (error) {
            results.push({ stack, error, reads });
        }
    }
    return results;
}
