/**
 * Pure rules for GuardDuty Runtime Monitoring's feature settings, kept free of Pulumi so they
 * test without mocks. The audit stack feeds them to DetectorFeature (the audit account's own
 * detector) and OrganizationConfigurationFeature (what member accounts get).
 */
import { AgentManagement, ec2AgentAutomation } from "../agentManagement";
import type { AutoEnable, RuntimeMonitoringFlags } from "../config/audit";

/**
 * The one Runtime Monitoring feature. `EKS_RUNTIME_MONITORING` is its deprecated predecessor and
 * AWS rejects a request that names both, so this program never registers the older one.
 */
export const RUNTIME_MONITORING = "RUNTIME_MONITORING";

/**
 * The additional configurations, in the order the API reports them. The Terraform provider under
 * @pulumi/aws compares these blocks as an ordered list: a reordered list shows a diff on every
 * preview and, for the organization feature, forces a replacement (hashicorp/terraform-provider-aws
 * #44822, #44823), and an omitted block does the same (#36695). So all three are always listed,
 * in this order, whether enabled or not.
 */
export const ADDITIONAL_CONFIGURATION_ORDER = ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"] as const;
export type AdditionalConfigurationName = (typeof ADDITIONAL_CONFIGURATION_ORDER)[number];

/** Which agent each additional configuration automates, given the organization's EC2 mode and the ECS/EKS flags. */
export interface AgentAutomation {
    agentManagement: AgentManagement;
    runtimeMonitoring: Pick<RuntimeMonitoringFlags, "ecsFargate" | "eks">;
}

function automated(name: AdditionalConfigurationName, settings: AgentAutomation): boolean {
    switch (name) {
        case "EKS_ADDON_MANAGEMENT":
            return settings.runtimeMonitoring.eks;
        case "ECS_FARGATE_AGENT_MANAGEMENT":
            return settings.runtimeMonitoring.ecsFargate;
        case "EC2_AGENT_MANAGEMENT":
            return ec2AgentAutomation(settings.agentManagement);
    }
}

export type FeatureStatus = "ENABLED" | "DISABLED";

export interface DetectorRuntimeMonitoring {
    name: typeof RUNTIME_MONITORING;
    status: FeatureStatus;
    additionalConfigurations: { name: AdditionalConfigurationName; status: FeatureStatus }[];
}

export interface OrganizationRuntimeMonitoring {
    name: typeof RUNTIME_MONITORING;
    autoEnable: AutoEnable;
    additionalConfigurations: { name: AdditionalConfigurationName; autoEnable: AutoEnable }[];
}

/**
 * The audit account's own detector feature. Runtime Monitoring itself is always on: EC2 instances
 * are monitored in both modes (manual management installs the agent through our SSM association).
 * All three additional configurations are listed, in order, ENABLED or DISABLED.
 */
export function detectorRuntimeMonitoring(settings: AgentAutomation): DetectorRuntimeMonitoring {
    return {
        name: RUNTIME_MONITORING,
        status: "ENABLED",
        additionalConfigurations: ADDITIONAL_CONFIGURATION_ORDER.map((name) => ({ name, status: automated(name, settings) ? "ENABLED" : "DISABLED" })),
    };
}

/**
 * What member accounts get. Features take the same NEW/ALL/NONE as the organization's own
 * auto-enable, so `ALL` reaches accounts that already exist (the shared-VPC owner among them);
 * an automation that is off becomes NONE, which stops auto-enabling but does not switch the
 * setting off in accounts that already have it (GuardDuty leaves existing members as they are;
 * docs/agent-management.md says how to switch it off there).
 */
export function organizationRuntimeMonitoring(settings: AgentAutomation, autoEnable: AutoEnable): OrganizationRuntimeMonitoring {
    return {
        name: RUNTIME_MONITORING,
        autoEnable,
        additionalConfigurations: ADDITIONAL_CONFIGURATION_ORDER.map((name) => ({ name, autoEnable: automated(name, settings) ? autoEnable : "NONE" })),
    };
}
