import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AGENT_INSTALL_PARAMETERS, AGENT_SSM_DOCUMENT, AgentManagement, associationTargets, instanceAgentTags } from "../agentManagement";
import { Architecture } from "../config/participant";
import { partitionOf } from "../config/regions";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface InstanceSpec {
    name: string;
    subnetId: string;
    instanceType: string;
    architecture: Architecture;
    /** When absent, the latest Amazon Linux 2023 for the architecture, from AWS's public SSM parameter. */
    ami?: string;
    /** False leaves the instance out of Runtime Monitoring. */
    monitored: boolean;
}

export interface MonitoredInstancesArgs {
    region: string;
    /** The owner's VPC, visible here once the RAM share is accepted. */
    vpcId: string;
    instances: readonly InstanceSpec[];
    /** `manual`: our SSM association installs the agent; `automated`: GuardDuty installs it through its own. */
    agentManagement: AgentManagement;
}

export function latestAmazonLinuxParameter(architecture: Architecture): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}

/**
 * EC2 instances in the owner's shared subnets, set up so GuardDuty's runtime agent can run:
 * SSM-managed (the agent is delivered through SSM either way) and with metadata tags readable
 * (GuardDuty reads the exclusion tag through instance metadata). Which installer runs follows
 * the organization's mode: GuardDuty's own association (automated) or ours (manual), never both.
 */
export class MonitoredInstances extends pulumi.ComponentResource {
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly instances: Array<{ spec: InstanceSpec; instance: aws.ec2.Instance }>;
    readonly agentAssociation?: aws.ssm.Association;

    constructor(name: string, args: MonitoredInstancesArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("compute", "MonitoredInstances"), name, {}, opts);

        // A participant cannot use the owner's security groups or the VPC's default one, so it
        // brings its own. Outbound HTTPS is all the agent, SSM and the package download need.
        this.securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "GuardDuty-monitored instances: no inbound, HTTPS out",
                ingress: [],
                egress: [
                    { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS to AWS endpoints (GuardDuty, SSM, S3)" },
                ],
                tags: { Name: `${name}-sg` },
            },
            { parent: this },
        );

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: "Instances monitored by GuardDuty Runtime Monitoring: SSM-managed so the agent can be installed",
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
            },
            { parent: this },
        );
        new aws.iam.RolePolicyAttachment(
            `${name}-ssm-core`,
            {
                role: role.name,
                policyArn: `arn:${partitionOf(args.region)}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
            },
            { parent: this },
        );
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name }, { parent: this });

        const amiFor = new Map<Architecture, pulumi.Output<string>>();
        const defaultAmi = (architecture: Architecture) => {
            if (!amiFor.has(architecture)) {
                amiFor.set(architecture, aws.ssm.getParameterOutput({ name: latestAmazonLinuxParameter(architecture) }, { parent: this }).value);
            }
            return amiFor.get(architecture) as pulumi.Output<string>;
        };

        this.instances = args.instances.map((spec) => ({
            spec,
            instance: new aws.ec2.Instance(
                `${name}-${spec.name}`,
                {
                    ami: spec.ami ?? defaultAmi(spec.architecture),
                    instanceType: spec.instanceType,
                    subnetId: spec.subnetId,
                    vpcSecurityGroupIds: [this.securityGroup.id],
                    iamInstanceProfile: profile.name,
                    metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "enabled" },
                    rootBlockDevice: { encrypted: true, volumeType: "gp3" },
                    monitoring: true,
                    tags: { Name: spec.name, ...instanceAgentTags(args.agentManagement, spec.monitored) },
                },
                {
                    parent: this,
                    // A newer AMI behind the SSM parameter must not replace running workloads.
                    ignoreChanges: spec.ami ? [] : ["ami"],
                },
            ),
        }));

        const targets = associationTargets(
            args.agentManagement,
            this.instances.map(({ spec, instance }) => ({ monitored: spec.monitored, instance })),
        );
        if (targets.length > 0) {
            this.agentAssociation = new aws.ssm.Association(
                `${name}-guardduty-agent`,
                {
                    name: AGENT_SSM_DOCUMENT,
                    parameters: { ...AGENT_INSTALL_PARAMETERS },
                    targets: [{ key: "InstanceIds", values: targets.map(({ instance }) => instance.id) }],
                },
                { parent: this },
            );
        }

        this.registerOutputs({ securityGroupId: this.securityGroup.id, instanceIds: this.instances.map(({ instance }) => instance.id) });
    }
}
