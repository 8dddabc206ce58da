import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { findingsKeyPolicy } from "./findingsPolicies";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface FindingsKeyArgs {
    accountId: string;
    region: string;
    /** The only detector GuardDuty may use the key for (confused-deputy condition). */
    detectorArn: pulumi.Input<string>;
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

        const policy = pulumi.output(args.detectorArn).apply((detectorArn) =>
            JSON.stringify(findingsKeyPolicy({
                region: args.region,
                accountId: args.accountId,
                detectorArn,
                findingsExport: args.findingsExport,
            })),
        );

        // Protected: every exported finding (and every version of it) is readable only with this
        // key; scheduling its deletion makes the whole archive unreadable after the window.
        this.key = new aws.kms.Key(`${name}-key`, {
            description: "GuardDuty findings: S3 export and the alerts topic",
            enableKeyRotation: true,
            deletionWindowInDays: 30,
            policy,
        }, { parent: this, protect: true });

        this.alias = new aws.kms.Alias(`${name}-alias`, {
            name: "alias/guardduty-findings",
            targetKeyId: this.key.keyId,
        }, { parent: this });

        this.registerOutputs({ keyArn: this.key.arn });
    }
}
