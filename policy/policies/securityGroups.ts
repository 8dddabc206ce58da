import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/aws";
import { coversInternet, Family, format, IPV4_PRIVATE, IPV6_PRIVATE, parseCidr, Range, subtract, union } from "../lib/cidr";
import { NO_CONFIG, withCheckedConfig } from "../lib/config";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { endpointIngressRules, endpointSecurityGroups, IngressRule, LAUNCHES, SecurityGroupRef } from "../lib/securityGroups";
import { stackView, StackView } from "../lib/stack";
import { isObj, isUnknown, read, show, stringList, Value } from "../lib/values";
import { guardDutyEndpoints, participantResources } from "./scope";

function foreignList(refs: readonly SecurityGroupRef[]): string {
    return refs.flatMap((ref) => (ref.kind === "foreign" ? [`${ref.what} (${ref.why})`] : [])).join("; ");
}

function unknownWhats(refs: readonly SecurityGroupRef[]): string[] {
    return refs.flatMap((ref) => (ref.kind === "unknown" ? [ref.what] : []));
}

export const endpointSecurityGroupsOwnedByStack: StackValidationPolicy = withCheckedConfig({
    name: "endpoint-security-groups-owned-by-stack",
    description:
        "Every security group on a VPC endpoint, however attached, is a security group created in the same stack (an ID from config or a stack reference is someone else's, and so is the VPC's default group an interface endpoint keeps without one).",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const endpoint of view.ofType(T.vpcEndpoint)) {
            const use = endpointSecurityGroups(view, endpoint);
            if (use.refs.some((ref) => ref.kind === "foreign")) {
                report(
                    `${label(endpoint)} uses security groups that are not created in this stack: ${foreignList(use.refs)}. ` +
                        "An endpoint in the owner's VPC can only use the owner's security groups (EC2 does not find another account's), and a group managed elsewhere, or the VPC's default one, lets someone else decide who reaches the endpoint. " +
                        "Create the security group in this stack, next to the endpoint, and pass its id in securityGroupIds (or attach it with a SecurityGroupAssociation that sets replaceDefaultAssociation: true).",
                    endpoint.urn,
                );
            }
            const waiting = unknownWhats(use.refs);
            if (waiting.length > 0) {
                reportCannotCheck(
                    report,
                    `Whose security groups ${label(endpoint)} uses ${untilKnown(waiting)} (they depend on no security group of this stack).`,
                    endpoint.urn,
                );
            }
        }
    },
});

/** What is wrong with a rule's protocol and ports (empty: TCP 443 only) and what about them is unknown. */
function assessPorts(rule: IngressRule, problems: string[], waiting: string[]): void {
    const protocol = rule.protocol;
    if (isUnknown(protocol)) return void waiting.push(`${rule.where} protocol`);
    const p = String(protocol).toLowerCase();
    if (p === "-1" || p === "all") return void problems.push(`${rule.where} allows all protocols and ports`);
    if (p !== "tcp" && p !== "6") return void problems.push(`${rule.where} allows protocol ${show(protocol)}`);
    for (const [name, port] of [
        ["fromPort", rule.fromPort],
        ["toPort", rule.toPort],
    ] as const) {
        if (isUnknown(port)) waiting.push(`${rule.where} ${name}`);
    }
    if (!isUnknown(rule.fromPort) && !isUnknown(rule.toPort) && (rule.fromPort !== 443 || rule.toPort !== 443)) {
        problems.push(`${rule.where} allows TCP ${show(rule.fromPort)}-${show(rule.toPort)}`);
    }
}

/** A source range, as written, and the rule that admits it. */
interface Source {
    range: Range;
    text: string;
    where: string;
}

/** The addresses of the prefix lists a rule names, when they are the stack's; someone else's cannot be seen. */
function prefixListSources(view: StackView, rule: IngressRule, sources: Source[], problems: string[], waiting: string[]): void {
    const list = stringList(rule.prefixLists);
    if (list.kind === "absent") return;
    // Inline rules record their dependencies under `ingress`, rule resources under their own property.
    const deps = ["prefixListIds", "prefixListId", "ingress"]
        .flatMap((prop) => rule.declaredBy.propertyDependencies[prop] ?? [])
        .filter((dep) => dep.type === T.managedPrefixList);
    if (list.kind === "unknown" && deps.length === 0) return void waiting.push(`${rule.where} prefix lists`);
    const items = list.kind === "unknown" ? deps.map(() => undefined) : list.items;
    items.forEach((item, index) => {
        const prefixList = typeof item === "string" ? view.find(T.managedPrefixList, item) : (deps[index] ?? (deps.length === 1 ? deps[0] : undefined));
        if (!prefixList) {
            if (isUnknown(item)) waiting.push(`${rule.where} prefix lists`);
            else
                problems.push(
                    `${rule.where} admits prefix list ${show(item ?? null)}, which is not created in this stack, so the addresses it holds cannot be checked (name the CIDRs instead)`,
                );
            return;
        }
        const entries = read(prefixList.props, "entries");
        const cidrs: Value[] = [];
        if (isUnknown(entries)) waiting.push(`${label(prefixList)}'s entries`);
        else if (Array.isArray(entries)) for (const entry of entries) cidrs.push(isObj(entry) ? entry.cidr : undefined);
        for (const entry of view.referrers(T.managedPrefixListEntry, "prefixListId", T.managedPrefixList).get(prefixList) ?? [])
            cidrs.push(read(entry.props, "cidr"));
        addSources(cidrs, `${rule.where} (through ${label(prefixList)})`, sources, problems, waiting);
    });
}

