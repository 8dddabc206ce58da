import { z } from "zod";
import { principalSlug, type ExistingSubnet, type NetworkPlan, type SubnetSpec } from "../components/sharedVpc";
import { parseIpv4Cidr, contains, findOverlaps, Ipv4Block, reservedRangeOf } from "../net/cidr";
import { ConfigProblem } from "./errors";
import { configKey, parseStackConfig, RawConfig } from "./load";
import { AgentManagement } from "../agentManagement";
import { accountIdText, closedObject, flag, json, oneOf, organizationId, resourceName, retired, stackName } from "./primitives";
import { azIdProblem, classifyZoneId, partitionOf } from "./regions";

const CIDR_EXPECTED = "an IPv4 CIDR block between /16 and /28, such as 10.20.0.0/16";

/** A CIDR's own form is checked in the schema, so it is reported even when other keys are broken too. */
const cidr = z.string({ error: CIDR_EXPECTED }).superRefine((value, ctx) => {
    const parsed = parseIpv4Cidr(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.expected });
});

/** AWS refuses some ranges for a VPC, or they break what instances rely on (the metadata service). */
const vpcCidr = cidr.superRefine((value, ctx) => {
    const parsed = parseIpv4Cidr(value);
    const reserved = parsed.ok ? reservedRangeOf(parsed.block) : undefined;
    if (reserved)
        ctx.addIssue({
            code: "custom",
            message: `a VPC range outside ${reserved.block.cidr}, which is ${reserved.reason}; RFC 1918 ranges such as 10.20.0.0/16 are the usual choice`,
        });
});

const VPC_ID_EXPECTED = "the ID of an existing VPC of this account and region, such as vpc-0a1b2c3d4e5f67890 (`aws ec2 describe-vpcs`)";
const vpcId = z.string({ error: VPC_ID_EXPECTED }).regex(/^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: VPC_ID_EXPECTED });
const SUBNET_ID_EXPECTED =
    "the ID of an existing subnet of existingVpcId, such as subnet-0a1b2c3d4e5f67890 (`aws ec2 describe-subnets --filters Name=vpc-id,Values=<existingVpcId>`)";
const subnetId = z.string({ error: SUBNET_ID_EXPECTED }).regex(/^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$/, { error: SUBNET_ID_EXPECTED });

const SUBNET_SHAPES = "{ name, cidr, azId, share? } for a subnet this stack creates, or { name, id, share? } for an existing one (with existingVpcId)";

/**
 * A subnet this stack creates (cidr and azId) or an existing one it adopts (id). On an adopted
 * subnet, cidr and azId are optional statements of what it should be: checked against AWS,
 * never used to create anything.
 */
const subnetSchema = closedObject(
    {
        name: resourceName,
        id: subnetId.optional(),
        cidr: cidr.optional(),
        azId: z.string({ error: "an availability-zone ID such as use1-az1" }).optional(),
        share: z.boolean({ error: "true or false (whether to share the subnet with shareWith)" }).default(true),
    },
    "a subnet",
    `a subnet: ${SUBNET_SHAPES}`,
);

export const PRINCIPAL_EXPECTED =
    "a 12-digit account ID, an OU ARN (arn:aws:organizations::<mgmt-account>:ou/o-…/ou-…) or the organization ARN (arn:aws:organizations::<mgmt-account>:organization/o-…)";

export type Principal =
    | { kind: "account"; value: string }
    | { kind: "ou"; value: string; organizationId: string }
    | { kind: "organization"; value: string; organizationId: string };

const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/(o-[a-z0-9]{10,32})$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/(o-[a-z0-9]{10,32})\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/**
 * RAM accepts three kinds of principal inside an organization; anything else is a typo or an
 * outsider. Organizations IDs are lowercase, so an ARN is compared and used in lowercase: two
 * spellings of one OU must not become two RAM associations.
 */
