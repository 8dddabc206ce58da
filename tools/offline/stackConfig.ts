import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import type { RawConfig } from "../../src/config/load";

export class StackConfigFileError extends Error {}

/**
 * Reads `Pulumi.<stack>.yaml` into the form the engine hands a program: fully qualified keys,
 * scalar values as strings, structured values as JSON text (what `pulumi config set --path`
 * produces and `pulumi.Config#getObject` parses).
 */
export function readStackConfigFile(projectDir: string, project: string, stack: string): RawConfig {
    const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
    let document: unknown;
    try {
        document = parse(readFileSync(file, "utf8"));
    } catch (err) {
        throw new StackConfigFileError(`cannot read ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
    const config = (document as { config?: unknown } | null)?.config ?? {};
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new StackConfigFileError(`${file}: "config" must be a map of keys to values`);
    }
    const raw: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        const fullKey = key.includes(":") ? key : `${project}:${key}`;
        if (value !== null && typeof value === "object" && "secure" in value) {
            throw new StackConfigFileError(`${file}: ${fullKey} is a secret; secrets cannot be decrypted offline, so the offline plan cannot run this stack`);
        }
        raw[fullKey] = typeof value === "string" ? value : typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
    }
    return raw;
}