function addSources(values: readonly Value[], where: string, sources: Source[], problems: string[], waiting: string[], family?: Family): void {
    for (const value of values) {
        if (value === undefined || value === null) continue;
        if (isUnknown(value)) {
            waiting.push(`${where} ${family ? `${family} ` : ""}sources`);
            continue;
        }
        const range = typeof value === "string" ? parseCidr(value) : undefined;
        if (range) sources.push({ range, text: String(value).trim(), where });
        else problems.push(`${where} has source ${show(value)}, which is not a CIDR`);
    }
}

/** The address space an endpoint's clients legitimately come from, per family, and what about it is not known. */
interface Inside {
    ranges: Range[];
    /** Why the VPC's own ranges are not (yet) known; empty when they are. */
    pending?: { what: string; computed: boolean };
}

function vpcRanges(view: StackView, endpoint: PolicyResource, family: Family): Inside {
    const privateRanges = family === "IPv4" ? [...IPV4_PRIVATE] : [...IPV6_PRIVATE];
    const vpc = view.referenced(endpoint, "vpcId", T.vpc);
    if (!vpc)
        return {
            ranges: privateRanges,
            pending: { what: `the ${family} CIDR of ${label(endpoint)}'s VPC, which is not declared in this stack`, computed: false },
        };
    const own = family === "IPv4" ? read(vpc.props, "cidrBlock") : read(vpc.props, "ipv6CidrBlock");
    const association = family === "IPv4" ? T.vpcIpv4CidrBlockAssociation : T.vpcIpv6CidrBlockAssociation;
    const values: Value[] = [
        own,
        ...(view.referrers(association, "vpcId", T.vpc).get(vpc) ?? []).map((a) => read(a.props, family === "IPv4" ? "cidrBlock" : "ipv6CidrBlock")),
    ];
    const ranges = [...privateRanges];
    for (const value of values) {
        if (isUnknown(value)) return { ranges, pending: { what: `${label(vpc)}'s ${family} CIDR`, computed: true } };
        const range = typeof value === "string" ? parseCidr(value) : undefined;
        if (range && range.family === family) ranges.push(range);
    }
    return { ranges };
}

const OPEN: Readonly<Record<Family, string>> = { IPv4: "0.0.0.0/0", IPv6: "::/0" };

/**
 * Judges the address ranges of all the rules together: what they admit beyond the VPC's own CIDRs
 * and private address space. Two halves of the internet are the internet, whichever rules and
 * groups they are spread over.
 */
function assessSources(
    view: StackView,
    endpoint: PolicyResource,
    sources: readonly Source[],
    problems: string[],
    waiting: string[],
    unverifiable: string[],
): void {
    for (const family of ["IPv4", "IPv6"] as const) {
        const ranges = sources.filter((source) => source.range.family === family);
        if (ranges.length === 0) continue;
        const inside = vpcRanges(view, endpoint, family);
        const outside = subtract(
            ranges.map((s) => s.range),
            inside.ranges,
        );
        if (outside.length === 0) continue;
        const offending = ranges.filter((s) => subtract([s.range], inside.ranges).length > 0);
        const from = [...new Set(offending.map((s) => s.where))].join(", ");
        const shown = outside.slice(0, 3).map(format).join(", ") + (outside.length > 3 ? ", …" : "");
        if (coversInternet(family, union(ranges.map((s) => s.range)))) {
            const written = offending.map((s) => `${s.text} (${s.where})`).join(", ");
            problems.push(
                offending.length === 1
                    ? `${written} is open to the whole ${family} internet (as ${OPEN[family]})`
                    : `${written} together are open to the whole ${family} internet, as ${OPEN[family]} is`,
            );
        } else if (inside.pending?.computed) {
            waiting.push(`${inside.pending.what} (to tell whether ${shown} is inside the VPC)`);
        } else if (inside.pending) {
            unverifiable.push(`${family} sources ${shown} (from ${from}) are not private addresses, and ${inside.pending.what}`);
        } else {
            problems.push(`${from} admit ${family} ${shown}, outside the VPC's CIDR and private address space`);
        }
    }
}

