import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { componentType } from "guardduty-shared-vpc-contract/vocabulary";

export interface SubnetSpec {
    name: string;
    cidr: string;
    azId: string;
    share: boolean;
}

/** A subnet that exists already, as AWS reports it (read before anything is registered). */
export interface ExistingSubnet extends SubnetSpec {
    id: string;
    arn: string;
}

/**
 * Where the shared network comes from: created by this stack, or an existing VPC and subnets
 * (Control Tower, Landing Zone Accelerator, a network team) adopted as they are. Adopted ones
 * are read, never registered: the stack shares them and adds its endpoints, and a `pulumi
 * destroy` leaves them where they were.
 */
export type NetworkPlan =
    | { kind: "create"; cidr: string; subnets: readonly SubnetSpec[] }
    | {
          kind: "adopt";
          vpcId: string;
          /** The VPC's IPv4 blocks as AWS reports them, the primary first. */
          cidrBlocks: readonly string[];
          subnets: readonly ExistingSubnet[];
          /** The route tables the shared subnets use (their own, or the VPC's main one), for gateway endpoints. */
          routeTableIds: readonly string[];
      };

export interface SharedVpcArgs {
    network: NetworkPlan;
    /** Account IDs, OU ARNs or the organization ARN; RAM keeps the share inside the organization. */
    principals: readonly string[];
}

export interface NetworkSubnet {
    spec: SubnetSpec;
    id: pulumi.Output<string>;
    arn: pulumi.Output<string>;
}

/**
 * The owner's VPC, its subnets, and the RAM share that lends chosen subnets to participants.
 *
 * Subnets are keyed by their configured name, and sharing is a separate association per subnet,
 * so taking a subnet out of the share removes only its association: the subnet and whatever
 * runs in it stay.
 */
export class SharedVpc extends pulumi.ComponentResource {
    /** Only when this stack creates the VPC. */
    readonly vpc?: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 blocks, the primary first: what may reach endpoints from inside the VPC. */
    readonly cidrBlocks: readonly string[];
    readonly subnets: NetworkSubnet[];
    /** Route tables of the shared subnets, for gateway endpoints. */
    readonly sharedRouteTableIds: pulumi.Input<string>[];
    readonly resourceShare: aws.ram.ResourceShare;

    constructor(name: string, args: SharedVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("network", "SharedVpc"), name, {}, opts);
        const network = args.network;

        if (network.kind === "create") {
            // Private DNS on interface endpoints (guardduty-data among them) needs both attributes.
            const vpc = new aws.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: network.cidr,
                    enableDnsSupport: true,
                    enableDnsHostnames: true,
                    tags: { Name: name },
                },
                { parent: this },
            );
            this.vpc = vpc;
            this.vpcId = vpc.id;
            this.cidrBlocks = [network.cidr];
            // Pinned by AZ ID: AZ names map to different physical zones in each participant account.
            this.subnets = network.subnets.map((spec) => {
                const subnet = new aws.ec2.Subnet(
                    `${name}-${spec.name}`,
                    {
                        vpcId: vpc.id,
                        cidrBlock: spec.cidr,
                        availabilityZoneId: spec.azId,
                        mapPublicIpOnLaunch: false,
                        tags: { Name: spec.name },
                    },
                    { parent: this },
                );
                return { spec, id: subnet.id, arn: subnet.arn };
            });
            // The subnets created here keep the main route table.
            this.sharedRouteTableIds = [vpc.mainRouteTableId];
        } else {
            this.vpcId = pulumi.output(network.vpcId);
            this.cidrBlocks = network.cidrBlocks;
            this.subnets = network.subnets.map(({ id, arn, ...spec }) => ({ spec, id: pulumi.output(id), arn: pulumi.output(arn) }));
            this.sharedRouteTableIds = [...network.routeTableIds];
        }

        // Losing the share detaches every participant's workloads from these subnets at once.
        this.resourceShare = new aws.ram.ResourceShare(
            `${name}-subnets`,
            {
                name: `${name}-subnets`,
                allowExternalPrincipals: false,
                tags: { Name: `${name}-subnets` },
            },
            { parent: this, protect: true },
        );

        for (const { spec, arn } of this.subnets.filter((entry) => entry.spec.share)) {
            new aws.ram.ResourceAssociation(
                `${name}-share-${spec.name}`,
                {
                    resourceShareArn: this.resourceShare.arn,
                    resourceArn: arn,
                },
                { parent: this },
            );
        }
        for (const principal of args.principals) {
            new aws.ram.PrincipalAssociation(
                `${name}-principal-${principalSlug(principal)}`,
                {
                    resourceShareArn: this.resourceShare.arn,
                    principal,
                },
                { parent: this },
            );
        }

        this.registerOutputs({ vpcId: this.vpcId, resourceShareArn: this.resourceShare.arn });
    }
}

/** A stable, readable resource-name suffix for a principal: the account ID, OU ID or org ID. */
export function principalSlug(principal: string): string {
    return principal.split("/").pop() ?? principal;
}
