import * as pulumi from "@pulumi/pulumi";
import * as contract from "guardduty-shared-vpc-contract";
import type { z } from "zod";
import { ConfigError, ConfigProblem } from "./config/errors";
import { configKey } from "./config/load";

/**
 * `owner` → `<current organization>/<current project>/owner`; a fully qualified name stays as
 * written. The program's own references are to stacks of its own project, whatever it is named.
 */
export function qualifiedStackName(name: string): string {
    return contract.qualifiedStackName(name, { project: pulumi.getProject() });
}

export interface StackOutputsRequest<R extends contract.Role, S extends z.ZodObject> {
    /** The stack doing the reading, for the error message. */
    stack: string;
    /** The config key that names the referenced stack, e.g. `ownerStack`. */
    key: string;
    /** The referenced stack's name as configured (short or fully qualified). */
    referenced: string;
    /** The role the referenced stack must publish. */
    role: R;
    /** The outputs to read; the role's full schema by default. */
    schema?: S;
}

/** What the key must hold instead, phrased for a ConfigProblem, for each way a referenced stack can be unusable. */
function expectations(error: contract.StackContractError): string[] {
    const { stack: name, role, problem } = error;
    switch (problem.kind) {
        case "unreadable":
            return [`the ${role} stack, readable on this backend as ${name} (reading it failed: ${problem.reason})`];
        case "missing-outputs":
            return [`the ${role} stack, deployed, but ${name} has no output ${problem.outputs.join(", ")}: run \`pulumi up\` on the ${role} stack first`];
        case "wrong-role":
            return [`the ${role} stack, but ${name} is the ${problem.actual} stack (its output role is "${problem.actual}"); name the ${role} stack here`];
        case "unsupported-version":
            return [
                `the ${role} stack, on contract ${contract.SUPPORTED_MAJOR_VERSIONS.map((major) => `${major}.x`).join(" or ")}, but ${name} publishes contractVersion ${problem.version}: ${contract.unsupportedVersionRemedy(role, problem.version)}`,
            ];
        case "malformed":
            return problem.issues.map(
                (issue) =>
                    `${role} outputs that follow the contract, but ${issue.output} is malformed (${issue.message}); is ${name} really a ${role} stack of this project?`,
            );
    }
}

/**
 * Reads another stack of this project through the contract package's reader, before anything
 * else is registered, and turns what it refuses into a ConfigError naming the config key that
 * points at the stack: `requireOutput` would report a missing output only mid-deployment.
 */
export async function readStackOutputs<R extends contract.Role, S extends z.ZodObject = (typeof contract.OUTPUT_SCHEMAS)[R]>(
    request: StackOutputsRequest<R, S>,
): Promise<z.infer<S> & contract.ContractMetadata<R>> {
    try {
        return await contract.readStackOutputs<R, S>(request.role, request.referenced, { schema: request.schema, project: pulumi.getProject() });
    } catch (err) {
        if (!(err instanceof contract.StackContractError)) throw err;
        const key = configKey(request.key);
        const problems: ConfigProblem[] = expectations(err).map((expected) => ({ key, value: request.referenced, expected }));
        throw new ConfigError(request.stack, problems);
    }
}