export const guardDutyEndpointSgHttpsOnly: StackValidationPolicy = withCheckedConfig({
    name: "guardduty-endpoint-sg-https-only",
    description:
        "The guardduty-data endpoint's security groups, with every rule attached to them, allow ingress only on TCP 443 and only from the VPC and private addresses: never the internet, however its ranges are split.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const { endpoint } of guardDutyEndpoints(view, report, "what its security groups allow")) {
            const groups = endpointSecurityGroups(view, endpoint);
            const problems: string[] = [];
            const waiting = unknownWhats(groups.refs);
            const unverifiable: string[] = [];
            const sources: Source[] = [];
            for (const rule of endpointIngressRules(view, endpoint, groups, waiting)) {
                assessPorts(rule, problems, waiting);
                for (const [family, value] of [
                    ["IPv4", rule.ipv4],
                    ["IPv6", rule.ipv6],
                ] as const) {
                    const list = stringList(value);
                    if (list.kind === "unknown") waiting.push(`${rule.where} ${family} sources`);
                    else if (list.kind === "list") addSources([...list.items, ...list.malformed], rule.where, sources, problems, waiting, family);
                }
                prefixListSources(view, rule, sources, problems, waiting);
            }
            assessSources(view, endpoint, sources, problems, waiting, unverifiable);

            if (problems.length > 0) {
                report(
                    `The security groups of guardduty-data endpoint ${label(endpoint)} allow more than HTTPS from inside: ${problems.join("; ")}. ` +
                        "The endpoint only serves HTTPS: allow TCP 443 from the VPC's CIDR (as ServiceEndpoints does), never from the internet (0.0.0.0/0, ::/0, or ranges that add up to them).",
                    endpoint.urn,
                );
            }
            const outside = groups.refs.filter((ref) => ref.kind === "foreign");
            if (outside.length > 0)
                unverifiable.push(
                    `the rules of security groups ${foreignList(outside)}, which this stack does not declare (endpoint-security-groups-owned-by-stack reports them)`,
                );
            if (unverifiable.length > 0)
                reportCannotCheck(
                    report,
                    `What ${label(endpoint)}'s security groups admit cannot be checked from this stack: ${unverifiable.join("; ")}.`,
                    endpoint.urn,
                );
            if (waiting.length > 0)
                reportCannotCheck(report, `The ingress of ${label(endpoint)}'s security groups ${untilKnown([...new Set(waiting)])}.`, endpoint.urn);
        }
    },
});

export const participantInstancesUseOwnSecurityGroups: StackValidationPolicy = withCheckedConfig({
    name: "participant-instances-use-own-security-groups",
    description:
        "In a participant stack, everything that launches into a subnet (instances, spot requests and fleets, Auto Scaling groups, launch templates and configurations, network interfaces and their security-group attachments) uses only security groups created in that stack (never the owner's, never the VPC's default).",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const launch of LAUNCHES) {
            for (const resource of participantResources(view, launch.type, report, "must use only its own stack's security groups")) {
                const groups = launch.groups(view, resource);
                if (groups.defaults.length > 0) {
                    report(
                        `${label(resource)} launches with the VPC's default security group, which belongs to the VPC owner: ${groups.defaults.join("; ")}, and AWS then uses the default one. ` +
                            "Give it a security group created in this participant stack (vpcSecurityGroupIds, or the launch template's).",
                        resource.urn,
                    );
                }
                if (groups.refs.some((ref) => ref.kind === "foreign")) {
                    report(
                        `${label(resource)} uses security groups that are not created in this participant stack: ${foreignList(groups.refs)}. ` +
                            "EC2 refuses a participant's launch with another account's security group unless the owner shares it through RAM, and then the owner, not this stack, decides what the instances can reach; the VPC's default group belongs to the owner and cannot be shared. " +
                            "Create a security group in this stack (as MonitoredInstances does) and use only it.",
                        resource.urn,
                    );
                }
                const waiting = unknownWhats(groups.refs);
                if (waiting.length > 0)
                    reportCannotCheck(
                        report,
                        `Whose security groups ${label(resource)} uses ${untilKnown(waiting)} (they depend on no security group of this stack).`,
                        resource.urn,
                    );
            }
        }
    },
});
