import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_INSTALL_PARAMETERS, AGENT_SSM_DOCUMENT, AgentManagement } from "guardduty-shared-vpc-contract";

/** The tag that marks this group's instances, for the SSM association: an Auto Scaling group's instances have no IDs at deploy time. */
export const WORKLOAD_TAG = "Workload";

export interface MonitoredScalingGroupArgs {
    /** The owner's VPC and CIDR, from its outputs. */
    vpcId: string;
    vpcCidr: string;
    /** The shared subnets the group spreads over, by the owner's subnet IDs. */
    subnetIds: readonly string[];
    instanceType: string;
    capacity: { min: number; max: number; desired: number };
    /** The organization's mode, from the owner's outputs: who installs GuardDuty's agent. */
    agentManagement: AgentManagement;
    /** The WORKLOAD_TAG value shared by the group's instances; unique in the account and region. */
    workload: string;
}

/**
 * An Auto Scaling group of hardened instances in the owner's shared subnets, with GuardDuty's
 * runtime agent installed the organization's way:
 *  - `manual`: an SSM association of GuardDuty's document targets the group's instances by tag,
 *    so instances launched later (scale-out, replacement) get the agent too;
 *  - `automated`: nothing here; GuardDuty's own association covers every SSM-managed instance.
 *    No `GuardDutyManaged=true` tag either way: under manual it would hand the instances to
 *    GuardDuty's installer beside ours, under automated it adds nothing.
 */
export class MonitoredScalingGroup extends pulumi.ComponentResource {
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly launchTemplate: aws.ec2.LaunchTemplate;
    readonly group: aws.autoscaling.Group;
    readonly agentAssociation?: aws.ssm.Association;

    constructor(name: string, args: MonitoredScalingGroupArgs, opts?: pulumi.ComponentResourceOptions) {
        super("app-team:compute:MonitoredScalingGroup", name, {}, opts);

        // A participant cannot use the owner's security groups nor the VPC's default one: its own.
        this.securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: `${name}: HTTPS from inside the VPC, HTTPS out`,
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr], description: "HTTPS from inside the shared VPC" }],
                egress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS to AWS endpoints (SSM, GuardDuty, S3)" },
                ],
                tags: { Name: `${name}-sg` },
            },
            { parent: this },
        );

        // SSM-managed: GuardDuty's agent arrives through SSM in both modes.
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `${name}: SSM-managed instances (GuardDuty's runtime agent is installed through SSM)`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        new aws.iam.RolePolicyAttachment(
            `${name}-ssm-core`,
            {
                role: role.name,
                policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
            },
            { parent: this },
        );
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, { parent: this });

        // The latest Amazon Linux 2023 for the instance type's architecture (Graviton types are arm64).
        const architectures = aws.ec2.getInstanceTypeOutput({ instanceType: args.instanceType }, { parent: this }).supportedArchitectures;
        const ami = aws.ssm.getParameterOutput(
            {
                name: architectures.apply(
                    (supported) => `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${supported.includes("arm64") ? "arm64" : "x86_64"}`,
                ),
            },
            { parent: this },
        ).value;

        const tags = { Name: name, [WORKLOAD_TAG]: args.workload };
        this.launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-lt`,
            {
                description: `${name}: IMDSv2, encrypted volumes, SSM-managed`,
                imageId: ami,
                instanceType: args.instanceType,
                iamInstanceProfile: { arn: profile.arn },
                vpcSecurityGroupIds: [this.securityGroup.id],
                // IMDSv2 only; metadata tags on, so GuardDuty can read an exclusion tag should one be set later.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "enabled" },
                blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeType: "gp3", deleteOnTermination: "true" } }],
                monitoring: { enabled: true },
                tagSpecifications: [
                    { resourceType: "instance", tags },
                    { resourceType: "volume", tags },
                ],
                updateDefaultVersion: true,
            },
            { parent: this },
        );

        // Created before the group, so the first instances are targeted as soon as they register with SSM.
        this.agentAssociation =
            args.agentManagement === "manual"
                ? new aws.ssm.Association(
                      `${name}-guardduty-agent`,
                      {
                          name: AGENT_SSM_DOCUMENT,
                          parameters: { ...AGENT_INSTALL_PARAMETERS },
                          targets: [{ key: `tag:${WORKLOAD_TAG}`, values: [args.workload] }],
                      },
                      { parent: this },
                  )
                : undefined;

        this.group = new aws.autoscaling.Group(
            `${name}-asg`,
            {
                vpcZoneIdentifiers: [...args.subnetIds],
                minSize: args.capacity.min,
                maxSize: args.capacity.max,
                desiredCapacity: args.capacity.desired,
                healthCheckType: "EC2",
                // The template's version, not $Latest: a new version (a newer AMI, a changed setting)
                // then rolls the group through an instance refresh instead of waiting for scale-in.
                launchTemplate: { id: this.launchTemplate.id, version: pulumi.interpolate`${this.launchTemplate.latestVersion}` },
                instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 50 } },
            },
            { parent: this, dependsOn: this.agentAssociation ? [this.agentAssociation] : [] },
        );

        this.registerOutputs({ groupName: this.group.name, launchTemplateId: this.launchTemplate.id, securityGroupId: this.securityGroup.id });
    }
}