export function classifyPrincipal(text: string): Principal | undefined {
    if (/^\d{12}$/.test(text)) return { kind: "account", value: text };
    const value = text.toLowerCase();
    const org = ORGANIZATION_ARN.exec(value);
    if (org) return { kind: "organization", value, organizationId: org[1] };
    const ou = OU_ARN.exec(value);
    if (ou) return { kind: "ou", value, organizationId: ou[1] };
    return undefined;
}

/** The partition an organization or OU ARN names (`aws`, `aws-cn`, `aws-us-gov`, …). */
function partitionOfArn(arn: string): string {
    return arn.split(":")[1];
}

/** A principal as written, or as a YAML number when it is an account ID set with `pulumi config set --path`. */
const principal = z.unknown().transform((value, ctx) => {
    if (typeof value === "number") {
        const account = accountIdText(value);
        if (account.ok) return { kind: "account", value: account.id } as Principal;
        ctx.addIssue({ code: "custom", message: account.expected, input: value });
        return z.NEVER;
    }
    const classified = typeof value === "string" ? classifyPrincipal(value) : undefined;
    if (classified) return classified;
    const account = /^\d+$/.test(String(value)) ? accountIdText(value) : undefined;
    ctx.addIssue({ code: "custom", message: account && !account.ok ? account.expected : PRINCIPAL_EXPECTED, input: value });
    return z.NEVER;
});

export const ownerShape = {
    /** The VPC this stack creates; with existingVpcId the VPC exists and its CIDR is read from AWS. */
    vpcCidr: vpcCidr.optional(),
    /** An existing VPC to adopt instead of creating one: its subnets are named by ID. */
    existingVpcId: vpcId.optional(),
    subnets: json(z.array(subnetSchema, { error: `a list of subnets, each ${SUBNET_SHAPES}` }).min(1, { error: "at least one subnet" })),
    /** Classified once here, so the rules and the stack work with the principal's kind. */
    shareWith: json(z.array(principal, { error: `a list of principals, each ${PRINCIPAL_EXPECTED}` }), []),
    organizationId,
    /** The audit stack, whose `agentManagement` output decides whether this stack creates the guardduty-data endpoint. */
    auditStack: stackName,
    createGuardDutyEndpoint: retired(
        "the guardduty-data endpoint follows the audit stack's agentManagement (created here under manual, by GuardDuty under automated); remove createGuardDutyEndpoint",
    ),
    endpointPolicyScope: oneOf(["organization", "accounts"], "organization"),
    ssmEndpoints: flag(true),
};

type OwnerShapeConfig = z.infer<z.ZodObject<typeof ownerShape>> & { "aws:region": string; accountId: string };

const ENDPOINTS_NEED_AVAILABILITY_ZONES =
    "the interface endpoints participants use are placed in the shared subnets, and AWS offers interface endpoints in Availability Zones only (keep the subnet with share: false for the owner's own use)";

/** A zone a shared subnet cannot be in (a Local or Wavelength Zone), or undefined. */
function zoneNotForSharing(azId: string): { kind: string; regionPrefix: string } | undefined {
    const zone = classifyZoneId(azId);
    if (!zone || zone.kind === "availability-zone") return undefined;
    return { kind: zone.kind === "local-zone" ? "Local Zone" : "Wavelength Zone", regionPrefix: zone.regionPrefix };
}

function sharedZoneProblem(azId: string): string | undefined {
    const zone = zoneNotForSharing(azId);
    return zone && `an Availability Zone ID (such as ${zone.regionPrefix}-az1) for a shared subnet, not a ${zone.kind}: ${ENDPOINTS_NEED_AVAILABILITY_ZONES}`;
}

