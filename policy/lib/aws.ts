/**
 * Type tokens of the resources the policies read. Strings, not `@pulumi/aws` classes: importing
 * the AWS SDK (even for types) would make the pack's type-checked start-up take 8-13 s.
 */
export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    vpcEndpointPolicy: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupAssociation: "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    instance: "aws:ec2/instance:Instance",
    networkInterface: "aws:ec2/networkInterface:NetworkInterface",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    autoScalingGroup: "aws:autoscaling/group:Group",
    ec2Tag: "aws:ec2/tag:Tag",
    ssmAssociation: "aws:ssm/association:Association",
    resourceShare: "aws:ram/resourceShare:ResourceShare",
    awsProvider: "pulumi:providers:aws",
    stackReference: "pulumi:pulumi:StackReference",
} as const;

/** `aws:ec2/vpcEndpoint:VpcEndpoint` → `VpcEndpoint`, for messages. */
export function shortType(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1) || type;
}

/** The guardduty-data service name's shape; the FIPS variant serves the same agent traffic. */
const GUARDDUTY_DATA = /^com\.amazonaws\.([a-z0-9-]+)\.guardduty-data(-fips)?$/;

export function guardDutyDataRegion(serviceName: string): string | undefined {
    return GUARDDUTY_DATA.exec(serviceName)?.[1];
}

/** Loose match, so a misspelled region or prefix still counts as a guardduty-data endpoint and gets checked. */
export function looksLikeGuardDutyData(serviceName: string): boolean {
    return /(^|\.)guardduty-data(-fips)?$/.test(serviceName);
}

/**
 * The organization's agent-management vocabulary, as the program writes it (src/agentManagement.ts;
 * a test keeps the two equal). Repeated so the pack builds and publishes on its own.
 */
export const AGENT_MANAGEMENT_MODES = ["automated", "manual"] as const;
export type AgentManagement = (typeof AGENT_MANAGEMENT_MODES)[number];
export const GUARDDUTY_MANAGED_TAG = "GuardDutyManaged";
export const AGENT_SSM_DOCUMENT = "AmazonGuardDuty-ConfigureRuntimeMonitoringSsmPlugin";

/** An SSM document named directly or by ARN (`arn:aws:ssm:<region>::document/<name>`). */
export function isAgentSsmDocument(name: string): boolean {
    return name === AGENT_SSM_DOCUMENT || name.endsWith(`:document/${AGENT_SSM_DOCUMENT}`);
}
