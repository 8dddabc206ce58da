import { z } from "zod";
import { PROJECT } from "guardduty-shared-vpc-contract/schemas";
import { unknownKeyExpected } from "./nearMiss";
import { KNOWN_REGIONS } from "./regions";

/** The project's config namespace, fixed by `name:` in Pulumi.yaml (the contract's PROJECT). */
export const NS = PROJECT;

// Each schema carries its own expectation text so an error can say what to write instead.

export const ACCOUNT_ID_EXPECTED = "a 12-digit AWS account ID such as 111122223333 (quote it in YAML so leading zeros survive)";

/**
 * Pulumi's CLI stores digits as a YAML number (`pulumi config set --path 'x[0]' 444444444444`),
 * and the engine hands numbers inside structured values to the program as JSON numbers, so an
 * account ID arrives as a string or a number. A number cannot keep leading zeros: an ID with
 * fewer than 12 digits is most likely one that lost them.
 */
export function accountIdText(value: unknown): { ok: true; id: string } | { ok: false; expected: string } {
    const digits = typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : typeof value === "string" ? value : undefined;
    if (digits !== undefined && /^\d{12}$/.test(digits)) return { ok: true, id: digits };
    if (digits !== undefined && /^\d{1,11}$/.test(digits)) {
        const padded = digits.padStart(12, "0");
        const source = typeof value === "number" ? "a YAML number" : "an unquoted YAML number";
        return {
            ok: false,
            expected: `a 12-digit AWS account ID, but ${digits} has ${digits.length}: written as ${source}, an account ID loses its leading zeros, so if the ID is ${padded}, quote it in YAML: "${padded}"`,
        };
    }
    return { ok: false, expected: ACCOUNT_ID_EXPECTED };
}

export const accountId = z.unknown().transform((value, ctx) => {
    const parsed = accountIdText(value);
    if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.expected, input: value });
        return z.NEVER;
    }
    return parsed.id;
});

export const region = z
    .string({ error: "an AWS region such as us-east-1 (set it with `pulumi config set aws:region <region>`)" })
    .refine((value) => KNOWN_REGIONS.includes(value), {
        error: `an AWS region the provider knows, one of: ${KNOWN_REGIONS.join(", ")}`,
    });

export const ROLE_ARN_EXPECTED = "an IAM role ARN such as arn:aws:iam::111122223333:role/pulumi-deploy";
export const roleArn = z
    .string({ error: ROLE_ARN_EXPECTED })
    .regex(/^arn:aws(?:-[a-z-]+)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, { error: ROLE_ARN_EXPECTED });

export const ORGANIZATION_ID_EXPECTED = "an AWS Organizations ID such as o-a1b2c3d4e5 (`aws organizations describe-organization`)";
export const organizationId = z.string({ error: ORGANIZATION_ID_EXPECTED }).regex(/^o-[a-z0-9]{10,32}$/, { error: ORGANIZATION_ID_EXPECTED });

/** Names become part of resource names and URNs, so they are kept DNS-label-like and stable. */
export const NAME_EXPECTED = "a name of lowercase letters, digits and dashes, starting with a letter or digit (at most 48 characters)";
/** `pulumi config set --path 'subnets[0].name' 7` stores a YAML number where text is meant. */
export function textFromCli<T extends z.ZodType>(schema: T) {
    return z.preprocess((value) => (typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? String(value) : value), schema);
}

export const resourceName = textFromCli(z.string({ error: NAME_EXPECTED }).regex(/^[a-z0-9][a-z0-9-]{0,47}$/, { error: NAME_EXPECTED }));

export const EMAIL_EXPECTED = "an email address such as secops@example.com";
export const email = z.email({ error: EMAIL_EXPECTED });

/** Pulumi stores every config value as a string; booleans arrive as "true"/"false". */
export function flag(defaultValue: boolean) {
    return z.preprocess(
        (value) => (value === undefined ? defaultValue : value === "true" ? true : value === "false" ? false : value),
        z.boolean({ error: "true or false" }),
    );
}

