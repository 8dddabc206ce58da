/**
 * The outputs each role's stack publishes, by name and shape.
 *
 * Producing stacks return values typed by these interfaces, and consumers (participants through
 * a StackReference, `npm run verify`, other teams' programs) read them through the same names
 * and validate them with the same schemas, so a renamed or reshaped output fails to compile in
 * the producer instead of at a downstream team's `pulumi up`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AGENT_MANAGEMENT_MODES, AgentManagement, Role, ROLES } from "./vocabulary";
import { CONTRACT_VERSION, parseContractVersion } from "./version";

/** What every stack publishes beside its role's outputs: which contract it follows and which role it plays. */
export interface ContractMetadata<R extends Role = Role> {
    /** Semantic version of the contract the stack was deployed with, e.g. "1.0.0". */
    contractVersion: string;
    role: R;
}

/** The metadata outputs a stack of `role` publishes, at this package's contract version. */
export function contractMetadata<R extends Role>(role: R): ContractMetadata<R> {
    return { contractVersion: CONTRACT_VERSION, role };
}

export interface SharedSubnet {
    /** The owner's name for the subnet; Name tags are not shared, so participants select by this. */
    name: string;
    id: string;
    arn: string;
    /** AZ ID (e.g. use1-az1): the same physical zone in every account, unlike the AZ name. */
    azId: string;
    cidr: string;
}

export interface OwnerOutputs {
    ownerAccountId: string;
    region: string;
    vpcId: string;
    vpcCidr: string;
    sharedSubnets: SharedSubnet[];
    sharedSubnetIds: string[];
    resourceShareArn: string;
    /** The organization's mode, read from the audit stack and passed on to participants. */
    agentManagement: AgentManagement;
    /**
     * The principals the share names (account IDs, OU or organization ARNs), so a participant can
     * tell it is not among them before it launches into subnets it cannot see. Optional: owners
     * deployed before it was published do not have it.
     */
    shareWith?: string[];
    /** The audit account's coverage event bus, read from the audit stack and passed on to participants, which forward to it. */
    coverageEventBusArn: string;
    /** Present with `manual` agent management only: under `automated`, GuardDuty creates its own endpoint. */
    guardDutyEndpointId?: string;
    guardDutyEndpointSecurityGroupId?: string;
}

export interface ParticipantInstance {
    name: string;
    id: string;
    subnet: string;
    azId: string;
    /** False for an instance left out of Runtime Monitoring (`monitored: false`): nothing to verify there. Absent means true. */
    monitored?: boolean;
}

export interface ParticipantOutputs {
    participantAccountId: string;
    region: string;
    /** The owner stack's fully qualified name. */
    ownerStack: string;
    agentManagement: AgentManagement;
    /** The instances GuardDuty should cover: the monitored ones. */
    instanceIds: string[];
    instances: ParticipantInstance[];
    instanceSecurityGroupId: string;
    /** Present with `manual` agent management and at least one monitored instance; GuardDuty installs the agent itself under `automated`. */
    agentAssociationId?: string;
}

export interface AuditOutputs {
    /** Declared here, once for the organization; every other stack follows it. */
    agentManagement: AgentManagement;
    /** The home region's (`aws:region`) detector, as before the stack governed several regions. */
    detectorId: string;
    /**
     * Every governed region's detector, by region (the home region's included). Optional: audit
     * stacks deployed before it was published do not have it.
     */
    detectorIds?: Record<string, string>;
    /** Absent with `findingsExport: false`. */
    findingsBucketName?: string;
    findingsKmsKeyArn: string;
    findingsTopicArn: string;
    /** The bus every owner and participant forwards its Runtime Monitoring coverage events to. */
    coverageEventBusArn: string;
}

export interface ManagementOutputs {
    delegatedAdminAccountId: string;
    /**
     * The regions GuardDuty is delegated in, the home region first. Optional: management stacks
     * deployed before it was published do not have it (they delegate in their region only).
     */
    delegatedRegions?: string[];
}

/** Each role's own outputs. */
export interface RoleOutputs {
    management: ManagementOutputs;
    audit: AuditOutputs;
    owner: OwnerOutputs;
    participant: ParticipantOutputs;
}

