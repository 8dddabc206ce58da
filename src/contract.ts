/**
 * The cross-stack contract: the outputs each role's stack publishes, by name and shape.
 *
 * Producing stacks return values typed by these interfaces, and consuming stacks (participants
 * through a StackReference, `npm run verify`, other teams' programs) read them through the same
 * names and validate them with the same schemas, so a renamed or reshaped output fails to
 * compile here instead of at a downstream team's `pulumi up`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { AGENT_MANAGEMENT_MODES, AgentManagement } from "./agentManagement";

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
}

export interface ManagementOutputs {
    delegatedAdminAccountId: string;
    /**
     * The regions GuardDuty is delegated in, the home region first. Optional: management stacks
     * deployed before it was published do not have it (they delegate in their region only).
     */
    delegatedRegions?: string[];
}

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

const agentManagementSchema = z.enum(AGENT_MANAGEMENT_MODES);

const sharedSubnetSchema = z.object({
    name: z.string(),
    id: z.string().regex(/^subnet-[0-9a-f]+$/),
    arn: z.string().startsWith("arn:"),
    azId: z.string(),
    cidr: z.string(),
});

/** Validates what a participant reads from the owner stack before it registers anything. */
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
    guardDutyEndpointId: z.string().optional(),
    guardDutyEndpointSecurityGroupId: z.string().optional(),
}) satisfies z.ZodType<OwnerOutputs>;

/** The owner outputs a participant cannot work without; the endpoint ones are informational. */
export const REQUIRED_OWNER_OUTPUTS = ["ownerAccountId", "region", "vpcId", "vpcCidr", "sharedSubnets", "resourceShareArn", "agentManagement"] as const satisfies readonly (keyof OwnerOutputs)[];

export const auditOutputsSchema = z.object({
    agentManagement: agentManagementSchema,
    detectorId: z.string().regex(/^[0-9a-f]{32}$/),
    detectorIds: z.record(z.string(), z.string().regex(/^[0-9a-f]{32}$/)).optional(),
    findingsBucketName: z.string().optional(),
    findingsKmsKeyArn: z.string().startsWith("arn:"),
    findingsTopicArn: z.string().startsWith("arn:"),
}) satisfies z.ZodType<AuditOutputs>;

/** What an owner reads from the audit stack: only the mode, so nothing else there can break it. */
export const auditOutputsForOwnerSchema = auditOutputsSchema.pick({ agentManagement: true });

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
