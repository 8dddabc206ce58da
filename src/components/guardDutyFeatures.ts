/**
 * Pure rules for GuardDuty Runtime Monitoring's feature settings, kept free of Pulumi so they
 * test without mocks. The audit stack feeds them to DetectorFeature (the audit account's own
 * detector) and OrganizationConfigurationFeature (what member accounts get).
 */
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

const FLAG_OF: Readonly<Record<AdditionalConfigurationName, keyof RuntimeMonitoringFlags>> = {
    EKS_ADDON_MANAGEMENT: "eks",
    ECS_FARGATE_AGENT_MANAGEMENT: "ecsFargate",
    EC2_AGENT_MANAGEMENT: "ec2",
};

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

/** Whether any workload type is monitored; the feature itself is on exactly when one is. */
export function runtimeMonitoringOn(flags: RuntimeMonitoringFlags): boolean {
    return flags.ec2 || flags.ecsFargate || flags.eks;
}

/** The audit account's own detector feature: ENABLED/DISABLED per flag, all three listed in order. */
export function detectorRuntimeMonitoring(flags: RuntimeMonitoringFlags): DetectorRuntimeMonitoring {
    return {
        name: RUNTIME_MONITORING,
        status: runtimeMonitoringOn(flags) ? "ENABLED" : "DISABLED",
        additionalConfigurations: ADDITIONAL_CONFIGURATION_ORDER.map((name) => ({ name, status: flags[FLAG_OF[name]] ? "ENABLED" : "DISABLED" })),
    };
}

/**
 * What member accounts get. Features take the same NEW/ALL/NONE as the organization's own
 * auto-enable, so `ALL` reaches accounts that already exist (the shared-VPC owner among them);
 * a disabled flag becomes NONE, which stops auto-enabling but does not switch the setting off
 * in accounts that already have it (GuardDuty leaves existing members as they are).
 */
export function organizationRuntimeMonitoring(flags: RuntimeMonitoringFlags, autoEnable: AutoEnable): OrganizationRuntimeMonitoring {
    return {
        name: RUNTIME_MONITORING,
        autoEnable: runtimeMonitoringOn(flags) ? autoEnable : "NONE",
        additionalConfigurations: ADDITIONAL_CONFIGURATION_ORDER.map((name) => ({ name, autoEnable: flags[FLAG_OF[name]] ? autoEnable : "NONE" })),
    };
}
