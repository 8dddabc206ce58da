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

/** A detector that exports findings with the findings key into the findings bucket. */
export interface ExportingDetector {
    /** The detector's region, which names the principal GuardDuty writes as from there. */
    region: string;
    arn: string;
}

/** One value as itself, several as a list: a one-region stack's policies stay exactly what they were. */
function oneOrMany(values: readonly string[]): string | string[] {
    return values.length === 1 ? values[0] : [...values];
}

/**
 * The principals GuardDuty writes as, from detectors in `regions`: each region's (see
 * guardDutyServicePrincipal), once each. Detectors of several regions exporting into one bucket
 * and key each write as their own region's principal.
 */
function guardDutyPrincipal(detectors: readonly ExportingDetector[]): { Service: string | string[] } {
    return { Service: oneOrMany([...new Set(detectors.map((detector) => guardDutyServicePrincipal(detector.region)))]) };
}

/** The detector's ARN, built from parts that are known before deployment (an adopted detector's ARN output is not). */
export function detectorArn(partition: string, region: string, accountId: string, detectorId: string): string {
    return `arn:${partition}:guardduty:${region}:${accountId}:detector/${detectorId}`;
}

/**
 * GuardDuty writes for our own detectors only: without these conditions any account's GuardDuty
 * could be steered into this bucket or key (the confused-deputy problem). With several regions,
 * aws:SourceArn lists every region's detector (StringEquals matches any value of a list).
 */
function fromOurDetectors(accountId: string, detectors: readonly ExportingDetector[]): Condition {
    return { StringEquals: { "aws:SourceAccount": accountId, "aws:SourceArn": oneOrMany(detectors.map((detector) => detector.arn)) } };
}

export interface FindingsKeyPolicyArgs {
    /** The key's region (the stack's home region): it names the ARN partition. */
    region: string;
    accountId: string;
    /** Every detector that exports with this key, the home region's and the other governed regions'. */
    detectors: readonly ExportingDetector[];
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
            Principal: guardDutyPrincipal(args.detectors),
            Action: "kms:GenerateDataKey",
            Resource: "*",
            Condition: fromOurDetectors(args.accountId, args.detectors),
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
    accountId: string;
    /** Every detector that exports into the bucket; their regions name GuardDuty's principals. */
    detectors: readonly ExportingDetector[];
    kmsKeyArn: string;
}

/**
 * The findings bucket's policy, after the GuardDuty export guide: GuardDuty may locate the bucket
 * and put objects for our detectors only, must encrypt every object with our key (the two
 * optional Deny statements of the guide), and nobody may reach the bucket without TLS.
 */
export function findingsBucketPolicy(args: FindingsBucketPolicyArgs): PolicyDocument {
    const objects = `${args.bucketArn}/*`;
    const guardDuty = guardDutyPrincipal(args.detectors);
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
                Condition: fromOurDetectors(args.accountId, args.detectors),
            },
            {
                Sid: "GuardDutyPutFindings",
                Effect: "Allow",
                Principal: guardDuty,
                Action: "s3:PutObject",
                Resource: objects,
                Condition: fromOurDetectors(args.accountId, args.detectors),
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

/**
 * Who may assume the forwarding role: EventBridge. No aws:SourceArn/aws:SourceAccount condition:
 * that EventBridge sets them when it assumes a rule target's role is not confirmed here, and a
 * condition that never matches would drop every forwarded alert silently; the role can do one
 * thing only (eventsForwardingPolicy).
 */
export function eventsForwardingTrustPolicy(): { Version: "2012-10-17"; Statement: { Effect: "Allow"; Principal: { Service: string }; Action: string }[] } {
    return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: EVENTS_SERVICE }, Action: "sts:AssumeRole" }] };
}

/** The forwarding role may put events on the home region's default bus and nothing else. */
export function eventsForwardingPolicy(homeBusArn: string): {
    Version: "2012-10-17";
    Statement: { Sid: string; Effect: "Allow"; Action: string; Resource: string }[];
} {
    return { Version: "2012-10-17", Statement: [{ Sid: "ForwardToHomeRegionBus", Effect: "Allow", Action: "events:PutEvents", Resource: homeBusArn }] };
}
