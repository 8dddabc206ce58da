/**
 * Pack configuration as the Pulumi CLI turns a `--policy-pack-config` file into what it sends the
 * pack (`Configure`): every policy gets an entry, its level resolved and its properties filled in.
 * The in-process evaluator and the wire driver both use this, so neither invents its own rules.
 *
 * The CLI (pkg/resource/analyzer/config.go, ReconcilePolicyPackConfig) starts from each policy's
 * level and its schema's `default`s, applies `all` (a level only: `all`'s properties reach no
 * policy), then each policy's own entry (a level, or an object whose `enforcementLevel` is taken
 * out and whose other keys are the policy's properties). It then validates the properties against
 * each schema with a JSON Schema validator; the pack checks them again itself when a policy runs
 * (policy/lib/config.ts), and that is what the tools exercise, so nothing is validated here.
 */
import type { EnforcementLevel, PolicyConfigSchema, PolicyPackConfig } from "@pulumi/policy";

export type { PolicyPackConfig };

/** What the CLI knows about a policy from GetAnalyzerInfo: a pack policy or the wire's answer both fit. */
export interface PolicyInfo {
    name: string;
    enforcementLevel?: EnforcementLevel;
    configSchema?: PolicyConfigSchema;
}

export interface ResolvedPolicyConfig {
    enforcementLevel: EnforcementLevel;
    properties: Record<string, unknown>;
}

/** Per policy name, what `Configure` carries. */
export type ResolvedPackConfig = Record<string, ResolvedPolicyConfig>;

const LEVELS: ReadonlySet<string> = new Set<EnforcementLevel>(["advisory", "mandatory", "remediate", "disabled"]);

function level(policy: string, value: unknown): EnforcementLevel {
    if (typeof value !== "string")
        throw new Error(`parsing enforcement level for "${policy}": ${JSON.stringify(value)} is not a valid enforcement level; must be a string`);
    if (!LEVELS.has(value)) throw new Error(`parsing enforcement level for "${policy}": "${value}" is not a valid enforcement level`);
    return value as EnforcementLevel;
}

/** One entry of the file: its level, if it sets one, and its properties. */
function parseEntry(policy: string, entry: unknown): { enforcementLevel?: EnforcementLevel; properties: Record<string, unknown> } {
    if (typeof entry === "string") return { enforcementLevel: level(policy, entry), properties: {} };
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
        throw new Error(`parsing "${policy}": ${JSON.stringify(entry)} is not a valid value; must be a string or object`);
    const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
    return { enforcementLevel: enforcementLevel === undefined ? undefined : level(policy, enforcementLevel), properties };
}

/**
 * The configuration each policy runs with under `config` (the `--policy-pack-config` file's
 * content), as the CLI resolves it; `packLevel` is the PolicyPack's own enforcement level.
 * Throws, as the CLI does, on a level that is not one.
 */
export function resolvePackConfig(
    policies: readonly PolicyInfo[],
    config: PolicyPackConfig = {},
    packLevel: EnforcementLevel = "mandatory",
): ResolvedPackConfig {
    const entries = Object.entries(config).map(([policy, entry]) => [policy, parseEntry(policy, entry)] as const);
    const resolved: ResolvedPackConfig = {};
    for (const policy of policies) {
        const properties: Record<string, unknown> = {};
        for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
            if (schema.default !== undefined) properties[key] = schema.default;
        }
        resolved[policy.name] = { enforcementLevel: policy.enforcementLevel ?? packLevel, properties };
    }
    const all = entries.find(([policy]) => policy === "all")?.[1].enforcementLevel;
    if (all !== undefined) for (const entry of Object.values(resolved)) entry.enforcementLevel = all;
    for (const [policy, given] of entries) {
        // The CLI keeps entries for names that are no policy (`all` too); the pack never reads them.
        const entry = (resolved[policy] ??= { enforcementLevel: packLevel, properties: {} });
        if (given.enforcementLevel !== undefined) entry.enforcementLevel = given.enforcementLevel;
        Object.assign(entry.properties, given.properties);
    }
    return resolved;
}
