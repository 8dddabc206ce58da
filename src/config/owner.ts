import { z } from "zod";
import { principalSlug } from "../components/sharedVpc";
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
    if (reserved) ctx.addIssue({ code: "custom", message: `a VPC range outside ${reserved.block.cidr}, which is ${reserved.reason}; RFC 1918 ranges such as 10.20.0.0/16 are the usual choice` });
});

const subnetSchema = closedObject(
    {
        name: resourceName,
        cidr,
        azId: z.string({ error: "an availability-zone ID such as use1-az1" }),
        share: z.boolean({ error: "true or false (whether to share the subnet with shareWith)" }).default(true),
    },
    "a subnet",
    "a subnet: { name, cidr, azId, share? }",
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
    vpcCidr,
    subnets: json(z.array(subnetSchema, { error: "a list of subnets: [{ name, cidr, azId, share? }, …]" }).min(1, { error: "at least one subnet" })),
    /** Classified once here, so the rules and the stack work with the principal's kind. */
    shareWith: json(
        z.array(principal, { error: `a list of principals, each ${PRINCIPAL_EXPECTED}` }),
        [],
    ),
    organizationId,
    /** The audit stack, whose `agentManagement` output decides whether this stack creates the guardduty-data endpoint. */
    auditStack: stackName,
    createGuardDutyEndpoint: retired("the guardduty-data endpoint follows the audit stack's agentManagement (created here under manual, by GuardDuty under automated); remove createGuardDutyEndpoint"),
    endpointPolicyScope: oneOf(["organization", "accounts"], "organization"),
    ssmEndpoints: flag(true),
};

type OwnerShapeConfig = z.infer<z.ZodObject<typeof ownerShape>> & { "aws:region": string; accountId: string };

function ownerCrossCheck(config: OwnerShapeConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    // Forms were checked by the schema; what is left are the rules between keys.
    const vpc = parseIpv4Cidr(config.vpcCidr);

    const blocks: Array<{ index: number; block: Ipv4Block }> = [];
    const seenNames = new Map<string, number>();
    config.subnets.forEach((subnet, index) => {
        const earlier = seenNames.get(subnet.name);
        if (earlier !== undefined) {
            problems.push({ key: configKey("subnets", index, "name"), value: subnet.name, expected: `a name not already used by subnets[${earlier}] (participants select subnets by name)` });
        } else seenNames.set(subnet.name, index);

        const azProblem = azIdProblem(subnet.azId, config["aws:region"]);
        if (azProblem) problems.push({ key: configKey("subnets", index, "azId"), value: subnet.azId, expected: azProblem });
        const zone = classifyZoneId(subnet.azId);
        if (!azProblem && subnet.share && zone && zone.kind !== "availability-zone") {
            problems.push({
                key: configKey("subnets", index, "azId"),
                value: subnet.azId,
                expected: `an Availability Zone ID (such as ${zone.regionPrefix}-az1) for a shared subnet, not a ${zone.kind === "local-zone" ? "Local Zone" : "Wavelength Zone"}: the interface endpoints participants use are placed in the shared subnets, and AWS offers interface endpoints in Availability Zones only (keep the subnet with share: false for the owner's own use)`,
            });
        }

        const parsed = parseIpv4Cidr(subnet.cidr);
        if (!parsed.ok) return;
        if (vpc.ok && !contains(vpc.block, parsed.block)) {
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
        const expected = earlier !== undefined
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
        problems.push({ key: configKey("shareWith"), value: config.shareWith, expected: "at least one principal to share the subnets with (or set share: false on every subnet)" });
    }
    // guardduty-data depends on the audit stack's mode: checkAgainstMode covers it.
    const interfaceEndpoints = config.ssmEndpoints ? ["ssm", "ssmmessages", "ec2messages"] : [];
    const needShared = [
        ...(config.shareWith.length > 0 ? [`shareWith names principals (${config.shareWith.map((p) => p.value).join(", ")}) and a share without subnets gives them nothing`] : []),
        ...(interfaceEndpoints.length > 0 ? [`the interface endpoints (${interfaceEndpoints.join(", ")}) are placed in the shared subnets`] : []),
    ];
    if (shared.length === 0 && needShared.length > 0) {
        problems.push({ key: configKey("subnets"), value: config.subnets.map((s) => s.name), expected: `at least one subnet with share: true: ${needShared.join("; ")}` });
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

export function parseOwnerConfig(stack: string, raw: RawConfig) {
    return parseStackConfig(stack, "owner", raw, ownerShape, ownerCrossCheck);
}

export type OwnerConfig = ReturnType<typeof parseOwnerConfig>;

/** What the owner can only check once it knows the organization's agent-management mode. */
export function checkAgainstMode(config: OwnerConfig, mode: AgentManagement): ConfigProblem[] {
    if (mode === "manual" && !config.subnets.some((subnet) => subnet.share)) {
        return [{
            key: configKey("subnets"),
            value: config.subnets.map((s) => s.name),
            expected: `at least one subnet with share: true: agent management is manual (from ${config.auditStack}), so this stack creates the guardduty-data endpoint, which lives in the shared subnets`,
        }];
    }
    return [];
}
