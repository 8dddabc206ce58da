import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { architectureOf } from "../../src/config/participant";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import { azIdPrefixOf } from "../../src/config/regions";
import { overlaps, parseIpv4Cidr } from "../../src/net/cidr";

/**
 * A deterministic stand-in for AWS under the SDK's mock runtime: every resource gets an ID and
 * ARN of the shape AWS gives it, derived from its type and name so runs are repeatable and
 * outputs can be compared across runs. Nothing here talks to AWS.
 */
export interface FakeCloudContext extends FakeCloudOptions {
    region: string;
    accountId: string;
    /** Outputs of already-run stacks by fully qualified name, served to StackReferences. */
    stackOutputs: (fullyQualifiedName: string) => Record<string, unknown> | undefined;
}

/** What a run may change about the fake cloud; every choice defaults to the documented deploy order. */
export interface FakeCloudOptions {
    /**
     * What looking up the account's GuardDuty detector finds. Default "exists": designating the
     * delegated administrator (the management stack, deployed first) enables GuardDuty in the
     * audit account, i.e. creates a detector. "none": an account without one. `{ failure }`: the
     * lookup itself fails, with this provider message (e.g. access denied).
     */
    guardDutyDetector?: DetectorState;
    /** The same, for single regions (a stack governing several); regions not named here follow `guardDutyDetector`. */
    guardDutyDetectorByRegion?: Readonly<Record<string, DetectorState>>;
    /**
     * The VPCs and subnets that exist already, answering the owner's lookups of an adopted
     * network; anything else is not found. `{ failure }`: every lookup fails with this provider
     * message (e.g. access denied). The offline runner's default is `networkAsConfigured`.
     */
    existingNetwork?: FakeNetwork | { failure: string };
    /** Sees every provider function call (invoke) the program makes, with the provider it went through. */
    onInvoke?: (call: { token: string; inputs: Record<string, unknown>; provider: string }) => void;
}

export type DetectorState = "exists" | "none" | { failure: string };

/** An existing VPC as the EC2 API knows it. */
export interface FakeVpc {
    id: string;
    /** The associated IPv4 blocks, the primary first. */
    cidrBlocks: string[];
    enableDnsSupport: boolean;
    enableDnsHostnames: boolean;
    isDefault: boolean;
    ownerId: string;
    mainRouteTableId: string;
}

/** An existing subnet; `routeTableId` only when it has its own route table association (else it uses the main one). */
export interface FakeSubnet {
    id: string;
    vpcId: string;
    cidrBlock: string;
    availabilityZoneId: string;
    ownerId: string;
    routeTableId?: string;
}

export interface FakeNetwork {
    vpcs: FakeVpc[];
    subnets: FakeSubnet[];
}

/** The provider's words for a singular lookup that found nothing (terraform-provider-aws SingularDataSourceFindError). */
export const NOT_FOUND_MESSAGE = { vpc: "no matching EC2 VPC found", subnet: "no matching EC2 Subnet found" } as const;

/**
 * The network a stack's config describes, as if it existed exactly so: the VPC named in
 * existingVpcId (DNS attributes on, not the default VPC, owned by the stack's account) and each
 * subnet named by ID in it, with the CIDR and AZ ID the config states. What the config leaves
 * out is filled in deterministically: the VPC's blocks are the /16s around the configured
 * subnet CIDRs (or one derived from its ID), a subnet without a CIDR gets a free /24 of the
 * primary block, one without an AZ ID the region's az1, az2, … in turn. Offline, nothing can
 * be read from AWS; `pulumi preview` reads the real network and refuses what differs.
 */
