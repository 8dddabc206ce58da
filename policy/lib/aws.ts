import { AGENT_SSM_DOCUMENT, GUARDDUTY_DATA_SERVICES, parseEndpointServiceName } from "guardduty-shared-vpc-contract/vocabulary";

/**
 * Type tokens of the resources the policies read. Strings, not `@pulumi/aws` classes: importing
 * the AWS SDK (even for types) would make the pack's type-checked start-up take 8-13 s.
 */
export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    vpcIpv4CidrBlockAssociation: "aws:ec2/vpcIpv4CidrBlockAssociation:VpcIpv4CidrBlockAssociation",
    vpcIpv6CidrBlockAssociation: "aws:ec2/vpcIpv6CidrBlockAssociation:VpcIpv6CidrBlockAssociation",
    subnet: "aws:ec2/subnet:Subnet",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    vpcEndpointPolicy: "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupAssociation: "aws:ec2/securityGroupAssociation:SecurityGroupAssociation",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    managedPrefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
    managedPrefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
    instance: "aws:ec2/instance:Instance",
    spotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
    spotFleetRequest: "aws:ec2/spotFleetRequest:SpotFleetRequest",
    ec2Fleet: "aws:ec2/fleet:Fleet",
    networkInterface: "aws:ec2/networkInterface:NetworkInterface",
    networkInterfaceSecurityGroupAttachment: "aws:ec2/networkInterfaceSecurityGroupAttachment:NetworkInterfaceSecurityGroupAttachment",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
    autoScalingGroup: "aws:autoscaling/group:Group",
    ec2Tag: "aws:ec2/tag:Tag",
    ssmAssociation: "aws:ssm/association:Association",
    resourceShare: "aws:ram/resourceShare:ResourceShare",
    resourceAssociation: "aws:ram/resourceAssociation:ResourceAssociation",
    principalAssociation: "aws:ram/principalAssociation:PrincipalAssociation",
    cloudControlResource: "aws:cloudcontrol/resource:Resource",
    cloudFormationStack: "aws:cloudformation/stack:Stack",
    cloudFormationStackSet: "aws:cloudformation/stackSet:StackSet",
    awsProvider: "pulumi:providers:aws",
    awsNativeProvider: "pulumi:providers:aws-native",
    stackReference: "pulumi:pulumi:StackReference",
} as const;

/** `aws:ec2/vpcEndpoint:VpcEndpoint` → `VpcEndpoint`, for messages. */
export function shortType(type: string): string {
    return type.slice(type.lastIndexOf(":") + 1) || type;
}

/**
 * The region a guardduty-data service name of either variant names; which variant a region needs
 * (the FIPS one in GovCloud only) is the vocabulary's guardDutyDataServiceName.
 */
export function guardDutyDataRegion(serviceName: string): string | undefined {
    const parsed = parseEndpointServiceName(serviceName);
    return parsed && GUARDDUTY_DATA_SERVICES.includes(parsed.service) ? parsed.region : undefined;
}

/** Loose match, so a misspelled region or prefix still counts as a guardduty-data endpoint and gets checked. */
export function looksLikeGuardDutyData(serviceName: string): boolean {
    return GUARDDUTY_DATA_SERVICES.some((service) => serviceName === service || serviceName.endsWith(`.${service}`));
}

/** An SSM document named directly or by ARN (`arn:aws:ssm:<region>::document/<name>`). */
export function isAgentSsmDocument(name: string): boolean {
    return name === AGENT_SSM_DOCUMENT || name.endsWith(`:document/${AGENT_SSM_DOCUMENT}`);
}
