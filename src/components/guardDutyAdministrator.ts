import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AutoEnable } from "../config/audit";
import { AgentAutomation, detectorRuntimeMonitoring, organizationRuntimeMonitoring } from "./guardDutyFeatures";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface GuardDutyAdministratorArgs extends AgentAutomation {
    autoEnableOrganizationMembers: AutoEnable;
    /** The detector already in this account and region (see findExistingDetector); adopted instead of created. */
    existingDetectorId?: string;
}

/**
 * How the provider's detector lookup says there is none: without an ID it lists the account's
 * detectors in the region and insists on exactly one (terraform-provider-aws
 * `aws_guardduty_detector` data source, `tfresource.AssertSingleValueResult`).
 */
const NO_DETECTOR = /reading this account's single GuardDuty Detector: empty result/;

/** The lookup failed for another reason than "there is none", so whether one exists is unknown. */
export class DetectorLookupError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "DetectorLookupError";
    }
}

/**
 * The ID of the GuardDuty detector in the provider's account and region, or undefined when there
 * is none. Designating the delegated administrator (management stack) enables GuardDuty in the
 * audit account, so after the documented deploy order one exists, and AWS allows only one per
 * account and region: the audit stack must adopt it, not create another. Asked on every run,
 * through the stack's pinned provider; once the detector is in the stack's state the answer is
 * the same ID, and the engine treats an `import` of the ID it already holds like any other
 * resource (a different ID would mean replacing it, which `protect` stops). Any failure other
 * than "none" stops the run: a guess either way would create a second detector (refused by AWS)
 * or import one that is not there.
 */
export async function findExistingDetector(
    provider: pulumi.ProviderResource,
    where: { accountId: string; region: string; overridable?: boolean },
): Promise<string | undefined> {
    try {
        return (await aws.guardduty.getDetector({}, { provider })).id;
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (NO_DETECTOR.test(message)) {
            return undefined;
        }
        throw new DetectorLookupError(
            `Looking up the GuardDuty detector of account ${where.accountId} in ${where.region} failed, so the audit stack cannot tell whether to adopt one or create one. ` +
                "The deploying identity needs guardduty:ListDetectors and guardduty:GetDetector in the audit account (docs/permissions.md). " +
                (where.overridable === false
                    ? `guardduty-shared-vpc:existingDetectorId names the home region's detector only, so in ${where.region} the lookup must succeed (\`aws guardduty list-detectors --region ${where.region}\` with the same credentials shows what it sees).\n`
                    : `To skip the lookup, set guardduty-shared-vpc:existingDetectorId to the detector's ID (\`aws guardduty list-detectors --region ${where.region}\`).\n`) +
                `The provider said: ${message.trim()}`,
            { cause: error },
        );
    }
}

/**
 * Options for the detector. Adopting uses the `import` option, which the engine keeps as a no-op
 * once the detector is in the stack's state (same ID); since the lookup finds the detector on
 * every run, adoption is asked for every time. An import fails unless the program's inputs equal
 * the detector's: the provider's default tags make `tags` and `tagsAll` differ on GuardDuty
 * detectors (pulumi/pulumi-aws #5284, #4030), so the detector ignores those two and an adopted
 * one never receives the stack's default tags.
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
        super(componentType("guardduty", "GuardDutyAdministrator"), name, {}, opts);

        // The same resource name whether created or adopted, so an adopted detector and a created
        // one share a URN and switching between the two never plans a replacement. Only `enable`
        // is set: an imported detector must match the program, and GuardDuty's auto-created one
        // differs from ours in nothing else (findingPublishingFrequency stays AWS's SIX_HOURS,
        // which paces updates of known findings only; new findings export within about 5 minutes).
        this.detector = new aws.guardduty.Detector(`${name}-detector`, { enable: true }, { parent: this, ...detectorOptions(args.existingDetectorId) });

        const own = detectorRuntimeMonitoring(args);
        new aws.guardduty.DetectorFeature(
            `${name}-runtime-monitoring`,
            {
                detectorId: this.detector.id,
                name: own.name,
                status: own.status,
                additionalConfigurations: own.additionalConfigurations,
            },
            { parent: this },
        );

        const organization = new aws.guardduty.OrganizationConfiguration(
            `${name}-organization`,
            {
                detectorId: this.detector.id,
                autoEnableOrganizationMembers: args.autoEnableOrganizationMembers,
            },
            { parent: this },
        );

        // Both resources write through UpdateOrganizationConfiguration; one after the other keeps
        // two concurrent writes from racing.
        const members = organizationRuntimeMonitoring(args, args.autoEnableOrganizationMembers);
        new aws.guardduty.OrganizationConfigurationFeature(
            `${name}-members-runtime-monitoring`,
            {
                detectorId: this.detector.id,
                name: members.name,
                autoEnable: members.autoEnable,
                additionalConfigurations: members.additionalConfigurations,
            },
            { parent: this, dependsOn: [organization] },
        );

        this.registerOutputs({ detectorId: this.detector.id });
    }
}
