/**
 * What GuardDuty's EC2 coverage issue texts usually mean in this project, and where the fix lives.
 *
 * GuardDuty's issue strings are prose, not codes, so matching is by pattern, most specific first;
 * an unmatched issue is still printed verbatim, just without a hint.
 */
export interface IssueHint {
    /** Shown in docs/verify.md as the issue text this hint is for. */
    example: string;
    pattern: RegExp;
    hint: string;
}

export const ISSUE_HINTS: readonly IssueHint[] = [
    {
        example: "VPC endpoint creation not supported for shared VPC vpc-…",
        pattern: /endpoint creation not supported for shared VPC/i,
        hint: "GuardDuty will not create its endpoint inside a VPC the participant does not own. Under agentManagement manual the owner stack creates the guardduty-data endpoint in the shared VPC (re-run `pulumi up` on the owner); under automated the owner account must itself have Runtime Monitoring with automated agent configuration (for EKS or ECS Fargate too) so GuardDuty creates it there.",
    },
    {
        example: "Owner account ID … for shared VPC … doesn't have either Runtime Monitoring, automated agent configuration, or both, enabled",
        pattern: /owner account id.*doesn'?t have either Runtime Monitoring/i,
        hint: "The VPC owner account must itself have Runtime Monitoring and EC2 automated agent configuration enabled (it is an organization member like any other): check the organization configuration applied by the management/audit stack covers the owner account, then re-run with --wait.",
    },
    {
        example: "VPC Endpoint Creation Failed …",
        pattern: /endpoint creation failed|vpc endpoint/i,
        hint: "The GuardDuty data endpoint for this VPC is missing or unusable: check the owner stack's guardduty-data endpoint exists in this region with private DNS enabled, its security group admits HTTPS from the VPC CIDR, and its endpoint policy includes the participant account.",
    },
    {
        example: "No Agent Reporting: Waiting for SSM notification",
        pattern: /waiting for SSM/i,
        hint: "GuardDuty is waiting for SSM to see the instance. The instance role needs AmazonSSMManagedInstanceCore and the instance must reach SSM (endpoints or NAT). Freshly launched instances pass through this state: re-run with --wait 15m.",
    },
    {
        example: "No Agent Reporting: Agent disconnected",
        pattern: /agent disconnected/i,
        hint: "The agent reported before and stopped: the instance may be stopped or overloaded, or lost its route to the GuardDuty endpoint (endpoint security group, private DNS, route tables). Check `systemctl status amazon-guardduty-agent` on the instance.",
    },
    {
        example: "No Agent Reporting",
        pattern: /no agent reporting|agent not reporting/i,
        hint: "The agent is installed but GuardDuty hears nothing from it: usually the instance cannot reach the GuardDuty endpoint on 443, or the agent has only just started (re-run with --wait).",
    },
    {
        example: "Agent Not Provisioned: instance has the exclusion tag GuardDutyManaged=false",
        pattern: /GuardDutyManaged/i,
        hint: "The instance carries the tag GuardDutyManaged=false, which tells GuardDuty not to manage its agent. Remove the tag (or set it to true) in the participant stack.",
    },
    {
        example: "Agent Not Provisioned: unsupported kernel/OS",
        pattern: /kernel|operating system|unsupported (os|platform|architecture)/i,
        hint: "The AMI's OS or kernel is not supported by the GuardDuty runtime agent. Use a supported AMI (e.g. current Amazon Linux 2023) for the participant's instances.",
    },
    {
        example: "Agent Not Provisioned",
        pattern: /agent not provisioned/i,
        hint: "GuardDuty did not install the agent. Under agentManagement automated, check the instance is SSM-managed and not excluded (monitored: false); under manual, check the participant's SSM association (agentAssociationId) ran.",
    },
    {
        example: "SSM association failed …",
        pattern: /association/i,
        hint: "The SSM association that installs the agent failed on this instance: usually the instance role lacks AmazonSSMManagedInstanceCore, the SSM agent is not running, or the instance cannot reach SSM/S3 to download the agent. See the association's execution history in the participant account.",
    },
];

export function hintForIssue(issue: string | undefined): string | undefined {
    if (!issue) {
        return undefined;
    }
    return ISSUE_HINTS.find((candidate) => candidate.pattern.test(issue))?.hint;
}
