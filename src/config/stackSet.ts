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
 * time: the management stack delegates GuardDuty to an account in each of its regions, and an
 * audit stack is only the administrator where it deploys into that account and region. Checked
 * for every region an audit stack governs (`regions`, by default its own) when stacks are
 * planned together; returns the problems per audit stack's name.
 */
export function auditDelegationProblems(stacks: readonly StackConfigEntry[]): Map<string, ConfigProblem[]> {
    const delegations = stacks
        .filter((entry) => entry.role === "management")
        .map((entry) => ({ stack: entry.stack, config: parsedOrUndefined(() => parseManagementConfig(entry.stack, entry.config)) }))
        .flatMap(({ stack, config }) => (config ? config.regions.map((region) => ({ stack, region, auditAccountId: config.auditAccountId })) : []));
    const problems = new Map<string, ConfigProblem[]>();
    if (delegations.length === 0) return problems;
    const describe = (list: typeof delegations) => list.map((d) => `${d.stack}: ${d.auditAccountId} in ${d.region}`).join(", ");

    for (const entry of stacks.filter((s) => s.role === "audit")) {
        const audit = parsedOrUndefined(() => parseAuditConfig(entry.stack, entry.config));
        if (!audit) continue;
        const found: ConfigProblem[] = [];
        for (const region of audit.regions) {
            const home = region === audit["aws:region"];
            const inRegion = delegations.filter((d) => d.region === region);
            if (inRegion.length === 0) {
                found.push({
                    key: home ? "aws:region" : configKey("regions"),
                    value: home ? region : audit.regions,
                    expected: `${home ? "a region" : `only regions`} a management stack delegates GuardDuty in (${describe(delegations)}): the delegated administrator is set per region, so in ${region} this account would administer nothing`,
                });
            } else if (!inRegion.some((d) => d.auditAccountId === audit.accountId)) {
                found.push({
                    key: configKey("accountId"),
                    value: audit.accountId,
                    expected: `the account the management stack delegates GuardDuty to in ${region} (${describe(inRegion)}): only the delegated administrator can manage the organization's detectors`,
                });
            }
        }
        if (found.length > 0) problems.set(entry.stack, found);
    }
    return problems;
}

/**
 * Two stacks of one role governing the same region would both own one thing AWS has once per
 * region: two management stacks the delegated administrator, two audit stacks in one account the
 * detector. Each would plan it as its own, and destroying either (or dropping the region from its
 * `regions`) removes it under the other; typically an old per-region stack (`audit-eu`) left in
 * place after its region was added to the first stack's `regions`. The later stack, in plan order,
 * is refused.
 */
export function regionOverlapProblems(stacks: readonly StackConfigEntry[]): Map<string, ConfigProblem[]> {
    const problems = new Map<string, ConfigProblem[]>();
    const owners = new Map<string, string>();
    for (const entry of stacks) {
        const config =
            entry.role === "management"
                ? parsedOrUndefined(() => ({ ...parseManagementConfig(entry.stack, entry.config), scope: "management" }))
                : entry.role === "audit"
                  ? parsedOrUndefined(() => {
                        const audit = parseAuditConfig(entry.stack, entry.config);
                        return { ...audit, scope: `audit:${audit.accountId}` };
                    })
                  : undefined;
        if (!config) continue;
        for (const region of config.regions) {
            const owner = owners.get(`${config.scope}/${region}`);
            if (owner === undefined) {
                owners.set(`${config.scope}/${region}`, entry.stack);
                continue;
            }
            const what = entry.role === "management" ? "GuardDuty's delegated administrator" : `the detector of account ${config.accountId}`;
            const home = region === config["aws:region"];
            problems.set(entry.stack, [
                ...(problems.get(entry.stack) ?? []),
                {
                    key: home ? "aws:region" : configKey("regions"),
                    value: home ? region : config.regions,
                    expected: `a region no other ${entry.role} stack governs: stack ${owner} already manages ${what} in ${region}, and two stacks managing it would each remove it on destroy. Govern ${region} from one stack: remove it here, or move it out of ${owner} first (docs/management-audit.md, "Moving a region into regions")`,
                },
            ]);
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
    const audits = new Map(
        stacks
            .filter((entry) => entry.role === "audit")
            .flatMap((entry) => {
                const config = parsedOrUndefined(() => parseAuditConfig(entry.stack, entry.config));
                return config ? [[entry.stack, config.organizationId] as const] : [];
            }),
    );
    const problems = new Map<string, ConfigProblem[]>();
    for (const entry of stacks.filter((s) => s.role === "owner")) {
        const owner = parsedOrUndefined(() => parseOwnerConfig(entry.stack, entry.config));
        if (!owner) continue;
        // `audit` or `<org>/<project>/audit`: the plan runs one project, so the last part names the stack.
        const auditStack = owner.auditStack.split("/").pop()!;
        const auditOrganization = audits.get(auditStack);
        if (auditOrganization === undefined || auditOrganization === owner.organizationId) continue;
        problems.set(entry.stack, [
            {
                key: configKey("organizationId"),
                value: owner.organizationId,
                expected: `${auditOrganization}, the organizationId of audit stack ${auditStack}: its coverage event bus admits only that organization's principals, so this account's and its participants' coverage events would be refused (correct whichever of the two files is wrong)`,
            },
        ]);
    }
    return problems;
}

/** Every rule between stacks planned together, per stack. */
export function betweenStackProblems(stacks: readonly StackConfigEntry[]): Map<string, ConfigProblem[]> {
    const merged = new Map<string, ConfigProblem[]>();
    for (const found of [auditDelegationProblems(stacks), regionOverlapProblems(stacks), organizationProblems(stacks)]) {
        for (const [stack, problems] of found) merged.set(stack, [...(merged.get(stack) ?? []), ...problems]);
    }
    return merged;
}
