import { readFileSync } from "node:fs";
import * as path from "node:path";
import { isScalar, parseDocument, visit } from "yaml";
import type { RawConfig } from "../../src/config/load";

export class StackConfigFileError extends Error {}

/** One stack file as the offline plan can read it. */
export interface StackFile {
    config: RawConfig;
    /**
     * What only the Pulumi CLI can resolve, so the plan cannot run this stack faithfully:
     * secrets (`secure:` values, at any depth) and ESC environments (`environment:`), whose
     * values may supply or override any key.
     */
    unreadable: string[];
    /** Keys whose value is structured (a list or a map), held in `config` as JSON text; the others are scalars as text. */
    structured: string[];
}

/** Pulumi's own test for an encrypted value: a map whose only key is `secure`, holding a string. */
function isSecret(value: unknown): boolean {
    return (
        value !== null &&
        typeof value === "object" &&
        !Array.isArray(value) &&
        Object.keys(value).length === 1 &&
        typeof (value as Record<string, unknown>).secure === "string"
    );
}

function secretPaths(value: unknown, at: string): string[] {
    if (isSecret(value)) return [at];
    if (Array.isArray(value)) return value.flatMap((item, index) => secretPaths(item, `${at}[${index}]`));
    if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => secretPaths(item, `${at}.${key}`));
    return [];
}

/** The names an `environment:` entry imports, in either of the forms Pulumi accepts (a list, or `imports:`). */
function environmentNames(environment: unknown): string[] {
    const list = Array.isArray(environment)
        ? environment
        : environment !== null && typeof environment === "object"
          ? (environment as { imports?: unknown }).imports
          : undefined;
    return Array.isArray(list) ? list.map((entry) => (typeof entry === "string" ? entry : JSON.stringify(entry))) : [];
}

/**
 * Parses YAML as the Pulumi CLI's YAML reader (go-yaml) does where it matters for config: a
 * plain scalar with a leading zero is an octal number when its digits allow it (`0123` is 83),
 * otherwise a decimal one, so an unquoted account ID that starts with 0 reaches the program
 * with the same digits as under the engine.
 */
function parseLikeTheCli(text: string): unknown {
    const document = parseDocument(text);
    if (document.errors.length > 0) throw document.errors[0];
    visit(document, {
        Scalar(_key, node) {
            if (!isScalar(node) || node.type !== "PLAIN" || typeof node.value !== "number" || typeof node.source !== "string") return;
            const octal = /^([-+]?)0([0-7_]+)$/.exec(node.source);
            if (octal) node.value = (octal[1] === "-" ? -1 : 1) * Number.parseInt(octal[2].replace(/_/g, ""), 8);
        },
    });
    return document.toJS();
}

/**
 * Reads `Pulumi.<stack>.yaml` into the form the engine hands a program: fully qualified keys,
 * scalar values as strings (a number as its decimal text, as the engine marshals it),
 * structured values as JSON text with numbers left as JSON numbers (what `pulumi config set
 * --path` produces and `pulumi.Config#getObject` parses). Throws only when the file cannot be
 * parsed at all; what the CLI alone can resolve is listed in `unreadable`.
 */
export function readStackFile(projectDir: string, project: string, stack: string): StackFile {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    let document: unknown;
    try {
        document = parseLikeTheCli(readFileSync(file, "utf8"));
    } catch (err) {
        throw new StackConfigFileError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const top = (document ?? {}) as { config?: unknown; environment?: unknown };
    const config = top.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackConfigFileError(`${file}: "config" must be a map of keys to values`);
    }
    const unreadable: string[] = [];
    if (top.environment !== undefined) {
        const names = environmentNames(top.environment);
        unreadable.push(
            `it imports the ESC environment${names.length === 1 ? "" : "s"} ${names.join(", ") || "(unnamed)"}, whose values only the Pulumi CLI can resolve`,
        );
    }
    const raw: Record<string, string> = {};
    const structured: string[] = [];
    for (const [key, value] of Object.entries(config)) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        const secrets = secretPaths(value, fullKey);
        if (secrets.length > 0) {
            unreadable.push(`${secrets.join(", ")} ${secrets.length === 1 ? "is a secret" : "are secrets"}, which only the Pulumi CLI can decrypt`);
            continue;
        }
        const isStructured = typeof value === "object" && value !== null;
        if (isStructured) structured.push(fullKey);
        raw[fullKey] = typeof value === "string" ? value : isStructured ? JSON.stringify(value) : String(value);
    }
    return { config: raw, unreadable, structured };
}

/** The config of a stack file the offline runner can read completely; anything else is an error. */
export function readStackConfigFile(projectDir: string, project: string, stack: string): RawConfig {
    const { config, unreadable } = readStackFile(projectDir, project, stack);
    if (unreadable.length > 0) throw new StackConfigFileError(`Pulumi.${stack}.yaml cannot be read offline: ${unreadable.join("; ")}`);
    return config;
}