/** Creating a network and adopting one are two ways to configure it; a mixture of both is refused key by key. */
function networkSourceProblems(config: OwnerShapeConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const adopting = config.existingVpcId !== undefined;
    if (adopting && config.vpcCidr !== undefined) {
        problems.push({
            key: configKey("vpcCidr"),
            value: config.vpcCidr,
            expected: `nothing while existingVpcId is set (${config.existingVpcId}): the existing VPC's CIDR is read from AWS; remove vpcCidr, or remove existingVpcId to create a new VPC`,
        });
    }
    if (!adopting && config.vpcCidr === undefined) {
        problems.push({
            key: configKey("vpcCidr"),
            value: undefined,
            expected: `${CIDR_EXPECTED} for the VPC this stack creates, or existingVpcId to adopt an existing VPC instead`,
        });
    }
    const seenIds = new Map<string, number>();
    config.subnets.forEach((subnet, index) => {
        if (adopting && subnet.id === undefined) {
            problems.push({
                key: configKey("subnets", index, "id"),
                value: undefined,
                expected: `${SUBNET_ID_EXPECTED}: in an adopted VPC this stack creates no subnets, it shares existing ones named by ID (cidr and azId, if given, are only checked against AWS)`,
            });
        }
        if (!adopting && subnet.id !== undefined) {
            problems.push({
                key: configKey("subnets", index, "id"),
                value: subnet.id,
                expected:
                    "nothing while this stack creates the VPC (vpcCidr): an existing subnet can be named only together with its VPC, existingVpcId (then leave out vpcCidr); or remove id and give cidr and azId to create the subnet",
            });
        }
        if (!adopting && subnet.id === undefined) {
            if (subnet.cidr === undefined)
                problems.push({
                    key: configKey("subnets", index, "cidr"),
                    value: undefined,
                    expected: `${CIDR_EXPECTED}, inside vpcCidr, for the subnet this stack creates`,
                });
            if (subnet.azId === undefined)
                problems.push({
                    key: configKey("subnets", index, "azId"),
                    value: undefined,
                    expected: "an availability-zone ID such as use1-az1, for the subnet this stack creates",
                });
        }
        if (subnet.id !== undefined) {
            const earlier = seenIds.get(subnet.id);
            if (earlier !== undefined)
                problems.push({
                    key: configKey("subnets", index, "id"),
                    value: subnet.id,
                    expected: `a subnet not already named by subnets[${earlier}] (one subnet, one entry)`,
                });
            else seenIds.set(subnet.id, index);
        }
    });
    return problems;
}

