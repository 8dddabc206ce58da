/**
 * Reading another stack's outputs: resolve its name, read it through a StackReference, and check
 * what it publishes against the contract before the caller registers anything. A missing,
 * foreign or reshaped output becomes an error that says which stack, what is wrong and what to
 * do, instead of a failed deployment halfway through.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ContractMetadata, contractMetadataSchema, OUTPUT_SCHEMAS, PublishedOutputs } from "./outputs";
import { qualifiedStackName, StackNameScope } from "./stackName";
import { isRole, PROJECT, Role } from "./vocabulary";
import { CONTRACT_VERSION, isSupportedContractVersion, parseContractVersion, SUPPORTED_MAJOR_VERSIONS } from "./version";

/** What can be wrong with a referenced stack, from the least to the most specific. */
export type StackReadProblem =
    /** The backend could not give the stack's outputs: no such stack, no permission, a broken checkpoint. */
    | { kind: "unreadable"; reason: string }
    /** Outputs the reader needs are absent: the stack was never deployed, or deployed by an older version. */
    | { kind: "missing-outputs"; outputs: string[] }
    /** The stack publishes another role (an audit stack read as the owner). */
    | { kind: "wrong-role"; actual: Role }
    /** The stack publishes a contract major version this package does not read. */
    | { kind: "unsupported-version"; version: string }
    /** Outputs are present but do not have the contract's shape. */
    | { kind: "malformed"; issues: Array<{ output: string; message: string }> };

export type StackReadProblemKind = StackReadProblem["kind"];

/** The contract outputs every stack publishes beside its role's. */
export const METADATA_OUTPUTS = ["contractVersion", "role"] as const satisfies readonly (keyof ContractMetadata)[];

function article(word: string): string {
    return /^[aeiou]/.test(word) ? "an" : "a";
}

function supportedMajors(): string {
    return SUPPORTED_MAJOR_VERSIONS.map((major) => `${major}.x`).join(" or ");
}

/** What to do about a stack of an unsupported version: upgrade the reader, or redeploy the stack. */
export function unsupportedVersionRemedy(role: Role, version: string): string {
    const major = parseContractVersion(version)?.major ?? 0;
    return major > Math.max(...SUPPORTED_MAJOR_VERSIONS)
        ? `upgrade guardduty-shared-vpc-contract (here ${CONTRACT_VERSION}) to a release that reads major version ${major}, as CHANGELOG.md describes`
        : `run \`pulumi up\` on the ${role} stack with a release of major version ${Math.max(...SUPPORTED_MAJOR_VERSIONS)}`;
}

function describe(stack: string, role: Role, problem: StackReadProblem): string {
    switch (problem.kind) {
        case "unreadable":
            return `Cannot read the ${role} stack ${stack}: ${problem.reason}. Check the name (a short name resolves to <current organization>/<project>/<name>) and that your backend login may read that stack.`;
        case "missing-outputs":
            return `The ${role} stack ${stack} has no output ${problem.outputs.join(", ")}: run \`pulumi up\` on the ${role} stack first (a stack deployed by an older version lacks the newer outputs).`;
        case "wrong-role":
            return `${stack} is ${article(problem.actual)} ${problem.actual} stack (its output role is "${problem.actual}"), not the ${role} stack expected here: name the ${role} stack instead.`;
        case "unsupported-version":
            return `The ${role} stack ${stack} publishes contract version ${problem.version}, but this reader understands ${supportedMajors()}: ${unsupportedVersionRemedy(role, problem.version)}.`;
        case "malformed":
            return `The ${role} stack ${stack} has outputs that break the contract: ${problem.issues.map((issue) => `${issue.output} is malformed (${issue.message})`).join("; ")}. Is it really ${article(role)} ${role} stack of ${PROJECT}?`;
    }
}

/** A referenced stack that cannot be used, with the reason as data (`problem`) and as text (`message`). */
export class StackContractError extends Error {
    constructor(
        /** The fully qualified name that was read. */
        readonly stack: string,
        /** The role the reader expected. */
        readonly role: Role,
        readonly problem: StackReadProblem,
    ) {
        super(describe(stack, role, problem));
        this.name = "StackContractError";
    }

    get kind(): StackReadProblemKind {
        return this.problem.kind;
    }
}

