import { parseAuditConfig } from "./audit";
import { ConfigError, ConfigProblem } from "./errors";
import { configKey, RawConfig } from "./load";
import { parseManagementConfig } from "./management";
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