function ownerCrossCheck(config: OwnerShapeConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = networkSourceProblems(config);
    // Forms were checked by the schema; what is left are the rules between keys.
    const vpc = config.vpcCidr === undefined ? undefined : parseIpv4Cidr(config.vpcCidr);

    const blocks: Array<{ index: number; block: Ipv4Block }> = [];
    const seenNames = new Map<string, number>();
    config.subnets.forEach((subnet, index) => {
        const earlier = seenNames.get(subnet.name);
        if (earlier !== undefined) {
            problems.push({
                key: configKey("subnets", index, "name"),
                value: subnet.name,
                expected: `a name not already used by subnets[${earlier}] (participants select subnets by name)`,
            });
        } else seenNames.set(subnet.name, index);

        if (subnet.azId !== undefined) {
            const azProblem = azIdProblem(subnet.azId, config["aws:region"]) ?? (subnet.share ? sharedZoneProblem(subnet.azId) : undefined);
            if (azProblem) problems.push({ key: configKey("subnets", index, "azId"), value: subnet.azId, expected: azProblem });
        }

        const parsed = subnet.cidr === undefined ? undefined : parseIpv4Cidr(subnet.cidr);
        if (!parsed?.ok) return;
        if (vpc?.ok && !contains(vpc.block, parsed.block)) {
            problems.push({ key: configKey("subnets", index, "cidr"), value: subnet.cidr, expected: `a block inside vpcCidr ${config.vpcCidr}` });
        }
        blocks.push({ index, block: parsed.block });
    });
    for (const [a, b] of findOverlaps(blocks.map((entry) => entry.block))) {
        const [first, second] = [blocks[a].index, blocks[b].index].sort((x, y) => x - y);
        problems.push({
            key: configKey("subnets", second, "cidr"),
            value: config.subnets[second].cidr,
            expected: `a block that does not overlap subnets[${first}] (${config.subnets[first].cidr})`,
        });
    }

    // Compared by the name each principal's RAM association gets: two entries with one name are
    // one duplicate URN, which the engine refuses half-way through `pulumi up`.
    const seenPrincipals = new Map<string, number>();
    const partition = partitionOf(config["aws:region"]);
    config.shareWith.forEach((principal, index) => {
        const earlier = seenPrincipals.get(principalSlug(principal.value));
        const expected =
            earlier !== undefined
                ? `each principal once: shareWith[${earlier}] already names ${principalSlug(principal.value)} (${config.shareWith[earlier].value})`
                : principal.kind === "account" && principal.value === config.accountId
                  ? "a participant account, not the owner's own account (the owner uses its subnets without sharing)"
                  : principal.kind !== "account" && principal.organizationId !== config.organizationId
                    ? `a principal of organization ${config.organizationId} (subnets can be shared only inside the organization)`
                    : principal.kind !== "account" && partitionOfArn(principal.value) !== partition
                      ? `an ARN in partition ${partition}, the partition of ${config["aws:region"]} (arn:${partition}:organizations::…)`
                      : undefined;
        if (earlier === undefined) seenPrincipals.set(principalSlug(principal.value), index);
        if (expected) problems.push({ key: configKey("shareWith", index), value: principal.value, expected });
    });

    const shared = config.subnets.filter((subnet) => subnet.share);
    if (shared.length > 0 && config.shareWith.length === 0) {
        problems.push({
            key: configKey("shareWith"),
            value: config.shareWith,
            expected: "at least one principal to share the subnets with (or set share: false on every subnet)",
        });
    }
    // guardduty-data depends on the audit stack's mode: checkAgainstMode covers it.
    const interfaceEndpoints = config.ssmEndpoints ? ["ssm", "ssmmessages", "ec2messages"] : [];
    const needShared = [
        ...(config.shareWith.length > 0
            ? [`shareWith names principals (${config.shareWith.map((p) => p.value).join(", ")}) and a share without subnets gives them nothing`]
            : []),
        ...(interfaceEndpoints.length > 0 ? [`the interface endpoints (${interfaceEndpoints.join(", ")}) are placed in the shared subnets`] : []),
    ];
    if (shared.length === 0 && needShared.length > 0) {
        problems.push({
            key: configKey("subnets"),
            value: config.subnets.map((s) => s.name),
            expected: `at least one subnet with share: true: ${needShared.join("; ")}`,
        });
    }
    if (config.endpointPolicyScope === "accounts") {
        const groups = config.shareWith.filter((p) => p.kind !== "account");
        if (groups.length > 0) {
            problems.push({
                key: configKey("endpointPolicyScope"),
                value: "accounts",
                expected: `"organization" while shareWith names OUs or the organization (${groups.map((g) => g.value).join(", ")}): an account-scoped endpoint policy would deny their accounts`,
            });
        }
    }
    return problems;
}

/** An existing subnet as configured: its ID, and what it should be where the config says. */
export interface AdoptedSubnetConfig {
    name: string;
    id: string;
    share: boolean;
    cidr?: string;
    azId?: string;
}

/** The network as configured: what to create, or what exists and is to be read from AWS first. */
export type NetworkConfig = Extract<NetworkPlan, { kind: "create" }> | { kind: "adopt"; vpcId: string; subnets: AdoptedSubnetConfig[] };

/** A value the cross-check has already required; reaching undefined here is a bug in it. */
function checked<T>(value: T | undefined, key: string): T {
    if (value === undefined) throw new Error(`${key} passed the owner's cross-check unset`);
    return value;
}

