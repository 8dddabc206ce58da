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
    /**
     * The principals the share names (account IDs, OU or organization ARNs), so a participant can
     * tell it is not among them before it launches into subnets it cannot see. Optional: owners
     * deployed before it was published do not have it.
     */
    shareWith?: string[];
    /** Absent when `createGuardDutyEndpoint` is false (GuardDuty's automated configuration makes its own). */
    guardDutyEndpointId?: string;
    guardDutyEndpointSecurityGroupId?: string;
}

export interface ParticipantInstance {
    name: string;
    id: string;
    subnet: string;
    azId: string;
}

export interface ParticipantOutputs {
    participantAccountId: string;
    region: string;
    ownerStack: string;
    instanceIds: string[];
    instances: ParticipantInstance[];
    instanceSecurityGroupId: string;
    /** Absent with `agent: automated`, where GuardDuty installs the agent itself. */
    agentAssociationId?: string;
}

export interface AuditOutputs {
    detectorId: string;
    /** Absent with `findingsExport: false`. */
    findingsBucketName?: string;
    findingsKmsKeyArn: string;
    findingsTopicArn: string;
}

export interface ManagementOutputs {
    delegatedAdminAccountId: string;
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
    shareWith: z.array(z.string()).optional(),
    guardDutyEndpointId: z.string().optional(),
    guardDutyEndpointSecurityGroupId: z.string().optional(),
}) satisfies z.ZodType<OwnerOutputs>;

/** The owner outputs a participant cannot work without; the endpoint ones are informational. */
export const REQUIRED_OWNER_OUTPUTS = ["ownerAccountId", "region", "vpcId", "vpcCidr", "sharedSubnets", "resourceShareArn"] as const satisfies readonly (keyof OwnerOutputs)[];

export const participantOutputsSchema = z.object({
    participantAccountId: z.string().regex(/^\d{12}$/),
    region: z.string(),
    ownerStack: z.string(),
    instanceIds: z.array(z.string()),
    instances: z.array(z.object({ name: z.string(), id: z.string(), subnet: z.string(), azId: z.string() })),
    instanceSecurityGroupId: z.string(),
    agentAssociationId: z.string().optional(),
}) satisfies z.ZodType<ParticipantOutputs>;
