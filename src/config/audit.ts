import { z } from "zod";
import { AGENT_MANAGEMENT_MODES, DEFAULT_AGENT_MANAGEMENT } from "../agentManagement";
import { ConfigProblem } from "./errors";
import { findingsExportRegionProblems, governedRegionsOf, governedRegionsProblems, governedRegionsSchema } from "./governedRegions";
import { configKey, parseStackConfig, RawConfig } from "./load";
import { closedObject, email, flag, json, numberValue, oneOf, organizationId, retired } from "./primitives";

export const AUTO_ENABLE_VALUES = ["ALL", "NEW", "NONE"] as const;
export type AutoEnable = (typeof AUTO_ENABLE_VALUES)[number];

/**
 * GuardDuty's severity scale for the findings alert: 1.0–8.9 (low 1–3.9, medium 4–6.9, high 7–8.9).
 * Critical attack-sequence findings (9–10) are above every allowed threshold, so they always alert.
 */
export const SEVERITY_MIN = 1;
export const SEVERITY_MAX = 8.9;
const SEVERITY_EXPECTED = `a GuardDuty severity from ${SEVERITY_MIN} to ${SEVERITY_MAX} (4 = medium, 7 = high); findings at or above it raise an alert`;

/**
 * `pulumi config set --path runtimeMonitoring.eks false` may store the word rather than a JSON
 * boolean; `flag` accepts both spellings and refuses anything else rather than guessing.
 */
const runtimeFlag = flag(true);

export const RUNTIME_MONITORING_EXPECTED = "an object { ecsFargate, eks } of true/false (each defaults to true)";
export const runtimeMonitoringSchema = closedObject(
    {
        /** EC2 follows agentManagement; a separate flag could only contradict it. */
        ec2: retired("EC2 agent management follows guardduty-shared-vpc:agentManagement (automated or manual); remove runtimeMonitoring.ec2"),
        /** GuardDuty manages the agent for ECS Fargate tasks when true. */
        ecsFargate: runtimeFlag,
        /** GuardDuty manages the EKS add-on when true. */
        eks: runtimeFlag,
    },
    "runtimeMonitoring",
    RUNTIME_MONITORING_EXPECTED,
);
export type RuntimeMonitoringFlags = z.infer<typeof runtimeMonitoringSchema>;

export const DETECTOR_ID_EXPECTED =
    "the 32-character lowercase hex ID of the detector already in this account and region, as printed by `aws guardduty list-detectors` (omit the key and the stack looks the detector up itself)";

export const auditShape = {
    /**
     * How GuardDuty's agent reaches EC2 instances, for the whole organization: the owner and
     * participant stacks read it from here through stack references.
     */
    agentManagement: oneOf(AGENT_MANAGEMENT_MODES, DEFAULT_AGENT_MANAGEMENT),
    autoEnableOrganizationMembers: oneOf(AUTO_ENABLE_VALUES, "ALL"),
    runtimeMonitoring: json(runtimeMonitoringSchema, {}),
    findingsExport: flag(true),
    notificationEmail: email.optional(),
    findingsSeverityThreshold: numberValue(7, SEVERITY_EXPECTED).refine((n) => n >= SEVERITY_MIN && n <= SEVERITY_MAX, { error: SEVERITY_EXPECTED }),
    /**
     * Designating the delegated administrator enables GuardDuty in the audit account, so in the
     * documented order (management, then audit) a detector already exists and creating another
     * fails: AWS allows one detector per account and region. The stack looks it up and adopts it;
     * this key names it instead, skipping the lookup.
     */
    existingDetectorId: z
        .string({ error: DETECTOR_ID_EXPECTED })
        .regex(/^[0-9a-f]{32}$/, { error: DETECTOR_ID_EXPECTED })
        .optional(),
    /**
     * The coverage event bus accepts events only from principals of this organization
     * (`aws:PrincipalOrgID`). Config rather than a lookup: `DescribeOrganization` would add a
     * permission and an AWS call to every preview, and the owner already states it the same way.
     */
    organizationId,
    /**
     * The regions whose detectors this stack configures (default: aws:region alone). The findings
     * bucket, key and alerts topic stay in the home region (aws:region), and every region exports
     * and forwards its alerts there. `existingDetectorId` names the home region's detector.
     */
    regions: governedRegionsSchema,
};

interface AuditCrossCheckInput {
    "aws:region": string;
    agentManagement: string;
    runtimeMonitoring: RuntimeMonitoringFlags;
    findingsExport: boolean;
    regions?: string[];
}

function auditCrossCheck(config: AuditCrossCheckInput): ConfigProblem[] {
    return [...agentManagementProblems(config), ...governedRegionsProblems("audit", config), ...findingsExportRegionProblems(config)];
}

function agentManagementProblems(config: AuditCrossCheckInput): ConfigProblem[] {
    if (config.agentManagement === "automated" && !config.runtimeMonitoring.ecsFargate && !config.runtimeMonitoring.eks) {
        return [
            {
                key: configKey("agentManagement"),
                value: config.agentManagement,
                expected:
                    "\"manual\", or keep runtimeMonitoring.ecsFargate or runtimeMonitoring.eks on: GuardDuty creates the shared VPC's guardduty-data endpoint only in an owner account with automated agent configuration for EKS or ECS Fargate, so with both off participants' agents would have no endpoint",
            },
        ];
    }
    return [];
}

export function parseAuditConfig(stack: string, raw: RawConfig) {
    const config = parseStackConfig(stack, "audit", raw, auditShape, auditCrossCheck);
    return { ...config, regions: governedRegionsOf(config) };
}

export type AuditConfig = ReturnType<typeof parseAuditConfig>;
