import { readdirSync } from "node:fs";
import { ConfigError } from "../../src/config/errors";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import { resolveRole, Role, ROLES } from "../../src/config/roles";
import { betweenStackProblems } from "../../src/config/stackSet";
import { runProgram } from "../../stacks";
import type { FakeCloudOptions } from "./fakeCloud";
import { CapturedResource, OfflineStackRun, runStackOffline } from "./runStack";
import { readStackFile, StackConfigFileError, StackFile } from "./stackConfig";
import { DIY_ORGANIZATION } from "guardduty-shared-vpc-contract/vocabulary";

export const PROJECT = NS;
export { DIY_ORGANIZATION };

export function fullyQualifiedStackName(stack: string, organization = DIY_ORGANIZATION, project = PROJECT): string {
    return `${organization}/${project}/${stack}`;
}

/**
 * The name under which a planned stack is published, for a stack reference's name: a stack of
 * this project under any organization is the one planned here (the set is one organization's,
 * whether the files name it, e.g. `acme/guardduty-shared-vpc/owner` on Pulumi Cloud, or not).
 */
export function plannedName(referenced: string): string {
    const parts = referenced.split("/");
    return parts.length === 3 && parts[1] === PROJECT ? fullyQualifiedStackName(parts[2]) : referenced;
}

export interface ShippedStack {
    stack: string;
    role: Role;
    config: RawConfig;
    /** Why the offline plan cannot run this stack (secrets, ESC environments, a file it cannot parse); absent when it can. */
    unreadable?: string[];
}

/** Deployment order: management delegates GuardDuty to audit, owner shares before participants read it. */
const ROLE_ORDER: Readonly<Record<Role, number>> = Object.fromEntries(ROLES.map((role, index) => [role, index])) as Record<Role, number>;

/**
 * Every `Pulumi.<stack>.yaml` beside Pulumi.yaml, with its role, in the order they deploy. A
 * file the plan cannot read (or read completely) is listed with the reason, never dropped and
 * never in the way of the others.
 */
export function discoverStacks(projectDir: string): ShippedStack[] {
    const stacks = readdirSync(projectDir)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined);
    return stacks
        .map((stack) => {
            let file: StackFile;
            try {
                file = readStackFile(projectDir, PROJECT, stack);
            } catch (err) {
                if (!(err instanceof StackConfigFileError)) throw err;
                file = { config: {}, unreadable: [err.message], structured: [] };
            }
            const resolved = resolveRole(stack, file.config[`${NS}:role`]);
            if ("problem" in resolved) throw new ConfigError(stack, [{ key: `${NS}:role`, value: resolved.value, expected: resolved.problem }]);
            return { stack, role: resolved.role, config: file.config, ...(file.unreadable.length > 0 ? { unreadable: file.unreadable } : {}) };
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
    published: Pick<ReadonlyMap<string, Record<string, unknown>>, "get"> = new Map(),
    options: {
        preview?: boolean;
        onRegistered?: (resource: CapturedResource) => void;
        onStackReference?: (fullyQualifiedName: string) => void;
        cloud?: FakeCloudOptions;
    } = {},
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
        cloud: options.cloud,
    });
}

export interface StackRunResult {
    stack: ShippedStack;
    run?: OfflineStackRun;
    error?: unknown;
    /** Why the stack was not planned: its own file could not be read, or it reads a stack whose file could not. */
    unreadable?: string[];
    /** Fully qualified names of the stacks its program read, whether or not they existed. */
    reads: string[];
}

/**
 * Runs the given stacks in order under the mock runtime, serving each one's outputs to the
 * stack references of those after it, as a shared backend would after each `pulumi up`.
 * Before that, the rules between stacks (the audit stack is the account and region the
 * management stack delegates to; an owner names its audit stack's organization) are checked. A stack the plan cannot read is reported and
 * skipped, and so is a stack that reads it; the others are planned as usual.
 */
export async function runStacksInOrder(
    stacks: readonly ShippedStack[],
    options: { preview?: boolean; known?: Record<string, Record<string, unknown>> } = {},
): Promise<StackRunResult[]> {
    const published = new Map<string, Record<string, unknown>>(Object.entries(options.known ?? {}));
    const notRead = new Map<string, string>();
    const betweenStacks = betweenStackProblems(stacks.filter((stack) => stack.unreadable === undefined));
    const results: StackRunResult[] = [];
    for (const stack of stacks) {
        if (stack.unreadable) {
            notRead.set(fullyQualifiedStackName(stack.stack), stack.stack);
            results.push({ stack, unreadable: stack.unreadable, reads: [] });
            continue;
        }
        const problems = betweenStacks.get(stack.stack);
        if (problems) {
            results.push({ stack, error: new ConfigError(stack.stack, problems), reads: [] });
            continue;
        }
        const blockedBy: string[] = [];
        const reads: string[] = [];
        const references = {
            get(referenced: string) {
                const name = plannedName(referenced);
                const unreadable = notRead.get(name);
                if (unreadable === undefined) return published.get(name);
                blockedBy.push(name);
                throw new Error(`${name} was not planned: the offline plan could not read Pulumi.${unreadable}.yaml`);
            },
        };
        try {
            const run = await runProjectStack(stack.stack, stack.config, references, {
                preview: options.preview,
                onStackReference: (name) => reads.push(name),
            });
            published.set(fullyQualifiedStackName(stack.stack), run.outputs);
            results.push({ stack, run, reads });
        } catch (error) {
            if (blockedBy.length > 0) {
                // Whatever reads this stack is blocked by the same unreadable file, transitively.
                notRead.set(fullyQualifiedStackName(stack.stack), notRead.get(blockedBy[0])!);
                results.push({
                    stack,
                    unreadable: blockedBy.map((name) => `it reads ${name}, which the offline plan could not read (see stack ${notRead.get(name)})`),
                    reads,
                });
            } else {
                results.push({ stack, error, reads });
            }
        }
    }
    return results;
}
