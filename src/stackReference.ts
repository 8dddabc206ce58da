import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ConfigError } from "./config/errors";
import { configKey } from "./config/load";

/**
 * `owner` → `<current organization>/<current project>/owner`; a fully qualified name stays as
 * written. Short names work the same on every backend: Pulumi Cloud's organization, or the DIY
 * backends' fixed `organization`.
 */
export function qualifiedStackName(name: string): string {
    return name.includes("/") ? name : `${pulumi.getOrganization()}/${pulumi.getProject()}/${name}`;
}

export interface StackOutputsRequest<S extends z.ZodObject> {
    /** The stack doing the reading, for the error message. */
    stack: string;
    /** The config key that names the referenced stack, e.g. `ownerStack`. */
    key: string;
    /** The referenced stack's name as configured (short or fully qualified). */
    referenced: string;
    /** What the referenced stack is, for messages: "owner", "audit". */
    role: string;
    schema: S;
    /** Outputs without which the reader cannot work; their absence means the stack was not deployed (or predates them). */
    required: readonly (keyof z.infer<S> & string)[];
}

/**
 * Reads another stack's outputs and checks them before anything else is registered: a missing
 * output means that stack has not been deployed (or was deployed by an older version), which
 * `requireOutput` would only report mid-deployment without saying what to do.
 */
export async function readStackOutputs<S extends z.ZodObject>(request: StackOutputsRequest<S>): Promise<z.infer<S>> {
    const key = configKey(request.key);
    const name = qualifiedStackName(request.referenced);
    const reference = new pulumi.StackReference(name);
    const values: Record<string, unknown> = {};
    try {
        for (const output of Object.keys(request.schema.shape)) {
            const details = await reference.getOutputDetails(output);
            values[output] = details.value ?? details.secretValue;
        }
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new ConfigError(request.stack, [{ key, value: request.referenced, expected: `the ${request.role} stack, readable on this backend as ${name} (reading it failed: ${reason})` }]);
    }
    const missing = request.required.filter((output) => values[output] === undefined);
    if (missing.length > 0) {
        throw new ConfigError(request.stack, [{
            key,
            value: request.referenced,
            expected: `the ${request.role} stack, deployed, but ${name} has no output ${missing.join(", ")}: run \`pulumi up\` on the ${request.role} stack first`,
        }]);
    }
    const parsed = request.schema.safeParse(values);
    if (!parsed.success) {
        throw new ConfigError(request.stack, parsed.error.issues.map((issue) => ({
            key,
            value: request.referenced,
            expected: `${request.role} outputs that follow the contract, but ${issue.path.join(".")} is malformed (${issue.message}); is ${name} really a ${request.role} stack of this project?`,
        })));
    }
    return parsed.data;
}
