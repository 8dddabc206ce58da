import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "../iam";
import { componentType, endpointServiceName, GUARDDUTY_DATA_SERVICE, guardDutyDataService } from "guardduty-shared-vpc-contract/vocabulary";

export interface ServiceEndpointsArgs {
    region: string;
    vpcId: pulumi.Input<string>;
    /** The VPC's IPv4 blocks, secondary ones included: clients in any of them use the endpoints. */
    vpcCidrs: readonly string[];
    /** One subnet per availability zone, drawn from the shared subnets. */
    subnetIds: pulumi.Input<string>[];
    /** Omit to leave the guardduty-data endpoint to GuardDuty's automated agent configuration. */
    guardDutyEndpointPolicy?: PolicyDocument;
    /**
     * SSM's endpoints and an S3 gateway let instances without internet egress register with SSM
     * and fetch the agent package; leave off when the VPC already routes to the internet.
     */
    ssm: boolean;
    /** Route tables of the shared subnets, for the S3 gateway endpoint. */
    routeTableIds: pulumi.Input<string>[];
}

const SSM_SERVICES = ["ssm", "ssmmessages", "ec2messages"] as const;

/**
 * The interface endpoints participants' instances reach AWS through, with the security group
 * they use. Both are created in the owner's stack because they must be: a participant cannot
 * create endpoints in shared subnets ("This operation does not support shared VPCs."), and an
 * endpoint in a shared subnet cannot use a security group the owner does not own.
 */
export class ServiceEndpoints extends pulumi.ComponentResource {
    readonly securityGroup: aws.ec2.SecurityGroup;
    readonly guardDutyEndpoint?: aws.ec2.VpcEndpoint;

    constructor(name: string, args: ServiceEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("network", "ServiceEndpoints"), name, {}, opts);

        // HTTPS from inside the VPC is all an interface endpoint serves; AWS recommends the VPC
        // CIDR over 0.0.0.0/0. No egress: endpoints answer, they do not initiate.
        this.securityGroup = new aws.ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.vpcId,
                description: "Interface endpoints (guardduty-data, SSM): HTTPS from the VPC only",
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [...args.vpcCidrs], description: "HTTPS from the VPC" }],
                egress: [],
                tags: { Name: `${name}-sg` },
            },
            { parent: this },
        );

        // `label` names the resource; `service` may differ by partition, and the URN should not.
        const interfaceEndpoint = (label: string, service: string, policy?: PolicyDocument) =>
            new aws.ec2.VpcEndpoint(
                `${name}-${label}`,
                {
                    vpcId: args.vpcId,
                    serviceName: endpointServiceName(args.region, service),
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: args.subnetIds,
                    securityGroupIds: [this.securityGroup.id],
                    policy: policy ? JSON.stringify(policy) : undefined,
                    tags: { Name: `${name}-${label}` },
                },
                { parent: this },
            );

        if (args.guardDutyEndpointPolicy) {
            // GovCloud offers only the FIPS variant: the plain name fails CreateVpcEndpoint with InvalidServiceName.
            this.guardDutyEndpoint = interfaceEndpoint(GUARDDUTY_DATA_SERVICE, guardDutyDataService(args.region), args.guardDutyEndpointPolicy);
        }
        if (args.ssm) {
            for (const service of SSM_SERVICES) interfaceEndpoint(service, service);
            new aws.ec2.VpcEndpoint(
                `${name}-s3`,
                {
                    vpcId: args.vpcId,
                    serviceName: endpointServiceName(args.region, "s3"),
                    vpcEndpointType: "Gateway",
                    routeTableIds: args.routeTableIds,
                    tags: { Name: `${name}-s3` },
                },
                { parent: this },
            );
        }

        this.registerOutputs({ securityGroupId: this.securityGroup.id, guardDutyEndpointId: this.guardDutyEndpoint?.id });
    }
}
