import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { coverageAlertInputTransformer } from "./coverageEvents";
import { alertsTopicPolicy, EventPattern, findingsEventPattern, runtimeUnhealthyEventPattern } from "./findingsPolicies";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface FindingsAlertsArgs {
    kmsKeyArn: pulumi.Input<string>;
    severityThreshold: number;
    /** Omit for a topic without subscribers (e.g. a SIEM subscribes out of band). */
    notificationEmail?: string;
    /**
     * The bus owners and participants forward their coverage events to (CoverageEventBus):
     * GuardDuty publishes them in the resource's own account, so the default bus here never
     * sees a participant's instance.
     */
    coverageEventBusName: pulumi.Input<string>;
}

/**
 * Alerts for what needs a human: findings at or above the threshold, and runtime agents that
 * stopped reporting (an UNHEALTHY workload generates no runtime findings at all, so silence
 * would otherwise look like safety). Both go to one encrypted topic.
 */
export class FindingsAlerts extends pulumi.ComponentResource {
    readonly topic: aws.sns.Topic;
    readonly findingsRule: aws.cloudwatch.EventRule;
    readonly runtimeUnhealthyRule: aws.cloudwatch.EventRule;
    readonly emailSubscription?: aws.sns.TopicSubscription;

    constructor(name: string, args: FindingsAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("findings", "FindingsAlerts"), name, {}, opts);

        // Findings name hosts, users and IPs; the topic keeps them encrypted at rest.
        this.topic = new aws.sns.Topic(
            `${name}-topic`,
            {
                kmsMasterKeyId: args.kmsKeyArn,
            },
            { parent: this },
        );

        const rule = (suffix: string, description: string, pattern: EventPattern, eventBusName?: pulumi.Input<string>) =>
            new aws.cloudwatch.EventRule(
                `${name}-${suffix}`,
                {
                    description,
                    eventPattern: JSON.stringify(pattern),
                    eventBusName,
                },
                { parent: this },
            );
        // Findings stay on the default bus: the administrator's receives its members' findings.
        this.findingsRule = rule(
            "findings",
            `GuardDuty findings with severity ${args.severityThreshold} or higher`,
            findingsEventPattern(args.severityThreshold),
        );
        this.runtimeUnhealthyRule = rule(
            "runtime-unhealthy",
            "GuardDuty Runtime Monitoring coverage turned UNHEALTHY in an account of the organization",
            runtimeUnhealthyEventPattern(),
            args.coverageEventBusName,
        );

        const topicPolicy = new aws.sns.TopicPolicy(
            `${name}-topic-policy`,
            {
                arn: this.topic.arn,
                policy: pulumi
                    .all([this.topic.arn, this.findingsRule.arn, this.runtimeUnhealthyRule.arn])
                    .apply(([topicArn, ...ruleArns]) => JSON.stringify(alertsTopicPolicy(topicArn, ruleArns))),
            },
            { parent: this },
        );

        // After the topic policy, so the first events after deployment are not refused.
        // The coverage alert is rendered for a person; findings go as GuardDuty wrote them.
        const targets: Array<[string, aws.cloudwatch.EventRule, aws.types.input.cloudwatch.EventTargetInputTransformer?]> = [
            ["findings", this.findingsRule],
            ["runtime-unhealthy", this.runtimeUnhealthyRule, coverageAlertInputTransformer()],
        ];
        for (const [suffix, target, inputTransformer] of targets) {
            new aws.cloudwatch.EventTarget(
                `${name}-${suffix}-to-topic`,
                {
                    rule: target.name,
                    eventBusName: target.eventBusName,
                    arn: this.topic.arn,
                    inputTransformer,
                },
                { parent: this, dependsOn: [topicPolicy] },
            );
        }

        if (args.notificationEmail !== undefined) {
            // SNS mails a confirmation link; nothing is delivered until the recipient follows it.
            this.emailSubscription = new aws.sns.TopicSubscription(
                `${name}-email`,
                {
                    topic: this.topic.arn,
                    protocol: "email",
                    endpoint: args.notificationEmail,
                },
                { parent: this },
            );
        }

        this.registerOutputs({ topicArn: this.topic.arn });
    }
}
