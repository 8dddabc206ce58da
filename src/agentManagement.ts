/**
 * How GuardDuty's runtime agent reaches EC2 instances: one choice for the whole organization,
 * made in the audit stack and read by every other stack through stack references. AWS documents
 * the two as alternatives, never companions: automated management creates its own SSM association
 * and (in a shared VPC) its own guardduty-data endpoint in the owner account, so a second
 * association or a second private-DNS endpoint beside it conflicts.
 *
 * Pure rules, free of Pulumi, so every stack derives its behaviour from the same function and the
 * rules test without mocks.
 */

export const AGENT_MANAGEMENT_MODES = ["automated", "manual"] as const;
export type AgentManagement = (typeof AGENT_MANAGEMENT_MODES)[number];

/** AWS's recommendation: GuardDuty installs and updates the agent and creates the shared endpoint. */
export const DEFAULT_AGENT_MANAGEMENT: AgentManagement = "automated";

/** GuardDuty reads this tag (through instance metadata) to include (`true`) or exclude (`false`) an instance. */
export const GUARDDUTY_MANAGED_TAG = "GuardDutyManaged";

/** The SSM document that installs the agent under manual management, and the package it installs. */
export const AGENT_SSM_DOCUMENT = "AmazonGuardDuty-ConfigureRuntimeMonitoringSsmPlugin";
export const AGENT_PACKAGE = "AmazonGuardDuty-RuntimeMonitoringSsmPlugin";

export function isAgentManagement(value: unknown): value is AgentManagement {
    return (AGENT_MANAGEMENT_MODES as readonly unknown[]).includes(value);
}

/** Whether GuardDuty's EC2_AGENT_MANAGEMENT (automated agent configuration) is on. */
export function ec2AgentAutomation(mode: AgentManagement): boolean {
    return mode === "automated";
}

/**
 * Whether the owner creates the guardduty-data endpoint. Under automated management GuardDuty
 * creates its own there, and two private-DNS endpoints for one service cannot share a VPC.
 */
export function ownerCreatesGuardDutyEndpoint(mode: AgentManagement): boolean {
    return mode === "manual";
}

/**
 * The agent tags an instance carries. Under automated management only an exclusion is written
 * (everything SSM-managed is already included); under manual management no tag at all, since an
 * inclusion tag would hand the instance to GuardDuty's own installer beside ours.
 */
export function instanceAgentTags(mode: AgentManagement, monitored: boolean): Record<string, string> {
    return mode === "automated" && !monitored ? { [GUARDDUTY_MANAGED_TAG]: "false" } : {};
}

/** The instances our SSM association installs the agent on: the monitored ones, under manual management only. */
export function associationTargets<T extends { monitored: boolean }>(mode: AgentManagement, instances: readonly T[]): T[] {
    return mode === "manual" ? instances.filter((instance) => instance.monitored) : [];
}
