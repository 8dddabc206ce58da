import * as pulumi from "@pulumi/pulumi";
import { AuditConfig, parseAuditConfig } from "../src/config/audit";
import { partitionOf } from "../src/config/regions";
import { AuditOutputs, StackOutputs } from "guardduty-shared-vpc-contract";
import { CoverageEventBus } from "../src/components/coverageEvents";
import { FindingsAlerts } from "../src/components/findingsAlerts";
import { FindingsExport, RegionalDetector } from "../src/components/findingsExport";
import { FindingsForwarding } from "../src/components/findingsForwarding";
import { detectorArn } from "../src/components/findingsPolicies";
import { FindingsKey } from "../src/components/findingsKey";
import { GovernedRegion, governedRegions, homeOf, regionalName } from "../src/components/governedRegions";
import { findExistingDetector, GuardDutyAdministrator } from "../src/components/guardDutyAdministrator";
import type { StackProgramContext } from "../src/program";
import { roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

/** A governed region and the detector already there (looked up, or `existingDetectorId` for the home region). */
export interface AuditRegion extends GovernedRegion {
    existingDetectorId?: string;
}

/**
 * The delegated GuardDuty administrator (audit) account: in each governed region (`regions`, by
 * default the stack's own) its detector, Runtime Monitoring for itself and the organization's
 * members, and that region's findings export and alerts; in the home region (`aws:region`) the
 * one findings archive, key and alerts topic they all use. Deployed after the management stack,
 * which makes this account the administrator in those regions.
 */
export class Audit extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<AuditOutputs>;

    /** `regions`: every governed region with its provider; the component itself inherits the home region's. */
    constructor(name: string, config: AuditConfig, regions: readonly AuditRegion[], opts?: pulumi.ComponentResourceOptions) {
        super(roleComponentType("audit"), name, {}, opts);

        const partition = partitionOf(config["aws:region"]);
        const detectors: RegionalDetector[] = regions.map((where) => {
            const guardDuty = new GuardDutyAdministrator(
                regionalName("guardduty", where),
                {
                    autoEnableOrganizationMembers: config.autoEnableOrganizationMembers,
                    agentManagement: config.agentManagement,
                    runtimeMonitoring: config.runtimeMonitoring,
                    existingDetectorId: where.existingDetectorId,
                },
                { parent: this, providers: [where.provider] },
            );
            const id = guardDuty.detector.id;
            // Built from known parts rather than read back: an adopted detector's ARN output is not known at preview.
            return { ...where, id, arn: id.apply((detectorId) => detectorArn(partition, where.region, config.accountId, detectorId)) };
        });
        const home = homeOf(detectors);

        const key = new FindingsKey(
            "findings-key",
            {
                accountId: config.accountId,
                region: config["aws:region"],
                detectors,
                findingsExport: config.findingsExport,
            },
            { parent: this },
        );

        const archive = config.findingsExport
            ? new FindingsExport(
                  "findings-export",
                  {
                      accountId: config.accountId,
                      region: config["aws:region"],
                      detectors,
                      kmsKeyArn: key.key.arn,
                  },
                  { parent: this },
              )
            : undefined;

        // Owners and participants forward their coverage events here (GuardDuty publishes them in the resource's account).
        const coverageEvents = new CoverageEventBus("coverage-events", { organizationId: config.organizationId }, { parent: this });

        const alerts = new FindingsAlerts(
            "alerts",
            {
                kmsKeyArn: key.key.arn,
                severityThreshold: config.findingsSeverityThreshold,
                notificationEmail: config.notificationEmail,
                coverageEventBusName: coverageEvents.bus.name,
            },
            { parent: this },
        );

        const elsewhere = regions.filter((where) => !where.home);
        if (elsewhere.length > 0) {
            new FindingsForwarding(
                "alerts-forwarding",
                {
                    accountId: config.accountId,
                    homeRegion: config["aws:region"],
                    severityThreshold: config.findingsSeverityThreshold,
                    regions: elsewhere,
                },
                { parent: this },
            );
        }

        this.outputs = {
            agentManagement: config.agentManagement,
            detectorId: home.id,
            detectorIds: pulumi.all(Object.fromEntries(detectors.map((detector) => [detector.region, detector.id]))),
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
    // Each region's detector exists before the program runs (delegation creates it); `existingDetectorId` names the home region's instead.
    const regions: AuditRegion[] = await Promise.all(
        governedRegions(stack, config).map(async (where) => ({
            ...where,
            existingDetectorId:
                where.home && config.existingDetectorId !== undefined
                    ? config.existingDetectorId
                    : await findExistingDetector(where.provider, { accountId: config.accountId, region: where.region, overridable: where.home }),
        })),
    );
    return new Audit(stack, config, regions, { providers: [homeOf(regions).provider] }).outputs;
}
