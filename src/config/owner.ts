import { z } from "zod";
import { parseIpv4Cidr, contains, findOverlaps, Ipv4Block } from "../net/cidr";
import { ConfigProblem } from "./errors";
import { configKey, parseStackConfig, RawConfig } from "./load";
import { AgentManagement } from "../agentManagement";
import { flag, json, oneOf, organizationId, resourceName, retired, stackName } from "./primitives";
import { azIdProblem } from "./regions";

const CIDR_EXPECTED = "an IPv4 CIDR block between /16 and /28, such as 10.20.0.0/16";

/** A CIDR's own form is checked in the schema, so it is reported even when other keys are broken too. */
const cidr = z.string({ error: CIDR_EXPECTED }).superRefine((value, ctx) => {
    const parsed = parseIpv4Cidr(value);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.expected });
});

const subnetSchema = z.object(
    {
        name: resourceName,
        cidr,
        azId: z.string({ error: "an availability-zone ID such as use1-az1" }),
        share: z.boolean({ error: "true or false (whether to share the subnet with shareWith)" }).default(true),
    },
    { error: "a subnet: { name, cidr, azId, share? }" },
);

export const PRINCIPAL_EXPECTED =
    "a 12-digit account ID, an OU ARN (arn:aws:organizations::<mgmt-account>:ou/o-…/ou-…) or the organization ARN (arn:aws:organizations::<mgmt-account>:organization/o-…)";

export type Principal =
    | { kind: "account"; value: string }
    | { kind: "ou"; value: string; organizationId: string }
    | { kind: "organization"; value: string; organizationId: string };

const ORGANIZATION_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:organization\/(o-[a-z0-9]{10,32})$/;
const OU_ARN = /^arn:aws[a-z-]*:organizations::\d{12}:ou\/(o-[a-z0-9]{10,32})\/ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/** RAM accepts three kinds of principal inside an organization; anything else is a typo or an outsider. */
export function classifyPrincipal(value: string): Principal | undefined {
    if (/^\d{12}$/.test(value)) return { kind: "account", value };
    const org = ORGANIZATION_ARN.exec(value);
    if (org) return { kind: "organization", value, organizationId: org[1] };
    const ou = OU_ARN.exec(value);
    if (ou) return { kind: "ou", value, organizationId: ou[1] };
    return undefined;
}

export const ownerShape = {
    vpcCidr: cidr,
    subnets: json(z.array(subnetSchema, { error: "a list of subnets: [{ name, cidr, azId, share? }, …]" }).min(1, { error: "at least one subnet" })),
    /** Classified once here, so the rules and the stack work with the principal's kind. */
    shareWith: json(
        z.array(
            z.string({ error: PRINCIPAL_EXPECTED }).transform((value, ctx) => {
                const principal = classifyPrincipal(value);
                if (principal === undefined) ctx.addIssue({ code: "custom", message: PRINCIPAL_EXPECTED });
                return principal ?? z.NEVER;
            }),
            { error: `a list of principals, each ${PRINCIPAL_EXPECTED}` },
        ),
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

    const seenPrincipals = new Set<string>();
    config.shareWith.forEach((principal, index) => {
        const expected = seenPrincipals.has(principal.value)
            ? "each principal once"
            : principal.kind === "account" && principal.value === config.accountId
              ? "a participant account, not the owner's own account (the owner uses its subnets without sharing)"
              : principal.kind !== "account" && principal.organizationId !== config.organizationId
                ? `a principal of organization ${config.organizationId} (subnets can be shared only inside the organization)`
                : undefined;
        seenPrincipals.add(principal.value);
        if (expected) problems.push({ key: configKey("shareWith", index), value: principal.value, expected });
    });

    const shared = config.subnets.filter((subnet) => subnet.share);
    if (shared.length > 0 && config.shareWith.length === 0) {
        problems.push({ key: configKey("shareWith"), value: config.shareWith, expected: "at least one principal to share the subnets with (or set share: false on every subnet)" });
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
