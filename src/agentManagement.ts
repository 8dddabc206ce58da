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

import { AgentManagement, GUARDDUTY_MANAGED_TAG } from "guardduty-shared-vpc-contract/vocabulary";

// The vocabulary is the contract package's, shared with downstream programs; the rules below are the program's.
export {
    AGENT_INSTALL_PARAMETERS,
    AGENT_MANAGEMENT_MODES,
    AGENT_PACKAGE,
    AGENT_SSM_DOCUMENT,
    GUARDDUTY_MANAGED_TAG,
    isAgentManagement,
    type AgentManagement,
} from "guardduty-shared-vpc-contract/vocabulary";

/** AWS's recommendation: GuardDuty installs and updates the agent and creates the shared endpoint. */
export const DEFAULT_AGENT_MANAGEMENT: AgentManagement = "automated";

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
