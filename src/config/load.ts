import { z } from "zod";
import { ConfigError, ConfigProblem } from "./errors";
import { commonShape, NS, RETIRED } from "./primitives";
import type { Role } from "./roles";

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
    const currentKeys = knownKeys.filter((k) => !k.includes(":") && (schema.shape[k] as unknown as z.ZodType).description !== RETIRED);
    const problems: ConfigProblem[] = [];

    for (const key of Object.keys(raw).sort()) {
        if (!key.startsWith(`${NS}:`)) continue;
        const name = key.slice(NS.length + 1);
        if (!knownKeys.includes(name)) {
            problems.push({
                key,
                value: raw[key],
                expected: `no such key for the ${role} role; its keys are ${currentKeys.join(", ")}`,
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
    if (result.success && crossCheck) problems.push(...crossCheck(result.data as never));
    if (problems.length > 0 || !result.success) throw new ConfigError(stack, problems);
    return result.data as z.infer<z.ZodObject<typeof commonShape & S>>;
}