export function networkAsConfigured(config: RawConfig): FakeNetwork {
    const vpcId = config[`${NS}:existingVpcId`];
    if (vpcId === undefined) return { vpcs: [], subnets: [] };
    const accountId = config[`${NS}:accountId`] ?? "000000000000";
    const region = config["aws:region"] ?? "us-east-1";
    let entries: Array<{ id?: unknown; cidr?: unknown; azId?: unknown }> = [];
    try {
        const parsed: unknown = JSON.parse(config[`${NS}:subnets`] ?? "[]");
        if (Array.isArray(parsed)) entries = parsed.filter((entry) => entry !== null && typeof entry === "object");
    } catch {
        // The program refuses the config itself; the world then holds the VPC alone.
    }
    const given = entries
        .map((entry) => (typeof entry.cidr === "string" ? parseIpv4Cidr(entry.cidr) : undefined))
        .flatMap((parse) => (parse?.ok ? [parse.block] : []));
    const sixteenOf = (cidr: string) => `${cidr.split(".").slice(0, 2).join(".")}.0.0/16`;
    const derived = `10.${Number.parseInt(hex(`cidr:${vpcId}`, 2), 16)}.0.0/16`;
    const cidrBlocks = [...new Set(given.length > 0 ? given.map((block) => sixteenOf(block.cidr)) : [derived])];
    const primary = cidrBlocks[0].split(".").slice(0, 2).join(".");
    const taken = [...given];
    const freeBlock = (): string => {
        for (let third = 255; third >= 0; third--) {
            const candidate = parseIpv4Cidr(`${primary}.${third}.0/24`);
            if (candidate.ok && !taken.some((block) => overlaps(block, candidate.block))) {
                taken.push(candidate.block);
                return candidate.block.cidr;
            }
        }
        throw new Error(`networkAsConfigured: no free /24 left in ${cidrBlocks[0]}`);
    };
    const prefix = azIdPrefixOf(region) ?? "use1";
    const subnets = entries.flatMap((entry, index): FakeSubnet[] =>
        typeof entry.id !== "string"
            ? []
            : [
                  {
                      id: entry.id,
                      vpcId,
                      cidrBlock: typeof entry.cidr === "string" && parseIpv4Cidr(entry.cidr).ok ? entry.cidr : freeBlock(),
                      availabilityZoneId: typeof entry.azId === "string" ? entry.azId : `${prefix}-az${(index % 3) + 1}`,
                      ownerId: accountId,
                  },
              ],
    );
    return {
        vpcs: [
            {
                id: vpcId,
                cidrBlocks,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                isDefault: false,
                ownerId: accountId,
                mainRouteTableId: `rtb-${hex(`${vpcId}:main`, 17)}`,
            },
        ],
        subnets,
    };
}

/** The detector GuardDuty created in an account and region, as the lookup reports it. */
export function existingDetectorId(accountId: string, region: string): string {
    return hex(`detector:${accountId}:${region}`, 32);
}

/**
 * A failed invoke as the Node SDK sees it: the engine wraps the provider's error and sends it as
 * the gRPC status details, which the SDK turns into the Error's message.
 */
function invokeFailure(token: string, providerMessage: string): Error {
    const details = `invocation of ${token} returned an error: invoking ${token}: 1 error occurred:\n\t* ${providerMessage}\n\n`;
    return Object.assign(new Error(details), { details });
}

/** The Terraform provider's error for a detector lookup (no ID given) in an account without one. */
export const NO_DETECTOR_MESSAGE = "reading this account's single GuardDuty Detector: empty result";

function hex(seed: string, length: number): string {
    let out = "";
    for (let round = 0; out.length < length; round++) out += createHash("sha256").update(`${round}:${seed}`).digest("hex");
    return out.slice(0, length);
}