export function parseOwnerConfig(stack: string, raw: RawConfig) {
    const config = parseStackConfig(stack, "owner", raw, ownerShape, ownerCrossCheck);
    const network: NetworkConfig =
        config.existingVpcId !== undefined
            ? {
                  kind: "adopt",
                  vpcId: config.existingVpcId,
                  subnets: config.subnets.map(({ name, id, share, cidr, azId }, index) => ({
                      name,
                      id: checked(id, configKey("subnets", index, "id")),
                      share,
                      cidr,
                      azId,
                  })),
              }
            : {
                  kind: "create",
                  cidr: checked(config.vpcCidr, configKey("vpcCidr")),
                  subnets: config.subnets.map(({ name, share, cidr, azId }, index): SubnetSpec => ({
                      name,
                      share,
                      cidr: checked(cidr, configKey("subnets", index, "cidr")),
                      azId: checked(azId, configKey("subnets", index, "azId")),
                  })),
              };
    return { ...config, network };
}

export type OwnerConfig = ReturnType<typeof parseOwnerConfig>;

/** What the owner can only check once it knows the organization's agent-management mode. */
export function checkAgainstMode(config: OwnerConfig, mode: AgentManagement): ConfigProblem[] {
    if (mode === "manual" && !config.subnets.some((subnet) => subnet.share)) {
        return [
            {
                key: configKey("subnets"),
                value: config.subnets.map((s) => s.name),
                expected: `at least one subnet with share: true: agent management is manual (from ${config.auditStack}), so this stack creates the guardduty-data endpoint, which lives in the shared subnets`,
            },
        ];
    }
    return [];
}

/** What AWS reports about the VPC named in existingVpcId. */
export interface ExistingVpcFacts {
    /** The IPv4 blocks associated with the VPC, the primary first. */
    cidrBlocks: string[];
    enableDnsSupport: boolean;
    enableDnsHostnames: boolean;
    isDefault: boolean;
    ownerId: string;
}

/** What AWS reports about a subnet named by ID. */
export interface ExistingSubnetFacts {
    vpcId: string;
    cidrBlock: string;
    azId: string;
    ownerId: string;
}

/** A lookup's answer: what was found, or the provider's words for "there is none with this ID". */
export type Found<T> = { found: true; facts: T } | { found: false; said: string };

/**
 * What an adopted network cannot do, judged from what AWS reports about it before anything is
 * registered: each problem names the key to change. The lookups run through the stack's
 * pinned provider, so "none with this ID" also covers a VPC of another account or region.
 */
