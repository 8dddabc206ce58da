/**
 * Runtime Monitoring coverage events, carried to the audit account.
 *
 * GuardDuty publishes "GuardDuty Runtime Protection Unhealthy" / "… Healthy" on the EventBridge
 * bus *of the account that owns the resource* (GuardDuty user guide, gdu-assess-coverage-ec2:
 * "By default, GuardDuty publishes this in the EventBridge bus for your account"), unlike
 * findings, which the delegated administrator's bus receives for every member. So every owner
 * and participant stack forwards those events from its own default bus to one bus in the audit
 * account, where the alert rule lives.
 *
 * The builders at the top are pure (plain strings in, documents out) so they test without mocks.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EVENTS_SERVICE, EventPattern, RUNTIME_HEALTHY_DETAIL_TYPE, RUNTIME_UNHEALTHY_DETAIL_TYPE } from "./findingsPolicies";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

/** The audit account's bus for coverage events; one per account and region. */
export const COVERAGE_EVENT_BUS_NAME = "guardduty-coverage";

/** Both directions travel, so a receiver can also tell when a resource recovered; only UNHEALTHY alerts. */
export const COVERAGE_DETAIL_TYPES = [RUNTIME_UNHEALTHY_DETAIL_TYPE, RUNTIME_HEALTHY_DETAIL_TYPE] as const;

/** What each owner and participant forwards from its default bus. */
export function coverageForwardingPattern(): EventPattern {
    return { source: ["aws.guardduty"], "detail-type": [...COVERAGE_DETAIL_TYPES] };
}

interface ResourceStatement {
    Sid: string;
    Effect: "Allow";
    Principal: "*";
    Action: string;
    Resource: string;
    Condition: Record<string, Record<string, string>>;
}

/**
 * The coverage bus's resource policy: any principal of the organization may put events on it,
 * nobody else. Organization membership is the one condition EventBridge documents for
 * cross-account delivery by organization; senders must then use a role of their own (see
 * CoverageForwarding), which is what makes the principal an organization member. Forged
 * GuardDuty events are not a concern here: EventBridge refuses `PutEvents` entries whose source
 * starts with `aws.`, so what arrives with source `aws.guardduty` was forwarded, not written.
 */
export function coverageEventBusPolicy(busArn: string, organizationId: string): { Version: "2012-10-17"; Statement: ResourceStatement[] } {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "OrganizationForwardsCoverageEvents",
                Effect: "Allow",
                Principal: "*",
                Action: "events:PutEvents",
                Resource: busArn,
                Condition: { StringEquals: { "aws:PrincipalOrgID": organizationId } },
            },
        ],
    };
}

/** EventBridge assumes the forwarding role to deliver to the other account's bus. */
export function eventsAssumeRolePolicy() {
    return {
        Version: "2012-10-17" as const,
        Statement: [{ Effect: "Allow" as const, Principal: { Service: EVENTS_SERVICE }, Action: "sts:AssumeRole" }],
    };
}

/** Least privilege for the forwarding role: put events on the audit account's coverage bus, nothing else. */
export function forwardingRolePolicy(busArn: string) {
    return {
        Version: "2012-10-17" as const,
        Statement: [{ Sid: "PutCoverageEventsOnAuditBus", Effect: "Allow" as const, Action: "events:PutEvents", Resource: busArn }],
    };
}

/**
 * The event fields the coverage alert renders, as the GuardDuty user guide's sample notification
 * schemas name them (gdu-assess-coverage-ec2, -ecs, eks-runtime-monitoring-coverage):
 * `detail.resourceAccountId`, `detail.resourceDetails.resourceType` (EC2, ECS, EKS),
 * `…ec2InstanceDetails.instanceId`, `…ecsClusterDetails.clusterName`,
 * `…eksClusterDetails.clusterName`, `detail.issue`, `detail.lastUpdatedAt`; `region` is the
 * event envelope's. An event carries the details of one resource type only; EventBridge does
 * not create a variable whose path is missing from the event (EventBridge user guide, input
 * transformation, common issues), so the two absent resource variables render as nothing.
 */
export const COVERAGE_ALERT_INPUT_PATHS = {
    account: "$.detail.resourceAccountId",
    region: "$.region",
    resourceType: "$.detail.resourceDetails.resourceType",
    instanceId: "$.detail.resourceDetails.ec2InstanceDetails.instanceId",
    ecsCluster: "$.detail.resourceDetails.ecsClusterDetails.clusterName",
    eksCluster: "$.detail.resourceDetails.eksClusterDetails.clusterName",
    issue: "$.detail.issue",
    updatedAt: "$.detail.lastUpdatedAt",
} as const;

/**
 * The text a person receives: what turned UNHEALTHY, where, why, and the command that re-checks
 * it. `<` and `>` cannot be escaped in an input template, so the participant stack the reader
 * fills in is written PARTICIPANT_STACK.
 */