function uuid(seed: string): string {
    const h = hex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type State = Record<string, unknown>;
type Shaper = (name: string, inputs: State, ctx: FakeCloudContext, seed: string) => { id: string; state: State };

const ec2 =
    (prefix: string, kind: string): Shaper =>
    (_name, _inputs, ctx, seed) => {
        const id = `${prefix}-${hex(seed, 17)}`;
        return { id, state: { arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:${kind}/${id}`, ownerId: ctx.accountId } };
    };

/** AWS's ID/ARN shapes for the resource types this project registers. */
const SHAPERS: Record<string, Shaper> = {
    "aws:ec2/vpc:Vpc": (name, inputs, ctx, seed) => {
        const shaped = ec2("vpc", "vpc")(name, inputs, ctx, seed);
        return {
            id: shaped.id,
            state: { ...shaped.state, mainRouteTableId: `rtb-${hex(`${seed}:main`, 17)}`, defaultSecurityGroupId: `sg-${hex(`${seed}:default`, 17)}` },
        };
    },
    "aws:ec2/subnet:Subnet": (name, inputs, ctx, seed) => {
        const shaped = ec2("subnet", "subnet")(name, inputs, ctx, seed);
        return { id: shaped.id, state: { ...shaped.state, availabilityZone: `${ctx.region}${"abcdef"[Number.parseInt(hex(seed, 1), 16) % 6]}` } };
    },
    "aws:ec2/securityGroup:SecurityGroup": ec2("sg", "security-group"),
    "aws:ec2/routeTable:RouteTable": ec2("rtb", "route-table"),
    "aws:ec2/instance:Instance": (name, inputs, ctx, seed) => {
        const shaped = ec2("i", "instance")(name, inputs, ctx, seed);
        return { id: shaped.id, state: { ...shaped.state, privateIp: `10.0.${Number.parseInt(hex(seed, 2), 16)}.10` } };
    },
    "aws:ec2/launchTemplate:LaunchTemplate": (name, inputs, ctx, seed) => {
        const id = `lt-${hex(seed, 17)}`;
        return {
            id,
            state: {
                arn: `arn:aws:ec2:${ctx.region}:${ctx.accountId}:launch-template/${id}`,
                name: String(inputs.name ?? `${name}-${hex(seed, 7)}`),
                latestVersion: 1,
                defaultVersion: 1,
            },
        };
    },
    "aws:autoscaling/group:Group": (name, inputs, ctx, seed) => {
        const groupName = String(inputs.name ?? `${name}-${hex(seed, 7)}`);
        return {
            id: groupName,
            state: {
                name: groupName,
                arn: `arn:aws:autoscaling:${ctx.region}:${ctx.accountId}:autoScalingGroup:${uuid(seed)}:autoScalingGroupName/${groupName}`,
            },
        };
    },
    "aws:ec2/vpcEndpoint:VpcEndpoint": (name, inputs, ctx, seed) => {
        const shaped = ec2("vpce", "vpc-endpoint")(name, inputs, ctx, seed);
        return {
            id: shaped.id,
            state: {
                ...shaped.state,
                state: "available",
                dnsEntries: [{ dnsName: `${shaped.id}.${String(inputs.serviceName ?? "")}.vpce.amazonaws.com`, hostedZoneId: "Z0000000000000" }],
            },
        };
    },
    "aws:ram/resourceShare:ResourceShare": (_name, _inputs, ctx, seed) => {
        const arn = `arn:aws:ram:${ctx.region}:${ctx.accountId}:resource-share/${uuid(seed)}`;
        return { id: arn, state: { arn } };
    },
    "aws:ram/resourceAssociation:ResourceAssociation": (_name, inputs) => ({
        id: `${String(inputs.resourceShareArn)},${String(inputs.resourceArn)}`,
        state: {},
    }),
    "aws:ram/principalAssociation:PrincipalAssociation": (_name, inputs) => ({
        id: `${String(inputs.resourceShareArn)},${String(inputs.principal)}`,
        state: {},
    }),
    "aws:iam/role:Role": (name, inputs, ctx, seed) => {
        const roleName = String(inputs.name ?? `${name}-${hex(seed, 7)}`);
        return {
            id: roleName,
            state: { name: roleName, arn: `arn:aws:iam::${ctx.accountId}:role/${roleName}`, uniqueId: `AROA${hex(seed, 17).toUpperCase()}` },
        };
    },
    "aws:iam/instanceProfile:InstanceProfile": (name, inputs, ctx, seed) => {
        const profileName = String(inputs.name ?? `${name}-${hex(seed, 7)}`);
        return { id: profileName, state: { name: profileName, arn: `arn:aws:iam::${ctx.accountId}:instance-profile/${profileName}` } };
    },
    "aws:ssm/association:Association": (_name, _inputs, _ctx, seed) => {
        const id = uuid(seed);
        return { id, state: { associationId: id } };
    },
    "aws:guardduty/detector:Detector": (_name, _inputs, ctx, seed) => {
        const id = hex(seed, 32);
        return { id, state: { accountId: ctx.accountId, arn: `arn:aws:guardduty:${ctx.region}:${ctx.accountId}:detector/${id}` } };
    },
    "aws:kms/key:Key": (_name, _inputs, ctx, seed) => {
        const id = uuid(seed);
        return { id, state: { keyId: id, arn: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${id}` } };
    },
    "aws:s3/bucket:Bucket": (name, inputs, _ctx, seed) => {
        const bucket = String(inputs.bucket ?? `${name}-${hex(seed, 7)}`);
        return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
    },
    "aws:s3/bucketV2:BucketV2": (name, inputs, _ctx, seed) => {
        const bucket = String(inputs.bucket ?? `${name}-${hex(seed, 7)}`);
        return { id: bucket, state: { bucket, arn: `arn:aws:s3:::${bucket}` } };
    },
    "aws:sns/topic:Topic": (name, inputs, ctx, seed) => {
        const topicName = String(inputs.name ?? `${name}-${hex(seed, 7)}`);
        const arn = `arn:aws:sns:${ctx.region}:${ctx.accountId}:${topicName}`;
        return { id: arn, state: { name: topicName, arn } };
    },
    "aws:cloudwatch/eventRule:EventRule": (name, inputs, ctx, seed) => {
        const ruleName = String(inputs.name ?? `${name}-${hex(seed, 7)}`);
        // A rule on a custom bus has the bus in its ID and ARN; on the default bus it does not.
        const bus = inputs.eventBusName === undefined || inputs.eventBusName === "default" ? undefined : String(inputs.eventBusName);
        const qualified = bus === undefined ? ruleName : `${bus}/${ruleName}`;
        return {
            id: qualified,
            state: { name: ruleName, eventBusName: bus ?? "default", arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:rule/${qualified}` },
        };
    },
    "aws:cloudwatch/eventBus:EventBus": (name, inputs, ctx, seed) => {
        const busName = String(inputs.name ?? `${name}-${hex(seed, 7)}`);
        return { id: busName, state: { name: busName, arn: `arn:aws:events:${ctx.region}:${ctx.accountId}:event-bus/${busName}` } };
    },
    "aws:cloudwatch/eventBusPolicy:EventBusPolicy": (_name, inputs) => ({ id: String(inputs.eventBusName ?? "default"), state: {} }),
    "aws:iam/rolePolicy:RolePolicy": (name, inputs) => ({
        id: `${String(inputs.role)}:${String(inputs.name ?? name)}`,
        state: { name: String(inputs.name ?? name) },
    }),
    // Management and audit stacks (GuardDuty organization, findings export and alerts).
    "aws:ram/sharingWithOrganization:SharingWithOrganization": (_name, _inputs, ctx) => ({ id: ctx.accountId, state: {} }),
    "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount": (_name, inputs) => ({
        id: String(inputs.adminAccountId),
        state: { adminAccountId: String(inputs.adminAccountId) },
    }),
    "aws:guardduty/detectorFeature:DetectorFeature": (_name, inputs) => ({ id: `${String(inputs.detectorId)}/${String(inputs.name)}`, state: {} }),
    "aws:guardduty/organizationConfiguration:OrganizationConfiguration": (_name, inputs) => ({ id: String(inputs.detectorId), state: {} }),
    "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature": (_name, inputs) => ({
        id: `${String(inputs.detectorId)}/${String(inputs.name)}`,
        state: {},
    }),
    "aws:guardduty/publishingDestination:PublishingDestination": (_name, inputs, _ctx, seed) => {
        const destinationId = hex(seed, 32);
        return { id: `${String(inputs.detectorId)}:${destinationId}`, state: { destinationId } };
    },
    "aws:kms/alias:Alias": (name, inputs, ctx) => {
        const aliasName = String(inputs.name ?? `alias/${name}`);
        return { id: aliasName, state: { name: aliasName, arn: `arn:aws:kms:${ctx.region}:${ctx.accountId}:${aliasName}` } };
    },
    "aws:s3/bucketPolicy:BucketPolicy": (_name, inputs) => ({ id: String(inputs.bucket), state: {} }),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (_name, inputs) => ({ id: String(inputs.bucket), state: {} }),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (_name, inputs) => ({ id: String(inputs.bucket), state: {} }),
    "aws:s3/bucketVersioning:BucketVersioning": (_name, inputs) => ({ id: String(inputs.bucket), state: {} }),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (_name, inputs) => ({ id: String(inputs.bucket), state: {} }),
    "aws:sns/topicPolicy:TopicPolicy": (_name, inputs) => ({ id: String(inputs.arn), state: { owner: String(inputs.arn).split(":")[4] ?? "" } }),
    "aws:sns/topicSubscription:TopicSubscription": (_name, inputs, _ctx, seed) => {
        const arn = `${String(inputs.topic)}:${uuid(seed)}`;
        // Email subscriptions stay pending until the recipient confirms; AWS reports them so.
        return { id: arn, state: { arn, pendingConfirmation: inputs.protocol === "email" } };
    },
    "aws:cloudwatch/eventTarget:EventTarget": (_name, inputs, _ctx, seed) => {
        const targetId = String(inputs.targetId ?? `target-${hex(seed, 8)}`);
        return { id: `${String(inputs.rule)}-${targetId}`, state: { targetId } };
    },
};

function genericShape(type: string, name: string, ctx: FakeCloudContext, seed: string): { id: string; state: State } {
    const id = `${name}-${hex(seed, 8)}`;
    const service = type.split(":")[1]?.split("/")[0] ?? "unknown";
    return { id, state: { arn: `arn:aws:${service}:${ctx.region}:${ctx.accountId}:${name}/${id}` } };
}

/** The existing network a lookup sees, or the failure every lookup meets. */
function existingNetwork(token: string, ctx: FakeCloudContext): FakeNetwork {
    const world = ctx.existingNetwork ?? { vpcs: [], subnets: [] };
    if ("failure" in world) throw invokeFailure(token, world.failure);
    return world;
}

/** Network lookups by ID only, as the program makes them; the fake answers nothing it cannot answer faithfully. */
function requireId(token: string, args: State): string {
    if (typeof args.id !== "string") throw new Error(`the offline fake cloud answers ${token} by id only; add filter support in tools/offline/fakeCloud.ts`);
    return args.id;
}

const NETWORK_INVOKES: Record<string, (args: State, ctx: FakeCloudContext) => State> = {
    "aws:ec2/getVpc:getVpc": (args, ctx) => {
        const token = "aws:ec2/getVpc:getVpc";
        const id = requireId(token, args);
        const vpc = existingNetwork(token, ctx).vpcs.find((candidate) => candidate.id === id);
        if (!vpc) throw invokeFailure(token, NOT_FOUND_MESSAGE.vpc);
        return {
            id,
            arn: `arn:aws:ec2:${ctx.region}:${vpc.ownerId}:vpc/${id}`,
            cidrBlock: vpc.cidrBlocks[0],
            cidrBlockAssociations: vpc.cidrBlocks.map((cidrBlock) => ({
                associationId: `vpc-cidr-assoc-${hex(`${id}:${cidrBlock}`, 17)}`,
                cidrBlock,
                state: "associated",
            })),
            default: vpc.isDefault,
            dhcpOptionsId: `dopt-${hex(`${id}:dhcp`, 17)}`,
            enableDnsSupport: vpc.enableDnsSupport,
            enableDnsHostnames: vpc.enableDnsHostnames,
            enableNetworkAddressUsageMetrics: false,
            instanceTenancy: "default",
            ipv6AssociationId: "",
            ipv6CidrBlock: "",
            mainRouteTableId: vpc.mainRouteTableId,
            ownerId: vpc.ownerId,
            region: ctx.region,
            state: "available",
            tags: {},
        };
    },
    "aws:ec2/getSubnet:getSubnet": (args, ctx) => {
        const token = "aws:ec2/getSubnet:getSubnet";
        const id = requireId(token, args);
        const subnet = existingNetwork(token, ctx).subnets.find((candidate) => candidate.id === id);
        if (!subnet) throw invokeFailure(token, NOT_FOUND_MESSAGE.subnet);
        // AZ names are per account; the fake maps az<n> to the n-th letter.
        const azNumber = Number(/az(\d+)$/.exec(subnet.availabilityZoneId)?.[1] ?? "1");
        return {
            id,
            arn: `arn:aws:ec2:${ctx.region}:${subnet.ownerId}:subnet/${id}`,
            vpcId: subnet.vpcId,
            cidrBlock: subnet.cidrBlock,
            availabilityZoneId: subnet.availabilityZoneId,
            availabilityZone: `${ctx.region}${"abcdefghij"[(azNumber - 1) % 10]}`,
            ownerId: subnet.ownerId,
            defaultForAz: false,
            mapPublicIpOnLaunch: false,
            region: ctx.region,
            state: "available",
            tags: {},
        };
    },
    "aws:ec2/getRouteTables:getRouteTables": (args, ctx) => {
        const token = "aws:ec2/getRouteTables:getRouteTables";
        const filters = (args.filters ?? []) as Array<{ name: string; values: string[] }>;
        const bySubnet = filters.find((filter) => filter.name === "association.subnet-id");
        if (!bySubnet || filters.length !== 1)
            throw new Error(`the offline fake cloud answers ${token} by association.subnet-id only; add support in tools/offline/fakeCloud.ts`);
        const world = existingNetwork(token, ctx);
        const ids = world.subnets
            .filter(
                (subnet) =>
                    bySubnet.values.includes(subnet.id) && subnet.routeTableId !== undefined && (args.vpcId === undefined || subnet.vpcId === args.vpcId),
            )
            .map((subnet) => subnet.routeTableId as string);
        return { id: ctx.region, ids: [...new Set(ids)], region: ctx.region, tags: {} };
    },
};

/** Answers for the provider functions (invokes) the programs call. */
const INVOKES: Record<string, (args: State, ctx: FakeCloudContext) => State> = {
    "aws:ssm/getParameter:getParameter": (args) => {
        const name = String(args.name);
        const value = name.includes("/ami-") ? `ami-${hex(name, 17)}` : `value-of-${name}`;
        return { name, value, insecureValue: value, type: "String", version: 1, arn: `arn:aws:ssm:::parameter${name}` };
    },
    "aws:ec2/getInstanceType:getInstanceType": (args) => {
        const instanceType = String(args.instanceType);
        const architecture = architectureOf(instanceType);
        return { instanceType, id: instanceType, supportedArchitectures: [typeof architecture === "string" ? architecture : "x86_64"] };
    },
    "aws:index/getCallerIdentity:getCallerIdentity": (_args, ctx) => ({
        accountId: ctx.accountId,
        arn: `arn:aws:sts::${ctx.accountId}:assumed-role/offline/plan`,
        userId: "AROAOFFLINE:plan",
        id: ctx.accountId,
    }),
    "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" }),
    "aws:index/getRegion:getRegion": (_args, ctx) => ({ name: ctx.region, region: ctx.region, id: ctx.region }),
    ...NETWORK_INVOKES,
    "aws:guardduty/getDetector:getDetector": (args, ctx) => {
        const token = "aws:guardduty/getDetector:getDetector";
        const found = ctx.guardDutyDetectorByRegion?.[ctx.region] ?? ctx.guardDutyDetector ?? "exists";
        if (typeof found === "object") throw invokeFailure(token, found.failure);
        if (found === "none" && args.id === undefined) throw invokeFailure(token, NO_DETECTOR_MESSAGE);
        const id = String(args.id ?? existingDetectorId(ctx.accountId, ctx.region));
        return { id, arn: `arn:aws:guardduty:${ctx.region}:${ctx.accountId}:detector/${id}`, status: "ENABLED", findingPublishingFrequency: "SIX_HOURS" };
    },
};

export const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";

export class UnknownStackReferenceError extends Error {}

const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

/**
 * Pulumi mocks backed by the fake cloud; StackReferences read the outputs of earlier runs. A
 * resource or call made through an AWS provider with a region of its own (a stack governing
 * several regions has one per region) is answered in that provider's region, so IDs, ARNs and
 * detector lookups differ per region as they do in AWS; otherwise in the stack's region.
 */
export function fakeCloudMocks(ctx: FakeCloudContext): pulumi.runtime.Mocks {
    const providerRegions = new Map<string, string>();
    /** A provider reference is `<provider urn>::<provider id>`; the mock gives every provider a distinct ID. */
    const inRegionOf = (reference: string | undefined): FakeCloudContext => {
        const region = reference ? providerRegions.get(reference.slice(reference.lastIndexOf("::") + 2)) : undefined;
        return region === undefined || region === ctx.region ? ctx : { ...ctx, region };
    };
    return {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: State } {
            const shaped = shapeResource(args, inRegionOf(args.provider));
            if (args.type === AWS_PROVIDER_TYPE && typeof args.inputs.region === "string" && shaped.id) providerRegions.set(shaped.id, args.inputs.region);
            return shaped;
        },
        call(args: pulumi.runtime.MockCallArgs): State {
            ctx.onInvoke?.({ token: args.token, inputs: args.inputs, provider: args.provider ?? "" });
            const answer = INVOKES[args.token];
            if (!answer) throw new Error(`the offline fake cloud has no answer for ${args.token}; add one in tools/offline/fakeCloud.ts`);
            return answer(args.inputs, inRegionOf(args.provider));
        },
    };
}

function shapeResource(args: pulumi.runtime.MockResourceArgs, ctx: FakeCloudContext): { id: string | undefined; state: State } {
    if (args.type === STACK_REFERENCE_TYPE) {
        const target = String(args.inputs.name ?? args.name);
        const outputs = ctx.stackOutputs(target);
        // The real engine fails a reference to a stack that does not exist; an empty
        // outputs map is what a stack that exists but was never deployed returns.
        if (outputs === undefined) throw new UnknownStackReferenceError(`unknown stack "${target}"`);
        return { id: target, state: { name: target, outputs, secretOutputNames: [] } };
    }
    if (args.id) return { id: args.id, state: args.inputs };
    const seed = `${ctx.accountId}:${args.type}:${args.name}`;
    const shaper = SHAPERS[args.type];
    const shaped = shaper ? shaper(args.name, args.inputs, ctx, seed) : genericShape(args.type, args.name, ctx, seed);
    return { id: shaped.id, state: { ...args.inputs, ...shaped.state, id: shaped.id } };
}
