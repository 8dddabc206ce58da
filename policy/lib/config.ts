import type { PolicyConfigSchema, ReportViolation, ResourceValidation, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { reportRefused } from "./report";

/** One property of a policy's `configSchema`: a JSON Schema, as @pulumi/policy types it. */
export type ConfigProperty = PolicyConfigSchema["properties"][string];

/**
 * The JSON Schema keywords the pack's schemas may use. The CLI validates the configuration with a
 * full JSON Schema validator; the pack checks again at run time with these (`default` is the
 * CLI's to fill in), so a schema using any other keyword would be enforced by one and not the
 * other. Add a keyword here together with its check.
 */
const SUPPORTED_KEYWORDS: ReadonlySet<string> = new Set(["type", "description", "pattern", "default"]);

/** A schema with no properties: the policy takes nothing but `enforcementLevel`, which the CLI and the SDK handle apart. */
export const NO_CONFIG: PolicyConfigSchema = { properties: {} };

/** JSON Schema's name for the type of a JSON value. */
function typeOf(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
}

const withArticle = (type: string) => `${/^[aeiou]/.test(type) ? "an" : "a"} ${type}`;

/** Throws when a property's schema uses a keyword the run-time check would ignore (a mistake in the pack, not in the configuration). */
function assertSupported(policy: string, key: string, schema: ConfigProperty): void {
    for (const keyword of Object.keys(schema)) {
        if (!SUPPORTED_KEYWORDS.has(keyword))
            throw new Error(
                `The configSchema of ${policy} uses "${keyword}" for "${key}", which the pack does not check at run time; use ${[...SUPPORTED_KEYWORDS].join(", ")}.`,
            );
    }
}

function valueProblems(key: string, value: unknown, schema: ConfigProperty): string[] {
    const expected = schema.description ? ` (expected ${schema.description})` : "";
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual = typeOf(value);
    if (types.length > 0 && !types.some((type) => type === actual || (type === "number" && actual === "integer"))) {
        return [`"${key}" is ${JSON.stringify(value)}, ${withArticle(actual)}, not ${types.map(withArticle).join(" or ")}${expected}`];
    }
    // JSON Schema's pattern is an unanchored ECMA-262 search, as RegExp#test is.
    if (schema.pattern !== undefined && typeof value === "string" && !new RegExp(schema.pattern, "u").test(value)) {
        return [`"${key}" is ${JSON.stringify(value)}, which does not match ${schema.pattern}${expected}`];
    }
    return [];
}

/**
 * What is wrong with `config` (a policy's properties, without `enforcementLevel`) under `schema`:
 * each problem names the key, the value and what was expected. Beyond the JSON Schema the CLI
 * applies (`properties` and `required`), a key the schema does not declare is a problem too:
 * the CLI lets it through, and a misspelt setting would otherwise do nothing at all.
 */
export function configProblems(policy: string, schema: PolicyConfigSchema, config: Record<string, unknown>): string[] {
    const declared = Object.keys(schema.properties);
    for (const key of declared) assertSupported(policy, key, schema.properties[key]);
    const problems: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        const property = schema.properties[key];
        if (property === undefined) {
            problems.push(
                `"${key}" is not a setting of ${policy}, which takes ${declared.length > 0 ? declared.map((k) => `"${k}"`).join(", ") + " and " : "nothing but "}"enforcementLevel"`,
            );
        } else {
            problems.push(...valueProblems(key, value, property));
        }
    }
    for (const key of schema.required ?? []) {
        if (!(key in config)) problems.push(`"${key}" is required`);
    }
    return problems;
}

/** A policy with its schema: how every policy of the pack is declared. */
type Configured<P> = P & { configSchema: PolicyConfigSchema };

function refuse(policy: string, problems: readonly string[], report: ReportViolation, urn?: string): void {
    reportRefused(
        report,
        `The pack configuration of ${policy} is refused, so the policy did not run: ${problems.join("; ")}. ` +
            "Correct it in the file given to --policy-pack-config (or in the policy group's configuration in Pulumi Cloud); `pulumi policy validate-config` checks a file against the published pack's schema.",
        urn,
    );
}

/**
 * The policy, refusing configuration its schema does not allow before it runs: the violation is
 * mandatory whatever level the policy runs at, since a setting that silently does not apply
 * (a misspelt key, an organization ID that is not one) weakens the pack without anyone noticing.
 * The CLI refuses most of it first; this also covers what it lets through (keys the schema does
 * not declare) and any client that configures the pack without the CLI.
 */
export function withCheckedConfig(policy: Configured<StackValidationPolicy>): Configured<StackValidationPolicy>;
export function withCheckedConfig(policy: Configured<ResourceValidationPolicy>): Configured<ResourceValidationPolicy>;
export function withCheckedConfig(
    policy: Configured<StackValidationPolicy | ResourceValidationPolicy>,
): Configured<StackValidationPolicy | ResourceValidationPolicy> {
    const { name, configSchema } = policy;
    if ("validateStack" in policy) {
        const validate = policy.validateStack;
        return {
            ...policy,
            validateStack: (args, report) => {
                const problems = configProblems(name, configSchema, args.getConfig<Record<string, unknown>>());
                if (problems.length > 0) return refuse(name, problems, report);
                return validate(args, report);
            },
        };
    }
    const checked = (validate: ResourceValidation): ResourceValidation => {
        const fn: ResourceValidation = (args, report) => {
            const problems = configProblems(name, configSchema, args.getConfig<Record<string, unknown>>());
            if (problems.length > 0) return refuse(name, problems, report, args.urn);
            return validate(args, report);
        };
        // Keeps the type token @pulumi/policy reads to skip resources of other types (see ofType).
        const token = (validate as { __pulumiType?: string }).__pulumiType;
        if (token !== undefined) (fn as { __pulumiType?: string }).__pulumiType = token;
        return fn;
    };
    const validations = policy.validateResource;
    return { ...policy, validateResource: Array.isArray(validations) ? validations.map(checked) : validations && checked(validations) };
}
