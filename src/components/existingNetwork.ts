import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/errors";
import { adoptedNetwork, existingNetworkProblems, type ExistingSubnetFacts, type ExistingVpcFacts, type Found, type OwnerConfig } from "../config/owner";
import type { NetworkPlan } from "./sharedVpc";

/**
 * How the provider's singular lookups say there is nothing with the ID asked for
 * (terraform-provider-aws `tfresource.SingularDataSourceFindError`: "no matching EC2 VPC found",
 * "no matching EC2 Subnet found"); AWS's own InvalidVpcID.NotFound is turned into it.
 */
const NOT_FOUND = /no matching [^\n]*?found/;

/** A lookup failed for another reason than "none with this ID", so what exists is unknown. */
export class NetworkLookupError extends Error {
    constructor(message: string, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "NetworkLookupError";
    }
}

type Where = { accountId: string; region: string; vpcId: string };

async function lookUp<T>(where: Where, what: string, call: () => Promise<T>): Promise<Found<T>> {
    try {
        return { found: true, facts: await call() };
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const notFound = NOT_FOUND.exec(message);
        if (notFound) return { found: false, said: notFound[0] };
        throw new NetworkLookupError(
            `Looking up ${what} in account ${where.accountId} (${where.region}) failed, so the owner stack cannot check the existing network it would share (existingVpcId ${where.vpcId}). ` +
                "The deploying identity needs ec2:DescribeVpcs, ec2:DescribeVpcAttribute, ec2:DescribeSubnets and ec2:DescribeRouteTables in the owner account (docs/permissions.md).\n" +
                `The provider said: ${message.trim()}`,
            { cause: error },
        );
    }
}

/**
 * The route table a subnet uses: its own association, or else the VPC's main route table (a
 * subnet without an association uses the main one, and AWS lists no association for it).
 */
async function routeTableOf(provider: pulumi.ProviderResource, where: Where, subnetId: string, mainRouteTableId: string): Promise<string> {
    const answer = await lookUp(where, `the route table of subnet ${subnetId}`, () =>
        aws.ec2.getRouteTables({ vpcId: where.vpcId, filters: [{ name: "association.subnet-id", values: [subnetId] }] }, { provider }),
    );
    return answer.found && answer.facts.ids.length > 0 ? answer.facts.ids[0] : mainRouteTableId;
}

/**
 * Reads the existing VPC and subnets the owner's config names through the stack's pinned
 * provider, before anything but the provider is registered, and refuses (ConfigError) what
 * cannot work: a VPC or subnet AWS does not know here, a default VPC, DNS attributes off, a
 * subnet of another VPC or owner, a CIDR or AZ ID other than configured. Returns the network
 * with AWS's facts, and with the shared subnets' route tables when gateway endpoints need them.
 */
export async function adoptExistingNetwork(
    stack: string,
    provider: pulumi.ProviderResource,
    config: OwnerConfig,
    options: { routeTables: boolean },
): Promise<NetworkPlan> {
    const network = config.network;
    if (network.kind !== "adopt") return network;
    const where: Where = { accountId: config.accountId, region: config["aws:region"], vpcId: network.vpcId };

    const [vpc, ...subnets] = await Promise.all([
        lookUp(where, `VPC ${network.vpcId}`, async () => {
            const found = await aws.ec2.getVpc({ id: network.vpcId }, { provider });
            // Secondary blocks count as the VPC's own once associated; the primary stays first.
            const associated = found.cidrBlockAssociations.filter((a) => a.state === "associated").map((a) => a.cidrBlock);
            const facts: ExistingVpcFacts & { mainRouteTableId: string } = {
                cidrBlocks: [found.cidrBlock, ...associated.filter((block) => block !== found.cidrBlock)],
                enableDnsSupport: found.enableDnsSupport,
                enableDnsHostnames: found.enableDnsHostnames,
                isDefault: found.default,
                ownerId: found.ownerId,
                mainRouteTableId: found.mainRouteTableId,
            };
            return facts;
        }),
        ...network.subnets.map((subnet) =>
            lookUp(where, `subnet ${subnet.id}`, async () => {
                const found = await aws.ec2.getSubnet({ id: subnet.id }, { provider });
                const facts: ExistingSubnetFacts & { arn: string } = {
                    vpcId: found.vpcId,
                    cidrBlock: found.cidrBlock,
                    azId: found.availabilityZoneId,
                    ownerId: found.ownerId,
                    arn: found.arn,
                };
                return facts;
            }),
        ),
    ]);

    const problems = existingNetworkProblems(config, vpc, subnets);
    if (problems.length > 0 || !vpc.found) throw new ConfigError(stack, problems);
    const facts = subnets.map((answer) => {
        if (!answer.found) throw new ConfigError(stack, problems);
        return answer.facts;
    });

    const shared = network.subnets.filter((subnet) => subnet.share);
    const routeTableIds = options.routeTables
        ? [...new Set(await Promise.all(shared.map((subnet) => routeTableOf(provider, where, subnet.id, vpc.facts.mainRouteTableId))))]
        : [];
    return adoptedNetwork(network, vpc.facts, facts, routeTableIds);
}
