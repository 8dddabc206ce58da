import { parseAuditConfig } from "./audit";
import { ConfigError, ConfigProblem } from "./errors";
import { configKey, RawConfig } from "./load";
import { parseManagementConfig } from "./management";
import { parseOwnerConfig } from "./owner";
import type { Role } from "./roles";

export interface StackConfigEntry {
    stack: string;
    role: Role;
    config: RawConfig;
}

/** A config that parses, or nothing: a stack whose own config is broken reports that itself. */
function parsedOrUndefined<T>(parse: () => T): T | undefined {
    try {
        return parse();
    } catch (err) {
        if (err instanceof ConfigError) return undefined;
        throw err;
    }
}

/**
 * Rules between stacks that no single stack can check, because nothing links them at deploy
 * time: the management stack delegates GuardDuty to an account in its region, and an audit
 * stack is only the administrator if it deploys into that account and region. Checked when
 * stacks are planned together; returns the problems per audit stack's name.
 */
export function auditDelegationProblems(stacks: readonly StackConfigEntry[]): Map<string, ConfigProblem[]> {
    const delegations = stacks
        .filter((entry) => entry.role === "management")
        .map((entry) => ({ stack: entry.stack, config: parsedOrUndefined(() => parseManagementConfig(entry.stack, entry.config)) }))
        .flatMap(({ stack, config }) => (config ? [{ stack, region: config["aws:region"], auditAccountId: config.auditAccountId }] : []));
    const problems = new Map<string, ConfigProblem[]>();
    if (delegations.length === 0) return problems;
    const describe = (list: typeof delegations) => list.map((d) => `${d.stack}: ${d.auditAccountId} in ${d.region}`).join(", ");

    for (const entry of stacks.filter((s) => s.role === "audit")) {
        const audit = parsedOrUndefined(() => parseAuditConfig(entry.stack, entry.config));
        if (!audit) continue;
        const inRegion = delegations.filter((d) => d.region === audit["aws:region"]);
        if (inRegion.length === 0) {
            problems.set(entry.stack, [{
                key: "aws:region",
                value: audit["aws:region"],
                expected: `a region a management stack delegates GuardDuty in (${describe(delegations)}): the delegated administrator is set per region, so in ${audit["aws:region"]} this account would administer nothing`,
            }]);
        } else if (!inRegion.some((d) => d.auditAccountId === audit.accountId)) {
            problems.set(entry.stack, [{
                key: configKey("accountId"),
                value: audit.accountId,
                expected: `the account the management stack delegates GuardDuty to in ${audit["aws:region"]} (${describe(inRegion)}): only the delegated administrator can manage the organization's detectors`,
            }]);
        }
    }
    return problems;
}

/**
 * The audit stack's coverage event bus admits only principals of its `organizationId`, so an
 * owner (and the participants that follow it) stating another organization would have every
 * forwarded coverage event refused by EventBridge, silently. Either file may hold the typo; the
 * problem is reported on the owner, which names both. Checked when stacks are planned together.
 */
export function organizationProblems(stacks: readonly StackConfigEntry[]): Map<string, ConfigProblem[]> {
    const audits = new Map(stacks
        .filter((entry) => entry.role === "audit")
        .flatMap((entry) => {
            const config = parsedOrUndefined(() => parseAuditConfig(entry.stack, entry.config));
            return config ? [[entry.stack, config.organizationId] as const] : [];
        }));
    const problems = new Map<string, ConfigProblem[]>();
    for (const entry of stacks.filter((s) => s.role === "owner")) {
        const owner = parsedOrUndefined(() => parseOwnerConfig(entry.stack, entry.config));
        if (!owner) continue;
        // `audit` or `<org>/<project>/audit`: the plan runs one project, so the last part names the stack.
        const auditStack = owner.auditStack.split("/").pop()!;
        const auditOrganization = audits.get(auditStack);
        if (auditOrganization === undefined || auditOrganization === owner.organizationId) continue;
        problems.set(entry.stack, [{
            key: configKey("organizationId"),
            value: owner.organizationId,
            expected: `${auditOrganization}, the organizationId of audit stack ${auditStack}: its coverage event bus admits only that organization's principals, so this account's and its participants' coverage events would be refused (correct whichever of the two files is wrong)`,
        }]);
    }
    return problems;
}

/** Every rule between stacks planned together, per stack. */
export function betweenStackProblems(stacks: readonly StackConfigEntry[]): Map<string, ConfigProblem[]> {
    const merged = new Map<string, ConfigProblem[]>();
    for (const found of [auditDelegationProblems(stacks), organizationProblems(stacks)]) {
        for (const [stack, problems] of found) merged.set(stack, [...(merged.get(stack) ?? []), ...problems]);
    }
    return merged;
}
