/**
 * Pulumi.yaml's `config:` declarations: what the Pulumi CLI does with them, and which keys of
 * this project can be declared at all.
 *
 * The CLI applies a project's declarations to every stack before the program runs
 * (sdk/go/common/workspace/config.go, project.go): a declared project key without a default is
 * required in every stack ("Stack '…' is missing configuration value '…'"), a default is set in
 * every stack that lacks the key, and a typed key's value is checked against its type (string,
 * integer, boolean, or array with `items`; there is no object type). Top-level scalar values
 * reach that check as text; structured ones as their JSON.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import type { z } from "zod";
import { auditShape } from "../../src/config/audit";
import { managementShape } from "../../src/config/management";
import { ownerShape } from "../../src/config/owner";
import { participantShape } from "../../src/config/participant";
import { commonShape, RETIRED, STRUCTURED } from "../../src/config/primitives";
import { ROLES, type Role } from "../../src/config/roles";
import type { StackFile } from "./stackConfig";

export type CliType = "string" | "integer" | "boolean" | "array";

export interface ItemsType {
    type: CliType;
    items?: ItemsType;
}

/** One entry of Pulumi.yaml's `config:`, after the CLI's shorthand rewrite. */
export interface ConfigDeclaration {
    type?: CliType;
    items?: ItemsType;
    description?: string;
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

export interface ProjectFile {
    name: string;
    config: Record<string, ConfigDeclaration>;
}

const TYPES: readonly string[] = ["string", "integer", "boolean", "array"];
const DECLARATION_FIELDS: readonly string[] = ["type", "items", "description", "default", "value", "secret"];

/** Whether Pulumi counts a `config:` key as the project's own (unqualified, or in the project's namespace). */
export function isProjectKey(projectName: string, key: string): boolean {
    return !key.includes(":") || key.startsWith(`${projectName}:`);
}

/** The key the program reads: `accountId` → `guardduty-shared-vpc:accountId`. */
export function qualifiedKey(projectName: string, key: string): string {
    return key.includes(":") ? key : `${projectName}:${key}`;
}

/** Reads Pulumi.yaml; a scalar or list value is the CLI's shorthand for a default (project keys) or a value (others). */
export function readProjectFile(projectDir: string): ProjectFile {
    const document = parse(readFileSync(path.join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown; config?: unknown };
    const name = typeof document.name === "string" ? document.name : "";
    const config: Record<string, ConfigDeclaration> = {};
    const raw = document.config !== null && typeof document.config === "object" ? (document.config as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(raw)) {
        const shorthand = value === null || typeof value !== "object" || Array.isArray(value);
        config[key] = shorthand ? (isProjectKey(name, key) ? { default: value } : { value }) : (value as ConfigDeclaration);
    }
    return { name, config };
}

/** Pulumi's test of a value against a declared type (`ValidateConfigValue`). */
export function valueHasType(type: string, items: ItemsType | undefined, value: unknown): boolean {
    switch (type) {
        case "string":
            return typeof value === "string";
        case "integer":
            // YAML numbers arrive as floats; whole ones count, and text that parses as an integer.
            if (typeof value === "number") return Number.isInteger(value);
            return typeof value === "string" && /^[+-]?\d+$/.test(value);
        case "boolean":
            return value === true || value === false || value === "true" || value === "false";
        default:
            return Array.isArray(value) && items !== undefined && value.every((item) => valueHasType(items.type, items.items, item));
    }
}

function typeName(type: string, items: ItemsType | undefined): string {
    return items ? `array<${typeName(items.type, items.items)}>` : type;
}

/** What the CLI refuses in Pulumi.yaml's `config:` (the project schema and `Project.Validate`). */
export function projectFileProblems(project: ProjectFile): string[] {
    const problems: string[] = [];
    for (const [key, declaration] of Object.entries(project.config)) {
        for (const field of Object.keys(declaration)) {
            if (!DECLARATION_FIELDS.includes(field)) problems.push(`config.${key}: '${field}' is not a field of a config declaration`);
        }
        if (declaration.default !== undefined && declaration.value !== undefined)
            problems.push(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
        if (isProjectKey(project.name, key)) {
            if (declaration.value === undefined && declaration.type === undefined) problems.push(`config.${key}: a declaration needs a type`);
            if (declaration.type !== undefined && !TYPES.includes(declaration.type)) problems.push(`config.${key}: type must be one of ${TYPES.join(", ")}`);
            if (declaration.type === "array" && declaration.items === undefined)
                problems.push(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
            if (
                declaration.type !== undefined &&
                declaration.default !== undefined &&
                !valueHasType(declaration.type, declaration.items, declaration.default)
            ) {
                problems.push(
                    `The default value specified for configuration key '${key}' is not of the expected type '${typeName(declaration.type, declaration.items)}'`,
                );
            }
        } else {
            if (declaration.type !== undefined) problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
            if (declaration.default !== undefined)
                problems.push(`Configuration key '${key}' is not namespaced by the project and should not define a default value`);
            if (declaration.value === undefined) problems.push(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
        }
    }
    return problems;
}

/**
 * What the CLI does to one stack's config before the program runs: the project's values and
 * defaults set where the stack lacks the key, then the errors it stops with (missing required
 * keys, values not of their declared type). Returns the config the program would receive.
 */
export function applyProjectConfig(
    stack: string,
    project: ProjectFile,
    file: Pick<StackFile, "config" | "structured">,
): { config: Record<string, string>; problems: string[] } {
    const config: Record<string, string> = { ...file.config };
    const missing: string[] = [];
    const problems: string[] = [];
    for (const key of Object.keys(project.config).sort()) {
        const declaration = project.config[key];
        const full = qualifiedKey(project.name, key);
        const given = config[full];
        const fallback = declaration.default ?? declaration.value;
        if (given === undefined) {
            if (fallback === undefined && isProjectKey(project.name, key)) missing.push(key);
            else if (fallback !== undefined) config[full] = typeof fallback === "object" ? JSON.stringify(fallback) : String(fallback);
            continue;
        }
        if (declaration.type !== undefined) {
            const content: unknown = file.structured.includes(full) ? JSON.parse(given) : given;
            if (!valueHasType(declaration.type, declaration.items, content)) {
                problems.push(`Stack '${stack}' with configuration key '${key}' must be of type '${typeName(declaration.type, declaration.items)}'`);
            }
        }
    }
    if (missing.length > 0)
        problems.unshift(`Stack '${stack}' is missing configuration value${missing.length === 1 ? "" : "s"} ${missing.map((key) => `'${key}'`).join(", ")}`);
    return { config, problems };
}

/** Every role's shape with the keys every stack reads. */
export const ROLE_SHAPES: Readonly<Record<Role, z.ZodRawShape>> = {
    management: { ...commonShape, ...managementShape },
    audit: { ...commonShape, ...auditShape },
    owner: { ...commonShape, ...ownerShape },
    participant: { ...commonShape, ...participantShape },
};

/** How a key of the validation schemas belongs in Pulumi.yaml: declared so, or why not at all. */
export type Declarability = { declare: { type: CliType; default?: unknown } } | { notDeclared: string };

/**
 * Which keys Pulumi.yaml can declare without making the CLI refuse, or the program receive,
 * what it should not, derived from the validation schemas: only keys of this project's
 * namespace that every role reads (a declaration applies to every stack), that are required or
 * have a default (a declaration is either), that are not retired, and whose value is a
 * scalar. The type accepts every scalar the program accepts: "boolean" for true/false keys,
 * else "string" (the CLI checks top-level values as text, so a number stored unquoted, an
 * account ID say, passes as well).
 */
export function declarability(): Record<string, Declarability> {
    const keys = [...new Set(ROLES.flatMap((role) => Object.keys(ROLE_SHAPES[role])))].sort();
    const result: Record<string, Declarability> = {};
    for (const key of keys) {
        const roles = ROLES.filter((role) => key in ROLE_SHAPES[role]);
        const schema = ROLE_SHAPES[roles[0]][key] as unknown as z.ZodType;
        const absent = schema.safeParse(undefined);
        if (key.includes(":")) {
            result[key] = { notDeclared: `in the ${key.split(":")[0]} namespace: Pulumi.yaml may give it a value for every stack, never a type` };
        } else if (schema.description === RETIRED) {
            result[key] = { notDeclared: "retired: the program refuses it with a message saying what replaced it" };
        } else if (roles.length < ROLES.length) {
            result[key] = {
                notDeclared: `read by the ${roles.join(" and ")} role${roles.length === 1 ? "" : "s"} only: declared, it would be required in every stack (no default) or set in every stack (a default), and the other roles refuse it as a key they do not have`,
            };
        } else if (absent.success && absent.data === undefined) {
            result[key] = {
                notDeclared: "optional without a default: declared, it would be required in every stack, or set to a value the program takes as given",
            };
        } else if (schema.description === STRUCTURED) {
            result[key] = { notDeclared: "structured: Pulumi's project config has no object type" };
        } else {
            const type: CliType = schema.safeParse("true").success && schema.safeParse("false").success ? "boolean" : "string";
            const fallback = absent.success ? (type === "string" && typeof absent.data === "number" ? String(absent.data) : absent.data) : undefined;
            result[key] = { declare: fallback === undefined ? { type } : { type, default: fallback } };
        }
    }
    return result;
}
