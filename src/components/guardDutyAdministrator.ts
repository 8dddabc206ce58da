import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AutoEnable } from "../config/audit";
import { AgentAutomation, detectorRuntimeMonitoring, organizationRuntimeMonitoring } from "./guardDutyFeatures";

export interface GuardDutyAdministratorArgs extends AgentAutomation {
    autoEnableOrganizationMembers: AutoEnable;
    /** The detector designating this account as delegated administrator already created; adopted instead of created. */
    existingDetectorId?: string;
}

/**
 * Options for the detector. Adopting uses the `import` option, which the engine keeps as a no-op
 * once the detector is in the stack's state (same ID), so the key can stay set. An import fails
 * unless the program's inputs equal the detector's: the provider's default tags make `tags` and
 * `tagsAll` differ on GuardDuty detectors (pulumi/pulumi-aws #5284, #4030), so an adopted
 * detector ignores those two; removing `existingDetectorId` after the first `up` lets the
 * stack's tags reach it in an ordinary in-place update.
 */
export function detectorOptions(existingDetectorId: string | undefined): pulumi.CustomResourceOptions {
    // Deleting a detector deletes every finding it holds, members' included.
    const base: pulumi.CustomResourceOptions = { protect: true };
    return existingDetectorId === undefined ? base : { ...base, import: existingDetectorId, ignoreChanges: ["tags", "tagsAll"] };
}

/**
 * The delegated administrator's GuardDuty: its detector with Runtime Monitoring, and the
 * organization configuration that turns GuardDuty and Runtime Monitoring on in member accounts
 * (the shared-VPC owner and participants among them).
 */
export class GuardDutyAdministrator extends pulumi.ComponentResource {
    readonly detector: aws.guardduty.Detector;

    constructor(name: string, args: GuardDutyAdministratorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("guardduty-shared-vpc:guardduty:GuardDutyAdministrator", name, {}, opts);

        // The same resource name whether created or adopted, so an adopted detector and a created
        // one share a URN and switching between the two never plans a replacement. Only `enable`
        // is set: an imported detector must match the program, and GuardDuty's auto-created one
        // differs from ours in nothing else (findingPublishingFrequency stays AWS's SIX_HOURS,
        // which paces updates of known findings only; new findings export within about 5 minutes).
        this.detector = new aws.guardduty.Detector(`${name}-detector`, { enable: true }, { parent: this, ...detectorOptions(args.existingDetectorId) });

        const own = detectorRuntimeMonitoring(args);
        new aws.guardduty.DetectorFeature(`${name}-runtime-monitoring`, {
            detectorId: this.detector.id,
            name: own.name,
            status: own.status,
            additionalConfigurations: own.additionalConfigurations,
        }, { parent: this });

        const organization = new aws.guardduty.OrganizationConfiguration(`${name}-organization`, {
            detectorId: this.detector.id,
            autoEnableOrganizationMembers: args.autoEnableOrganizationMembers,
        }, { parent: this });

        // Both resources write through UpdateOrganizationConfiguration; one after the other keeps
        // two concurrent writes from racing.
        const members = organizationRuntimeMonitoring(args, args.autoEnableOrganizationMembers);
        new aws.guardduty.OrganizationConfigurationFeature(`${name}-members-runtime-monitoring`, {
            detectorId: this.detector.id,
            name: members.name,
            autoEnable: members.autoEnable,
            additionalConfigurations: members.additionalConfigurations,
        }, { parent: this, dependsOn: [organization] });

        this.registerOutputs({ detectorId: this.detector.id });
    }
}