/** A number stored as a config string, e.g. `findingsSeverityThreshold: 7`. */
export function numberValue(defaultValue: number, expected: string) {
    return z.preprocess(
        (value) => (value === undefined ? defaultValue : typeof value === "string" && value.trim() !== "" ? Number(value) : value),
        z.number({ error: expected }).refine((n) => Number.isFinite(n), { error: expected }),
    );
}

/** One of a fixed set of words, with the default applied when the key is absent. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, defaultValue: T[number]) {
    const expected = `one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
    return z.preprocess((value) => (value === undefined ? defaultValue : value), z.enum(values, { error: expected }));
}

/** Marks a key whose value is structured (a list or an object), for what must tell such keys apart (Pulumi.yaml's declarations). */
export const STRUCTURED = "structured";

/**
 * Structured values (lists, objects) reach the program as JSON text, exactly as
 * `pulumi config set --path` stores them; this decodes them before validation.
 */
export function json<T extends z.ZodType>(schema: T, defaultValue?: unknown) {
    return z
        .preprocess((value) => {
            if (value === undefined) return defaultValue;
            if (typeof value !== "string") return value;
            try {
                return JSON.parse(value);
            } catch {
                return value;
            }
        }, schema)
        .describe(STRUCTURED);
}

/**
 * An object in a structured value (a subnet, an instance, …) whose unknown keys are refused,
 * each by its own path and with the known key it most likely misspells: a dropped `shared:
 * false` or `instance_type` would otherwise leave the default in place without a word.
 * `where` names the object in the message ("a subnet").
 */
export function closedObject<S extends z.ZodRawShape>(shape: S, where: string, error: string) {
    const known = Object.keys(shape);
    // Retired keys are known (refused with their own message) but never offered as suggestions.
    const current = known.filter((key) => (shape[key] as unknown as z.ZodType).description !== RETIRED);
    const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
    return z
        .looseObject(shape, { error })
        .check(
            z.superRefine(
                (value: Record<string, unknown>, ctx) => {
                    for (const key of Object.keys(value)) {
                        if (!known.includes(key))
                            ctx.addIssue({ code: "custom", path: [key], message: unknownKeyExpected(key, current, where), input: value[key] });
                    }
                },
                // Checked even when a known key is broken too, so one run reports every mistake.
                { when: (payload) => isPlainObject(payload.value) },
            ),
        )
        .transform((value) => Object.fromEntries(known.filter((key) => key in value).map((key) => [key, value[key]])) as z.output<z.ZodObject<S>>);
}
// The name becomes a `[profile <name>]` section header in ~/.aws/config, which cannot hold
// whitespace or brackets; an empty value would silently mean "the default profile".
export const PROFILE_EXPECTED = "an AWS CLI profile name such as workloads-a, without spaces or brackets (`aws configure list-profiles` lists them)";
export const profileName = z.string({ error: PROFILE_EXPECTED }).regex(/^[^\s[\]]+$/, { error: PROFILE_EXPECTED });

/** Config keys every stack reads, whatever its role. */
export const commonShape = {
    "aws:region": region,
    "aws:profile": profileName.optional(),
    accountId,
    assumeRoleArn: roleArn.optional(),
    role: z.string().optional(),
};

/** Marks a retired key: refused whenever it is set, with a message that says what replaced it. */
export const RETIRED = "retired";
export function retired(replacement: string) {
    return z
        .undefined({ error: `nothing: this key is retired; ${replacement}` })
        .optional()
        .describe(RETIRED);
}

export const STACK_NAME_EXPECTED =
    "a stack name: the short name of a stack of this project (e.g. owner), or <organization>/<project>/<stack> for a stack elsewhere";
/** A stack this one reads through a StackReference; short names resolve against the current organization and project. */
export const stackName = z
    .string({ error: STACK_NAME_EXPECTED })
    .regex(/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)?$/, { error: STACK_NAME_EXPECTED });
