import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { resolvedDetectors } from "./findingsKey";
import { findingsBucketPolicy } from "./findingsPolicies";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";
import { GovernedRegion, regionalName } from "./governedRegions";

/** A governed region's detector, which exports its findings into the bucket through that region's provider. */
export interface RegionalDetector extends GovernedRegion {
    id: pulumi.Input<string>;
    /** Named in the bucket policy: GuardDuty may write for these detectors only (confused-deputy condition). */
    arn: pulumi.Input<string>;
}

export interface FindingsExportArgs {
    accountId: string;
    /** The bucket's region, the stack's home region; every detector exports here. */
    region: string;
    detectors: readonly RegionalDetector[];
    kmsKeyArn: pulumi.Input<string>;
}

/** One bucket per account and region; the account ID keeps the global bucket name unique. */
export function findingsBucketName(accountId: string, region: string): string {
    return `guardduty-findings-${accountId}-${region}`;
}

/**
 * GuardDuty keeps findings for 90 days; this exports them (the delegated administrator's export
 * includes every member's findings) to a bucket that keeps them: versioned, encrypted with the
 * findings key, closed to the public and to plain HTTP.
 */
export class FindingsExport extends pulumi.ComponentResource {
    readonly bucket: aws.s3.Bucket;
    /** One per governed region, the home region's first. */
    readonly destinations: aws.guardduty.PublishingDestination[];

    constructor(name: string, args: FindingsExportArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("findings", "FindingsExport"), name, {}, opts);

        // Protected: it is the findings archive, and deleting it is not recoverable.
        this.bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            {
                bucket: findingsBucketName(args.accountId, args.region),
                forceDestroy: false,
            },
            { parent: this, protect: true },
        );

        // ACLs off: the bucket owner owns every object GuardDuty writes, and policies alone decide access.
        new aws.s3.BucketOwnershipControls(
            `${name}-ownership`,
            {
                bucket: this.bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            { parent: this },
        );

        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: this.bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            { parent: this },
        );

        new aws.s3.BucketVersioning(
            `${name}-versioning`,
            {
                bucket: this.bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            { parent: this },
        );

        // The bucket key cuts KMS requests (and cost) per object without changing who may decrypt.
        const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: this.bucket.id,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }],
            },
            { parent: this },
        );

        // After the public access block: S3 rejects concurrent writes to a bucket's policy and its
        // public access block ("A conflicting conditional operation is currently in progress").
        const policy = new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: this.bucket.id,
                policy: pulumi
                    .all([this.bucket.arn, resolvedDetectors(args.detectors), args.kmsKeyArn])
                    .apply(([bucketArn, detectors, kmsKeyArn]) =>
                        JSON.stringify(findingsBucketPolicy({ bucketArn, accountId: args.accountId, detectors, kmsKeyArn })),
                    ),
            },
            { parent: this, dependsOn: [publicAccess] },
        );

        // GuardDuty checks its access to the bucket and the key when the destination is created,
        // so the policy and encryption must be in place first or creation fails. A detector in
        // another region exports here too (GuardDuty allows a bucket in another region); its
        // destination is created in its own region, through that region's provider.
        this.destinations = args.detectors.map(
            (detector) =>
                new aws.guardduty.PublishingDestination(
                    regionalName(`${name}-destination`, detector),
                    {
                        detectorId: detector.id,
                        destinationType: "S3",
                        destinationArn: this.bucket.arn,
                        kmsKeyArn: args.kmsKeyArn,
                    },
                    { parent: this, provider: detector.provider, dependsOn: [policy, encryption] },
                ),
        );

        this.registerOutputs({ bucketName: this.bucket.bucket });
    }
}
