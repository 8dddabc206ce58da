/**
 * Pure builders for the audit stack's resource policies and event patterns, kept free of Pulumi
 * so they test without mocks. Each takes plain strings; the components resolve Outputs first.
 */
import { isOptInRegion, partitionOf } from "../config/regions";
import type { Condition, PolicyDocument, Statement } from "../iam";

export const EVENTS_SERVICE = "events.amazonaws.com";

/**
 * The principal GuardDuty writes exported findings as, from a detector in `region`: its regional
 * name in opt-in regions, as the GuardDuty export guide requires there ("replace the value for
 * the Service with the Regional endpoint for that Region"), the global one everywhere else.
 */
export function guardDutyServicePrincipal(region: string): string {
    return isOptInRegion(region) ? `guardduty.${region}.amazonaws.com` : "guardduty.amazonaws.com";
}

/** The detector's ARN, built from parts that are known before deployment (an adopted detector's ARN output is not). */
export function detectorArn(partition: string, region: string, accountId: string, detectorId: string): string {
    return `arn:${partition}:guardduty:${region}:${accountId}:detector/${detectorId}`;
}

/**
 * GuardDuty writes for its own detector only: without these conditions any account's GuardDuty
 * could be steered into this bucket or key (the confused-deputy problem).
 */
function fromOurDetector(accountId: string, detector: string): Condition {
    return { StringEquals: { "aws:SourceAccount": accountId, "aws:SourceArn": detector } };
}

export interface FindingsKeyPolicyArgs {
    /** The key's and the detector's region: it names GuardDuty's principal and the ARN partition. */
    region: string;
    accountId: string;
    detectorArn: string;
    /** Grant GuardDuty its data-key permission only while it exports findings with this key. */
    findingsExport: boolean;
}

/**
 * The findings key's policy. The account statement keeps the key manageable through IAM (without
 * it a key can become unmanageable); GuardDuty gets only kms:GenerateDataKey, the one action the
 * GuardDuty export guide grants; EventBridge gets GenerateDataKey and Decrypt to publish into the
 * encrypted topic. EventBridge's statement carries no aws:SourceArn/aws:SourceAccount condition:
 * the SNS guide for encrypted topics notes that those keys are not supported for EventBridge
 * delivery, and a condition that never matches drops every alert silently.
 */
export function findingsKeyPolicy(args: FindingsKeyPolicyArgs): PolicyDocument {
    const statements: Statement[] = [
        {
            Sid: "AccountAdministersKey",
            Effect: "Allow",
            Principal: { AWS: `arn:${partitionOf(args.region)}:iam::${args.accountId}:root` },
            Action: "kms:*",
            Resource: "*",
        },
    ];
    if (args.findingsExport) {
        statements.push({
            Sid: "GuardDutyEncryptsExportedFindings",
            Effect: "Allow",
            Principal: { Service: guardDutyServicePrincipal(args.region) },
            Action: "kms:GenerateDataKey",
            Resource: "*",
            Condition: fromOurDetector(args.accountId, args.detectorArn),
        });
    }
    statements.push({
        Sid: "EventBridgePublishesToEncryptedTopic",
        Effect: "Allow",
        Principal: { Service: EVENTS_SERVICE },
        Action: ["kms:GenerateDataKey", "kms:Decrypt"],
        Resource: "*",
    });
    return { Version: "2012-10-17", Statement: statements };
}

export interface FindingsBucketPolicyArgs {
    bucketArn: string;
    /** The detector's region, which names GuardDuty's principal. */
    region: string;
    accountId: string;
    detectorArn: string;
    kmsKeyArn: string;
}

/**
 * The findings bucket's policy, after the GuardDuty export guide: GuardDuty may locate the bucket
 * and put objects for our detector only, must encrypt every object with our key (the two
 * optional Deny statements of the guide), and nobody may reach the bucket without TLS.
 */
export function findingsBucketPolicy(args: FindingsBucketPolicyArgs): PolicyDocument {
    const objects = `${args.bucketArn}/*`;
    const guardDuty = { Service: guardDutyServicePrincipal(args.region) };
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [args.bucketArn, objects],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
                Sid: "GuardDutyGetBucketLocation",
                Effect: "Allow",
                Principal: guardDuty,
                Action: "s3:GetBucketLocation",
                Resource: args.bucketArn,
                Condition: fromOurDetector(args.accountId, args.detectorArn),
            },
            {
                Sid: "GuardDutyPutFindings",
                Effect: "Allow",
                Principal: guardDuty,
                Action: "s3:PutObject",
                Resource: objects,
                Condition: fromOurDetector(args.accountId, args.detectorArn),
            },
            {
                Sid: "DenyUnencryptedFindings",
                Effect: "Deny",
                Principal: guardDuty,
                Action: "s3:PutObject",
                Resource: objects,
                Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
            },
            {
                Sid: "DenyFindingsUnderAnotherKey",
                Effect: "Deny",
                Principal: guardDuty,
                Action: "s3:PutObject",
                Resource: objects,
                // The exact key ARN: StringNotEquals does no wildcard matching, and GuardDuty sends the key's ARN.
                Condition: { StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": args.kmsKeyArn } },
            },
        ],
    };
}

/** EventBridge may publish into the alerts topic, and only for our own rules. */
export function alertsTopicPolicy(topicArn: string, ruleArns: readonly string[]): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "EventBridgePublishesAlerts",
                Effect: "Allow",
                Principal: { Service: EVENTS_SERVICE },
                Action: "sns:Publish",
                Resource: topicArn,
                Condition: { ArnEquals: { "aws:SourceArn": [...ruleArns] } },
            },
        ],
    };
}

export interface EventPattern {
    source: string[];
    "detail-type": string[];
    detail?: Record<string, unknown>;
}

export const FINDING_DETAIL_TYPE = "GuardDuty Finding";
export const RUNTIME_UNHEALTHY_DETAIL_TYPE = "GuardDuty Runtime Protection Unhealthy";
export const RUNTIME_HEALTHY_DETAIL_TYPE = "GuardDuty Runtime Protection Healthy";

/**
 * GuardDuty findings at or above `threshold`. As delegated administrator the audit account's
 * event bus also receives its members' findings, so one rule covers the organization.
 */
export function findingsEventPattern(threshold: number): EventPattern {
    return {
        source: ["aws.guardduty"],
        "detail-type": [FINDING_DETAIL_TYPE],
        detail: { severity: [{ numeric: [">=", threshold] }] },
    };
}

/** A runtime agent stopped reporting or could not be set up (e.g. the shared VPC's endpoint is missing). */
export function runtimeUnhealthyEventPattern(): EventPattern {
    return { source: ["aws.guardduty"], "detail-type": [RUNTIME_UNHEALTHY_DETAIL_TYPE] };
}
