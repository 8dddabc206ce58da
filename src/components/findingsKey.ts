import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ExportingDetector, findingsKeyPolicy } from "./findingsPolicies";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface FindingsKeyArgs {
    accountId: string;
    /** The key's region, the stack's home region. */
    region: string;
    /**
     * The only detectors GuardDuty may use the key for (confused-deputy condition): every governed
     * region's, since they all export into the home region's bucket, which needs a key of its own
     * region (GuardDuty's export guide: the bucket and key must be in the same region).
     */
    detectors: readonly { region: string; arn: pulumi.Input<string> }[];
    /** Whether GuardDuty exports findings with this key (its grant exists only then). */
    findingsExport: boolean;
}

/**
 * The customer-managed key for exported findings and the alerts topic. A customer-managed key
 * because GuardDuty's S3 export requires one, and an AWS-managed key (alias/aws/sns) cannot let
 * EventBridge publish into an encrypted topic: its policy cannot be edited.
 */
export class FindingsKey extends pulumi.ComponentResource {
    readonly key: aws.kms.Key;
    readonly alias: aws.kms.Alias;

    constructor(name: string, args: FindingsKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("findings", "FindingsKey"), name, {}, opts);

        const policy = resolvedDetectors(args.detectors).apply((detectors) =>
            JSON.stringify(
                findingsKeyPolicy({
                    region: args.region,
                    accountId: args.accountId,
                    detectors,
                    findingsExport: args.findingsExport,
                }),
            ),
        );

        // Protected: every exported finding (and every version of it) is readable only with this
        // key; scheduling its deletion makes the whole archive unreadable after the window.
        this.key = new aws.kms.Key(
            `${name}-key`,
            {
                description: "GuardDuty findings: S3 export and the alerts topic",
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                policy,
            },
            { parent: this, protect: true },
        );

        this.alias = new aws.kms.Alias(
            `${name}-alias`,
            {
                name: "alias/guardduty-findings",
                targetKeyId: this.key.keyId,
            },
            { parent: this },
        );

        this.registerOutputs({ keyArn: this.key.arn });
    }
}

/** Detectors whose ARNs may still be Outputs, as plain values for the policy builders. */
export function resolvedDetectors(detectors: readonly { region: string; arn: pulumi.Input<string> }[]): pulumi.Output<ExportingDetector[]> {
    return pulumi.all(detectors.map((detector) => pulumi.output(detector.arn).apply((arn): ExportingDetector => ({ region: detector.region, arn }))));
}
