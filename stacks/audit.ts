import * as pulumi from "@pulumi/pulumi";
import { AuditConfig, parseAuditConfig } from "../src/config/audit";
import { partitionOf } from "../src/config/regions";
import { AuditOutputs, StackOutputs } from "guardduty-shared-vpc-contract";
import { CoverageEventBus } from "../src/components/coverageEvents";
import { FindingsAlerts } from "../src/components/findingsAlerts";
import { FindingsExport } from "../src/components/findingsExport";
import { detectorArn } from "../src/components/findingsPolicies";
import { FindingsKey } from "../src/components/findingsKey";
import { findExistingDetector, GuardDutyAdministrator } from "../src/components/guardDutyAdministrator";
import { pinnedAwsProvider } from "../src/components/provider";
import type { StackProgramContext } from "../src/program";
import { roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

/**
 * The delegated GuardDuty administrator (audit) account: its detector, Runtime Monitoring for
 * itself and the organization's members, the findings archive and the alerts. Deployed after
 * the management stack, which makes this account the administrator.
 */
export class Audit extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<AuditOutputs>;

    constructor(name: string, config: AuditConfig, opts?: pulumi.ComponentResourceOptions) {
        super(roleComponentType("audit"), name, {}, opts);

        const guardDuty = new GuardDutyAdministrator("guardduty", {
            autoEnableOrganizationMembers: config.autoEnableOrganizationMembers,
            agentManagement: config.agentManagement,
            runtimeMonitoring: config.runtimeMonitoring,
            existingDetectorId: config.existingDetectorId,
        }, { parent: this });
        const detectorId = guardDuty.detector.id;
        // Built from known parts rather than read back: an adopted detector's ARN output is not known at preview.
        const guardDutyDetectorArn = detectorId.apply((id) => detectorArn(partitionOf(config["aws:region"]), config["aws:region"], config.accountId, id));

        const key = new FindingsKey("findings-key", {
            accountId: config.accountId,
            region: config["aws:region"],
            detectorArn: guardDutyDetectorArn,
            findingsExport: config.findingsExport,
        }, { parent: this });

        const archive = config.findingsExport
            ? new FindingsExport("findings-export", {
                accountId: config.accountId,
                region: config["aws:region"],
                detectorId,
                detectorArn: guardDutyDetectorArn,
                kmsKeyArn: key.key.arn,
            }, { parent: this })
            : undefined;

        // Owners and participants forward their coverage events here (GuardDuty publishes them in the resource's account).
        const coverageEvents = new CoverageEventBus("coverage-events", { organizationId: config.organizationId }, { parent: this });

        const alerts = new FindingsAlerts("alerts", {
            kmsKeyArn: key.key.arn,
            severityThreshold: config.findingsSeverityThreshold,
            notificationEmail: config.notificationEmail,
            coverageEventBusName: coverageEvents.bus.name,
        }, { parent: this });

        this.outputs = {
            agentManagement: config.agentManagement,
            detectorId,
            // Left out, not undefined, without export: the engine warns about undefined outputs.
            ...(archive ? { findingsBucketName: archive.bucket.bucket } : {}),
            findingsKmsKeyArn: key.key.arn,
            findingsTopicArn: alerts.topic.arn,
            coverageEventBusArn: coverageEvents.bus.arn,
        };
        this.registerOutputs(this.outputs);
    }
}

export async function auditProgram({ stack, raw }: StackProgramContext): Promise<StackOutputs<AuditOutputs>> {
    const config = parseAuditConfig(stack, raw);
    const provider = pinnedAwsProvider(stack, config);
    // The detector exists before the program runs (delegation creates it); `existingDetectorId` overrides the lookup.
    const existingDetectorId = config.existingDetectorId ?? (await findExistingDetector(provider, { accountId: config.accountId, region: config["aws:region"] }));
    return new Audit(stack, { ...config, existingDetectorId }, { providers: [provider] }).outputs;
}