export const COVERAGE_ALERT_LINES: readonly string[] = [
    "GuardDuty Runtime Monitoring coverage turned UNHEALTHY",
    "",
    "Account:  <account>",
    "Region:   <region>",
    "Resource: <resourceType> <instanceId><ecsCluster><eksCluster>",
    "Issue:    <issue>",
    "Since:    <updatedAt>",
    "",
    "Until it is fixed, GuardDuty receives no runtime events from this resource and raises no Runtime Monitoring findings for it.",
    "What the issue usually means, and the fix: guardduty-shared-vpc docs/verify.md (the guide to GuardDuty issue texts).",
    "Once fixed, re-check from the audit account (EC2 instances of a participant stack):",
    "  AWS_PROFILE=audit npm run verify -- organization/guardduty-shared-vpc/PARTICIPANT_STACK --region <region> --wait 15m",
    "  where PARTICIPANT_STACK is the participant stack that deploys into account <account>.",
];

/**
 * A plain-text message for the SNS topic. For multi-line text EventBridge takes one quoted
 * string per line (EventBridge user guide, input transformation); JSON.stringify quotes and
 * escapes each line, so a line can never break the template.
 */
export function coverageAlertInputTransformer(): { inputPaths: Record<string, string>; inputTemplate: string } {
    return {
        inputPaths: { ...COVERAGE_ALERT_INPUT_PATHS },
        inputTemplate: COVERAGE_ALERT_LINES.map((line) => JSON.stringify(line)).join("\n"),
    };
}

export interface CoverageEventBusArgs {
    /** Only principals of this organization may put events on the bus. */
    organizationId: string;
}

/** The audit account's bus that owners and participants forward coverage events to. */
export class CoverageEventBus extends pulumi.ComponentResource {
    readonly bus: aws.cloudwatch.EventBus;
    readonly policy: aws.cloudwatch.EventBusPolicy;

    constructor(name: string, args: CoverageEventBusArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("events", "CoverageEventBus"), name, {}, opts);

        this.bus = new aws.cloudwatch.EventBus(
            `${name}-bus`,
            {
                name: COVERAGE_EVENT_BUS_NAME,
                description: "GuardDuty Runtime Monitoring coverage events forwarded by the organization's owner and participant accounts",
            },
            { parent: this },
        );

        this.policy = new aws.cloudwatch.EventBusPolicy(
            `${name}-policy`,
            {
                eventBusName: this.bus.name,
                policy: this.bus.arn.apply((arn) => JSON.stringify(coverageEventBusPolicy(arn, args.organizationId))),
            },
            { parent: this },
        );

        this.registerOutputs({ arn: this.bus.arn });
    }
}

export interface CoverageForwardingArgs {
    /** The audit stack's `coverageEventBusArn`, read through a stack reference. */
    coverageEventBusArn: pulumi.Input<string>;
}

/**
 * Forwards this account's coverage events to the audit account's bus: a rule on the default bus
 * and a target naming the other account's bus, delivered through a role of this account.
 *
 * The role is required, not a nicety: EventBridge requires an IAM role on every cross-account
 * event-bus target created after 2 March 2023 (EventBridge user guide, "Sending and receiving
 * events between AWS accounts"), and when the receiving bus grants access to an organization,
 * senders "must specify a RoleArn" on the target (EventBridge API reference, PutPermission).
 */
export class CoverageForwarding extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly rolePolicy: aws.iam.RolePolicy;
    readonly rule: aws.cloudwatch.EventRule;
    readonly target: aws.cloudwatch.EventTarget;

    constructor(name: string, args: CoverageForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("events", "CoverageForwarding"), name, {}, opts);

        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "EventBridge forwards GuardDuty Runtime Monitoring coverage events to the audit account's bus",
                assumeRolePolicy: JSON.stringify(eventsAssumeRolePolicy()),
            },
            { parent: this },
        );
        this.rolePolicy = new aws.iam.RolePolicy(
            `${name}-put-events`,
            {
                role: this.role.name,
                policy: pulumi.output(args.coverageEventBusArn).apply((arn) => JSON.stringify(forwardingRolePolicy(arn))),
            },
            { parent: this },
        );

        // On the default bus: that is where GuardDuty publishes this account's coverage events.
        this.rule = new aws.cloudwatch.EventRule(
            `${name}-rule`,
            {
                description: "GuardDuty Runtime Monitoring coverage changes (Unhealthy and Healthy), forwarded to the audit account",
                eventPattern: JSON.stringify(coverageForwardingPattern()),
            },
            { parent: this },
        );

        // After the role can put events, so the first coverage change after deployment is delivered.
        this.target = new aws.cloudwatch.EventTarget(
            `${name}-to-audit`,
            {
                rule: this.rule.name,
                arn: args.coverageEventBusArn,
                roleArn: this.role.arn,
            },
            { parent: this, dependsOn: [this.rolePolicy] },
        );

        this.registerOutputs({ ruleArn: this.rule.arn });
    }
}
