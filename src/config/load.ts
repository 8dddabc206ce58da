import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import { isNearMiss, nearestKnown } from "./nearMiss";
import { commonShape, NS, RETIRED } from "./primitives";
import { partitionOf } from "./regions";
import type { Role } from "./roles";
import { MOVE_STACK_REMEDY, runtimeMonitoringRegionProblem } from "./runtimeMonitoring";

/** A stack's configuration as the engine hands it to the program: fully qualified key → string. */
export type RawConfig = Readonly<Record<string, string>>;

type PathSegment = PropertyKey;

/** `subnets`, 1, `cidr` → `guardduty-shared-vpc:subnets[1].cidr`; keys with a namespace stay as they are. */
export function configKey(...path: readonly PathSegment[]): string {
    const [head, ...rest] = path.map((segment) => (typeof segment === "symbol" ? segment.toString() : segment));
    let key = String(head).includes(":") ? String(head) : `${NS}:${String(head)}`;
    for (const segment of rest) key += typeof segment === "number" ? `[${segment}]` : `.${segment}`;
    return key;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
    let current = root;
    for (const segment of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<PropertyKey, unknown>)[segment];
    }
    return current;
}

/** Structured values arrive as JSON text; decode them so a problem shows the element, not the whole text. */
function decoded(raw: RawConfig, key: string): unknown {
    const text = raw[key];
    if (text === undefined) return undefined;
    try {
        const value = JSON.parse(text);
        return typeof value === "object" && value !== null ? value : text;
    } catch {
        return text;
    }
}

export type CommonConfig = z.infer<z.ZodObject<typeof commonShape>>;

const ROLE_ARN_PARTS = /^arn:([a-z-]+):iam::(\d{12}):role\//;

/**
 * The provider is pinned to `accountId` and assumes `assumeRoleArn`: a role in another account
 * or partition would make every `pulumi up` fail at the provider, after the preview passed.
 */
function commonCrossCheck(config: CommonConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const arn = config.assumeRoleArn === undefined ? undefined : ROLE_ARN_PARTS.exec(config.assumeRoleArn);
    if (arn) {
        const [, partition, account] = arn;
        const region = config["aws:region"];
        if (account !== config.accountId) {
            problems.push({
                key: configKey("assumeRoleArn"),
                value: config.assumeRoleArn,
                expected: `a role in account ${config.accountId}, the stack's accountId (the provider only runs in that account), e.g. arn:${partitionOf(region)}:iam::${config.accountId}:role/pulumi-deploy`,
            });
        }
        if (partition !== partitionOf(region)) {
            problems.push({
                key: configKey("assumeRoleArn"),
                value: config.assumeRoleArn,
                expected: `an ARN in partition ${partitionOf(region)}, the partition of ${region} (arn:${partitionOf(region)}:iam::…)`,
            });
        }
    }
    return problems;
}

/**
 * Validates one stack's configuration for its role: every key's shape, unknown keys in the
 * project namespace (usually a typo that would silently fall back to a default), then the
 * role's cross-key rules. Collects every problem and throws one ConfigError naming them all,
 * so a user fixes the file in one pass and no resource is registered from a bad config.
 */
export function parseStackConfig<S extends z.ZodRawShape>(
    stack: string,
    role: Role,
    raw: RawConfig,
    shape: S,
    crossCheck?: (config: z.infer<z.ZodObject<typeof commonShape & S>>) => ConfigProblem[],
): z.infer<z.ZodObject<typeof commonShape & S>> {
    const schema = z.object({ ...commonShape, ...shape });
    const knownKeys = Object.keys(schema.shape);
    const problems: ConfigProblem[] = [];

    // Retired keys stay in the schema (to refuse them with their own message) but are never suggested.
    const projectKeys = knownKeys.filter((k) => !k.includes(":") && (schema.shape[k] as unknown as z.ZodType).description !== RETIRED);
    for (const key of Object.keys(raw).sort()) {
        const separator = key.indexOf(":");
        const namespace = key.slice(0, separator);
        const name = key.slice(separator + 1);
        if (namespace !== NS) {
            // Another provider's or tool's namespace is not ours to judge, but a near miss of ours
            // is a typo that would leave every key in it unread.
            if (separator > 0 && isNearMiss(namespace, NS)) {
                problems.push({
                    key,
                    value: raw[key],
                    expected: `a key in the ${NS} namespace: "${namespace}" looks like a misspelling of it (write ${NS}:${nearestKnown(name, projectKeys) ?? name})`,
                });
            }
            continue;
        }
        if (!knownKeys.includes(name)) {
            const suggestion = nearestKnown(name, projectKeys);
            problems.push({
                key,
                value: raw[key],
                expected: `no such key for the ${role} role${suggestion === undefined ? "" : `; did you mean ${NS}:${suggestion}?`} (its keys are ${projectKeys.join(", ")})`,
            });
        }
    }

    const input: Record<string, unknown> = {};
    for (const name of knownKeys) {
        const value = raw[name.includes(":") ? name : `${NS}:${name}`];
        if (value !== undefined) input[name] = value;
    }
    const result = schema.safeParse(input);
    if (!result.success) {
        for (const issue of result.error.issues) {
            const [head, ...rest] = issue.path;
            const fullKey = configKey(...issue.path);
            const headKey = configKey(head as PathSegment);
            const value = rest.length === 0 ? input[String(head)] : valueAt(decoded(raw, headKey), rest);
            problems.push({ key: fullKey, value, expected: issue.message });
        }
    }
    // The keys every stack shares are checked together even when a role's key is broken.
    const common = z.object(commonShape).safeParse(input);
    if (common.success) problems.push(...commonCrossCheck(common.data));
    // A role that needs Runtime Monitoring in a region without it (China) would fail mid-deploy,
    // on its first GuardDuty feature, endpoint or agent: refused whenever the region itself reads.
    const region = commonShape["aws:region"].safeParse(input["aws:region"]);
    const unavailable = region.success ? runtimeMonitoringRegionProblem(role, region.data, MOVE_STACK_REMEDY) : undefined;
    if (unavailable) problems.push({ key: "aws:region", value: region.data, expected: unavailable });
    if (result.success && crossCheck) problems.push(...crossCheck(result.data as never));
    if (problems.length > 0 || !result.success) throw new ConfigError(stack, problems);
    return result.data as z.infer<z.ZodObject<typeof commonShape & S>>;
}