/** Everything a stack of role `R` publishes: its role's outputs and the contract metadata. */
export type PublishedOutputs<R extends Role> = RoleOutputs[R] & ContractMetadata<R>;

/** A value whose parts may each still be an Output, as a program holds it before deployment. */
export type DeepInput<T> = T extends undefined
    ? undefined
    : T extends string | number | boolean
      ? pulumi.Input<T>
      : T extends readonly (infer U)[]
        ? pulumi.Input<DeepInput<U>[]>
        : pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>;

/** What a stack program returns: the contract's fields, each possibly still an Output. */
export type StackOutputs<T> = { [K in keyof T]: DeepInput<T[K]> };

export const agentManagementSchema = z.enum(AGENT_MANAGEMENT_MODES);

export const contractMetadataSchema = z.object({
    contractVersion: z.string().refine((value) => parseContractVersion(value) !== undefined, { error: "expected a semantic version such as 1.0.0" }),
    role: z.enum(ROLES),
});

/** An EventBridge bus ARN: a forwarding target that is anything else fails only at `pulumi up`. */
const eventBusArnSchema = z.string().regex(/^arn:aws(?:-[a-z]+)*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/, {
    error: "an EventBridge event bus ARN (arn:<partition>:events:<region>:<account>:event-bus/<name>)",
});

const sharedSubnetSchema = z.object({
    name: z.string(),
    id: z.string().regex(/^subnet-[0-9a-f]+$/),
    arn: z.string().startsWith("arn:"),
    azId: z.string(),
    cidr: z.string(),
});

export const ownerOutputsSchema = z.object({
    ownerAccountId: z.string().regex(/^\d{12}$/),
    region: z.string(),
    vpcId: z.string().regex(/^vpc-[0-9a-f]+$/),
    vpcCidr: z.string(),
    sharedSubnets: z.array(sharedSubnetSchema),
    sharedSubnetIds: z.array(z.string()),
    resourceShareArn: z.string().startsWith("arn:"),
    agentManagement: agentManagementSchema,
    shareWith: z.array(z.string()).optional(),
    coverageEventBusArn: eventBusArnSchema,
    guardDutyEndpointId: z.string().optional(),
    guardDutyEndpointSecurityGroupId: z.string().optional(),
}) satisfies z.ZodType<OwnerOutputs>;

export const auditOutputsSchema = z.object({
    agentManagement: agentManagementSchema,
    detectorId: z.string().regex(/^[0-9a-f]{32}$/),
    detectorIds: z.record(z.string(), z.string().regex(/^[0-9a-f]{32}$/)).optional(),
    findingsBucketName: z.string().optional(),
    findingsKmsKeyArn: z.string().startsWith("arn:"),
    findingsTopicArn: z.string().startsWith("arn:"),
    coverageEventBusArn: eventBusArnSchema,
}) satisfies z.ZodType<AuditOutputs>;

export const participantOutputsSchema = z.object({
    participantAccountId: z.string().regex(/^\d{12}$/),
    region: z.string(),
    ownerStack: z.string(),
    agentManagement: agentManagementSchema,
    instanceIds: z.array(z.string()),
    instances: z.array(z.object({ name: z.string(), id: z.string(), subnet: z.string(), azId: z.string(), monitored: z.boolean().default(true) })),
    instanceSecurityGroupId: z.string(),
    agentAssociationId: z.string().optional(),
}) satisfies z.ZodType<ParticipantOutputs>;

export const managementOutputsSchema = z.object({
    delegatedAdminAccountId: z.string().regex(/^\d{12}$/),
    delegatedRegions: z.array(z.string()).optional(),
}) satisfies z.ZodType<ManagementOutputs>;

/** Each role's output schema (its own outputs; the metadata is checked separately, first). */
export const OUTPUT_SCHEMAS = {
    management: managementOutputsSchema,
    audit: auditOutputsSchema,
    owner: ownerOutputsSchema,
    participant: participantOutputsSchema,
} as const satisfies { [R in Role]: z.ZodType<RoleOutputs[R]> };