/** Outputs of `schema` without which a reader cannot work: every field that is not optional. */
function requiredOutputs(schema: z.ZodObject): string[] {
    return Object.entries(schema.shape)
        .filter(([, field]) => !(field as z.ZodType).safeParse(undefined).success)
        .map(([name]) => name);
}

/**
 * Checks outputs of a stack that should be of `role`, however they were obtained (a
 * StackReference, `pulumi stack output --json`, an ESC environment), and returns them typed.
 * `schema` narrows what is read, e.g. `auditOutputsSchema.pick({ agentManagement: true })` for
 * a reader that needs only the mode; it defaults to the role's full schema.
 *
 * Checks, in order: the role, the major version, the presence of required outputs (the role's
 * own first, so an undeployed stack is named by what the reader misses), then every shape.
 */
export function parseStackOutputs<R extends Role, S extends z.ZodObject = (typeof OUTPUT_SCHEMAS)[R]>(
    role: R,
    stack: string,
    values: Readonly<Record<string, unknown>>,
    schema?: S,
): z.infer<S> & ContractMetadata<R> {
    const own = (schema ?? OUTPUT_SCHEMAS[role]) as z.ZodObject;
    const fail = (problem: StackReadProblem): never => {
        throw new StackContractError(stack, role, problem);
    };
    if (isRole(values.role) && values.role !== role) fail({ kind: "wrong-role", actual: values.role });
    const version = parseContractVersion(values.contractVersion);
    if (version && !isSupportedContractVersion(version)) fail({ kind: "unsupported-version", version: String(values.contractVersion) });
    for (const required of [requiredOutputs(own), [...METADATA_OUTPUTS]]) {
        const missing = required.filter((output) => values[output] === undefined);
        if (missing.length > 0) fail({ kind: "missing-outputs", outputs: missing });
    }
    const parsed = z.object({ ...own.shape, ...contractMetadataSchema.shape }).safeParse(values);
    if (!parsed.success) {
        fail({ kind: "malformed", issues: parsed.error.issues.map((issue) => ({ output: issue.path.map(String).join("."), message: issue.message })) });
    }
    return parsed.data as z.infer<S> & ContractMetadata<R>;
}

export interface ReadStackOptions<S extends z.ZodObject> extends StackNameScope {
    /** The outputs to read and check; the role's full schema by default. */
    schema?: S;
}

/**
 * Reads the stack `name` of role `role` through a StackReference (registered under its fully
 * qualified name) and returns its checked outputs as plain values, before anything else is
 * registered. A short name resolves to `<current organization>/<project>/<name>` with `project`
 * defaulting to PROJECT (`guardduty-shared-vpc`), the project that publishes these stacks.
 *
 * Throws StackContractError; read each stack once per program (a second StackReference of the
 * same name is a duplicate resource).
 */
export async function readStackOutputs<R extends Role, S extends z.ZodObject = (typeof OUTPUT_SCHEMAS)[R]>(
    role: R,
    name: string,
    options: ReadStackOptions<S> = {},
): Promise<z.infer<S> & ContractMetadata<R>> {
    const schema = (options.schema ?? OUTPUT_SCHEMAS[role]) as S;
    const stack = qualifiedStackName(name, { organization: options.organization, project: options.project ?? PROJECT });
    const values: Record<string, unknown> = {};
    try {
        const reference = new pulumi.StackReference(stack);
        for (const output of [...Object.keys(schema.shape), ...METADATA_OUTPUTS]) {
            const details = await reference.getOutputDetails(output);
            values[output] = details.value ?? details.secretValue;
        }
    } catch (err) {
        throw new StackContractError(stack, role, { kind: "unreadable", reason: err instanceof Error ? err.message : String(err) });
    }
    return parseStackOutputs(role, stack, values, schema);
}

export function readManagementStack(name: string, scope?: StackNameScope): Promise<PublishedOutputs<"management">> {
    return readStackOutputs("management", name, scope);
}

export function readAuditStack(name: string, scope?: StackNameScope): Promise<PublishedOutputs<"audit">> {
    return readStackOutputs("audit", name, scope);
}

export function readOwnerStack(name: string, scope?: StackNameScope): Promise<PublishedOutputs<"owner">> {
    return readStackOutputs("owner", name, scope);
}

export function readParticipantStack(name: string, scope?: StackNameScope): Promise<PublishedOutputs<"participant">> {
    return readStackOutputs("participant", name, scope);
}