export function existingNetworkProblems(config: OwnerConfig, vpc: Found<ExistingVpcFacts>, subnets: readonly Found<ExistingSubnetFacts>[]): ConfigProblem[] {
    const network = config.network;
    if (network.kind !== "adopt") return [];
    const problems: ConfigProblem[] = [];
    const where = `account ${config.accountId} in ${config["aws:region"]}`;
    const vpcKey = configKey("existingVpcId");

    if (!vpc.found) {
        problems.push({
            key: vpcKey,
            value: network.vpcId,
            expected: `a VPC of ${where}: AWS reports none with this ID ("${vpc.said}"); \`aws ec2 describe-vpcs --region ${config["aws:region"]}\` lists them`,
        });
    } else {
        const facts = vpc.facts;
        if (facts.isDefault) {
            problems.push({
                key: vpcKey,
                value: network.vpcId,
                expected:
                    "a VPC that is not the account's default VPC: AWS does not share subnets of a default VPC; adopt another VPC, or leave out existingVpcId and set vpcCidr to let this stack create one",
            });
        }
        if (facts.ownerId !== config.accountId) {
            problems.push({
                key: vpcKey,
                value: network.vpcId,
                expected: `a VPC that account ${config.accountId} owns: this one belongs to ${facts.ownerId} and is shared with this account, and only a VPC's owner can share its subnets (deploy the owner stack in ${facts.ownerId})`,
            });
        }
        const off = [
            ["enableDnsSupport", facts.enableDnsSupport],
            ["enableDnsHostnames", facts.enableDnsHostnames],
        ]
            .filter(([, on]) => !on)
            .map(([name]) => name as string);
        if (off.length > 0) {
            problems.push({
                key: vpcKey,
                value: network.vpcId,
                expected:
                    `a VPC with enableDnsSupport and enableDnsHostnames both true (${off.join(" and ")} ${off.length === 1 ? "is" : "are"} false): the guardduty-data endpoint, GuardDuty's own or this stack's, and the SSM endpoints need private DNS, which AWS refuses otherwise ("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true"); ` +
                    `ask the VPC's owners to run ${off.map((name) => `\`aws ec2 modify-vpc-attribute --vpc-id ${network.vpcId} --${name === "enableDnsSupport" ? "enable-dns-support" : "enable-dns-hostnames"}\``).join(" and ")}`,
            });
        }
    }

    network.subnets.forEach((subnet, index) => {
        const answer = subnets[index];
        const idKey = configKey("subnets", index, "id");
        if (!answer.found) {
            problems.push({
                key: idKey,
                value: subnet.id,
                expected: `a subnet of ${where}: AWS reports none with this ID ("${answer.said}"); \`aws ec2 describe-subnets --filters Name=vpc-id,Values=${network.vpcId}\` lists the VPC's`,
            });
            return;
        }
        const facts = answer.facts;
        if (facts.vpcId !== network.vpcId) {
            problems.push({ key: idKey, value: subnet.id, expected: `a subnet of existingVpcId ${network.vpcId}: ${subnet.id} is in ${facts.vpcId}` });
        } else if (facts.ownerId !== config.accountId) {
            problems.push({
                key: idKey,
                value: subnet.id,
                expected: `a subnet that account ${config.accountId} owns: ${facts.ownerId} owns this one, and only a subnet's owner can share it`,
            });
        }
        const azMatches = subnet.azId === undefined || subnet.azId === facts.azId;
        if (!azMatches) {
            problems.push({
                key: configKey("subnets", index, "azId"),
                value: subnet.azId,
                expected: `${facts.azId}, the AZ ID AWS reports for ${subnet.id} (or leave azId out: it is read from AWS)`,
            });
        }
        if (subnet.cidr !== undefined && subnet.cidr !== facts.cidrBlock) {
            problems.push({
                key: configKey("subnets", index, "cidr"),
                value: subnet.cidr,
                expected: `${facts.cidrBlock}, the CIDR AWS reports for ${subnet.id} (or leave cidr out: it is read from AWS)`,
            });
        }
        // A configured zone was judged with the config already.
        const zone = subnet.share && subnet.azId === undefined ? zoneNotForSharing(facts.azId) : undefined;
        if (zone)
            problems.push({
                key: idKey,
                value: subnet.id,
                expected: `a subnet in an Availability Zone to share it: AWS reports it in ${zone.kind} ${facts.azId}; ${ENDPOINTS_NEED_AVAILABILITY_ZONES}`,
            });
    });
    return problems;
}

/** The adopted network as the stack builds on it: the configured names and sharing, AWS's facts. */
export function adoptedNetwork(
    network: Extract<NetworkConfig, { kind: "adopt" }>,
    vpc: ExistingVpcFacts,
    subnets: readonly (ExistingSubnetFacts & { arn: string })[],
    routeTableIds: readonly string[],
): Extract<NetworkPlan, { kind: "adopt" }> {
    return {
        kind: "adopt",
        vpcId: network.vpcId,
        cidrBlocks: vpc.cidrBlocks,
        subnets: network.subnets.map((subnet, index): ExistingSubnet => ({
            name: subnet.name,
            share: subnet.share,
            id: subnet.id,
            arn: subnets[index].arn,
            azId: subnets[index].azId,
            cidr: subnets[index].cidrBlock,
        })),
        routeTableIds,
    };
}
