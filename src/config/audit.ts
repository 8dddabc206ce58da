import { z } from "zod";
import { parseStackConfig, RawConfig } from "./load";
import { email, flag, json, numberValue, oneOf } from "./primitives";

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
 * `pulumi config set --path runtimeMonitoring.ec2 false` may store the word rather than a JSON
 * boolean; `flag` accepts both spellings and refuses anything else rather than guessing.
 */
const runtimeFlag = flag(true);

export const RUNTIME_MONITORING_EXPECTED = "an object { ec2, ecsFargate, eks } of true/false (each defaults to true)";
export const runtimeMonitoringSchema = z.strictObject(
    {
        /** GuardDuty installs and manages the EC2 agent (through SSM) when true. */
        ec2: runtimeFlag,
        ecsFargate: runtimeFlag,
        eks: runtimeFlag,
    },
    {
        error: (issue) =>
            issue.code === "unrecognized_keys"
                ? `only the keys ec2, ecsFargate and eks (got ${issue.keys.join(", ")})`
                : RUNTIME_MONITORING_EXPECTED,
    },
);
export type RuntimeMonitoringFlags = z.infer<typeof runtimeMonitoringSchema>;

export const DETECTOR_ID_EXPECTED =
    "the 32-character lowercase hex ID of the detector already in this account and region, as printed by `aws guardduty list-detectors` (omit the key and the stack looks the detector up itself)";

export const auditShape = {
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
    existingDetectorId: z.string({ error: DETECTOR_ID_EXPECTED }).regex(/^[0-9a-f]{32}$/, { error: DETECTOR_ID_EXPECTED }).optional(),
};

export function parseAuditConfig(stack: string, raw: RawConfig) {
    return parseStackConfig(stack, "audit", raw, auditShape);
}

export type AuditConfig = ReturnType<typeof parseAuditConfig>;
