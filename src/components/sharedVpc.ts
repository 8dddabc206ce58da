import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface SubnetSpec {
    name: string;
    cidr: string;
    azId: string;
    share: boolean;
}

export interface SharedVpcArgs {
    cidr: string;
    subnets: readonly SubnetSpec[];
    /** Account IDs, OU ARNs or the organization ARN; RAM keeps the share inside the organization. */
    principals: readonly string[];
}

export interface CreatedSubnet {
    spec: SubnetSpec;
    subnet: aws.ec2.Subnet;
}

/**
 * The owner's VPC, its subnets, and the RAM share that lends chosen subnets to participants.
 *
 * Subnets are keyed by their configured name, and sharing is a separate association per subnet,
 * so taking a subnet out of the share removes only its association: the subnet and whatever
 * runs in it stay.
 */
export class SharedVpc extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly subnets: CreatedSubnet[];
    readonly resourceShare: aws.ram.ResourceShare;

    constructor(name: string, args: SharedVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("network", "SharedVpc"), name, {}, opts);

        // Private DNS on interface endpoints (guardduty-data among them) needs both attributes.
        this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.cidr,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: { Name: name },
        }, { parent: this });

        // Pinned by AZ ID: AZ names map to different physical zones in each participant account.
        this.subnets = args.subnets.map((spec) => ({
            spec,
            subnet: new aws.ec2.Subnet(`${name}-${spec.name}`, {
                vpcId: this.vpc.id,
                cidrBlock: spec.cidr,
                availabilityZoneId: spec.azId,
                mapPublicIpOnLaunch: false,
                tags: { Name: spec.name },
            }, { parent: this }),
        }));

        // Losing the share detaches every participant's workloads from these subnets at once.
        this.resourceShare = new aws.ram.ResourceShare(`${name}-subnets`, {
            name: `${name}-subnets`,
            allowExternalPrincipals: false,
            tags: { Name: `${name}-subnets` },
        }, { parent: this, protect: true });

        for (const { spec, subnet } of this.subnets.filter((entry) => entry.spec.share)) {
            new aws.ram.ResourceAssociation(`${name}-share-${spec.name}`, {
                resourceShareArn: this.resourceShare.arn,
                resourceArn: subnet.arn,
            }, { parent: this });
        }
        for (const principal of args.principals) {
            new aws.ram.PrincipalAssociation(`${name}-principal-${principalSlug(principal)}`, {
                resourceShareArn: this.resourceShare.arn,
                principal,
            }, { parent: this });
        }

        this.registerOutputs({ vpcId: this.vpc.id, resourceShareArn: this.resourceShare.arn });
    }
}

/** A stable, readable resource-name suffix for a principal: the account ID, OU ID or org ID. */
export function principalSlug(principal: string): string {
    return principal.split("/").pop() ?? principal;
}
