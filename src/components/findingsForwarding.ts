import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { partitionOf } from "../config/regions";
import { EventPattern, eventsForwardingPolicy, eventsForwardingTrustPolicy, findingsEventPattern } from "./findingsPolicies";
import type { GovernedRegion } from "./governedRegions";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface FindingsForwardingArgs {
    accountId: string;
    /** Where FindingsAlerts' rules and topic are: events go to this region's default event bus. */
    homeRegion: string;
    /** The same threshold as the home region's findings rule. */
    severityThreshold: number;
    /** The governed regions other than the home region, each with its pinned provider. */
    regions: readonly GovernedRegion[];
}

/**
 * GuardDuty publishes findings (the administrator receives its members') on the event bus of the
 * detector's region, and EventBridge rules match only their own region's events. Rather than a
 * topic, key and subscription per region, each other governed region forwards what the findings
 * rule matches to the home region's default event bus (a cross-Region event bus target, which
 * needs a role allowed events:PutEvents on that bus), where FindingsAlerts' rules send it on to
 * the one alerts topic. Forwarded events keep their source, detail-type and detail, so the home
 * rules match them unchanged; the event's `region` field still names where it happened.
 */
export class FindingsForwarding extends pulumi.ComponentResource {
    readonly role: aws.iam.Role;
    readonly rules: aws.cloudwatch.EventRule[] = [];

    constructor(name: string, args: FindingsForwardingArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("findings", "FindingsForwarding"), name, {}, opts);

        const homeBusArn = `arn:${partitionOf(args.homeRegion)}:events:${args.homeRegion}:${args.accountId}:event-bus/default`;

        // IAM is global: one role, created through the component's (home region's) provider, serves every region's rules.
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: JSON.stringify(eventsForwardingTrustPolicy()),
            },
            { parent: this },
        );
        const permission = new aws.iam.RolePolicy(
            `${name}-put-events`,
            {
                role: this.role.id,
                policy: JSON.stringify(eventsForwardingPolicy(homeBusArn)),
            },
            { parent: this },
        );

        // Only findings: the coverage alert listens on the coverage bus, where owners and
        // participants send their own accounts' coverage events; this account runs no workloads.
        const patterns: Array<[string, string, EventPattern]> = [
            ["findings", `GuardDuty findings with severity ${args.severityThreshold} or higher`, findingsEventPattern(args.severityThreshold)],
        ];
        for (const where of args.regions) {
            for (const [suffix, description, pattern] of patterns) {
                const rule = new aws.cloudwatch.EventRule(
                    `${name}-${where.region}-${suffix}`,
                    {
                        description: `${description} in ${where.region}, forwarded to ${args.homeRegion} for the alerts topic`,
                        eventPattern: JSON.stringify(pattern),
                    },
                    { parent: this, provider: where.provider },
                );
                // After the role's permission, so the first forwarded events are not refused.
                new aws.cloudwatch.EventTarget(
                    `${name}-${where.region}-${suffix}-to-${args.homeRegion}`,
                    {
                        rule: rule.name,
                        arn: homeBusArn,
                        roleArn: this.role.arn,
                    },
                    { parent: this, provider: where.provider, dependsOn: [permission] },
                );
                this.rules.push(rule);
            }
        }

        this.registerOutputs({ roleArn: this.role.arn });
    }
}
