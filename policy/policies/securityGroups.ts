import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/aws";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { endpointSecurityGroups, mergeUses, resolveSecurityGroups, SecurityGroupRef, SecurityGroupUse } from "../lib/securityGroups";
import { stackView, StackView } from "../lib/stack";
import { isObj, isUnknown, Obj, read, show, stringList, Value } from "../lib/values";
import { guardDutyEndpoints, participantResources } from "./scope";

function foreignList(refs: readonly SecurityGroupRef[]): string {
    return refs.flatMap((ref) => (ref.kind === "foreign" ? [`${ref.what} (${ref.why})`] : [])).join("; ");
}

function unknownWhats(refs: readonly SecurityGroupRef[]): string[] {
    return refs.flatMap((ref) => (ref.kind === "unknown" ? [ref.what] : []));
}

export const endpointSecurityGroupsOwnedByStack: StackValidationPolicy = {
    name: "endpoint-security-groups-owned-by-stack",
    description: "Every security group on a VPC endpoint is a security group created in the same stack (an ID from config or a stack reference is someone else's).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const endpoint of view.ofType(T.vpcEndpoint)) {
            const use = endpointSecurityGroups(view, endpoint);
            if (!use.present) {
                const type = read(endpoint.props, "vpcEndpointType");
                if (type === "Interface") {
                    report(`${label(endpoint)} has no security group, so AWS gives it the VPC's default security group, which no stack of this project controls. Set securityGroupIds to a security group created in this stack.`, endpoint.urn);
                } else if (isUnknown(type)) {
                    reportCannotCheck(report, `Whether ${label(endpoint)} needs its own security group ${untilKnown("its vpcEndpointType")}.`, endpoint.urn);
                }
                continue;
            }
            if (use.refs.some((ref) => ref.kind === "foreign")) {
                report(
                    `${label(endpoint)} uses security groups that are not created in this stack: ${foreignList(use.refs)}. ` +
                        "An endpoint in the owner's VPC can only use the owner's security groups (EC2 does not find another account's), and a group managed elsewhere lets another stack decide who reaches the endpoint. " +
                        "Create the security group in this stack, next to the endpoint, and pass its id.",
                    endpoint.urn,
                );
            }
            const waiting = unknownWhats(use.refs);
            if (waiting.length > 0) {
                reportCannotCheck(report, `Whose security groups ${label(endpoint)} uses ${untilKnown(waiting)} (they depend on no security group of this stack).`, endpoint.urn);
            }
        }
    },
};

/** An ingress rule, whichever resource declares it. */
interface IngressRule {
    where: string;
    protocol: Value;
    fromPort: Value;
    toPort: Value;
    ipv4: Value;
    ipv6: Value;
}

function isOpenCidr(cidr: string): boolean {
    return /\/0+$/.test(cidr.trim());
}

/** What is wrong with a rule (empty: fine) and what about it is unknown. */
function assessIngress(rule: IngressRule): { problems: string[]; waiting: string[] } {
    const problems: string[] = [];
    const waiting: string[] = [];
    const protocol = rule.protocol;
    if (isUnknown(protocol)) waiting.push(`${rule.where} protocol`);
    else {
        const p = String(protocol).toLowerCase();
        if (p === "-1" || p === "all") problems.push(`${rule.where} allows all protocols and ports`);
        else if (p !== "tcp" && p !== "6") problems.push(`${rule.where} allows protocol ${show(protocol)}`);
        else {
            for (const [name, port] of [["fromPort", rule.fromPort], ["toPort", rule.toPort]] as const) {
                if (isUnknown(port)) waiting.push(`${rule.where} ${name}`);
            }
            if (!isUnknown(rule.fromPort) && !isUnknown(rule.toPort) && (rule.fromPort !== 443 || rule.toPort !== 443)) {
                problems.push(`${rule.where} allows TCP ${show(rule.fromPort)}-${show(rule.toPort)}`);
            }
        }
    }
    for (const [family, value, open] of [["IPv4", rule.ipv4, "0.0.0.0/0"], ["IPv6", rule.ipv6, "::/0"]] as const) {
        const cidrs = stringList(value);
        if (cidrs.kind === "unknown") waiting.push(`${rule.where} ${family} sources`);
        else if (cidrs.kind === "list") {
            if (cidrs.items.some(isUnknown)) waiting.push(`${rule.where} ${family} sources`);
            const wide = cidrs.items.filter((c): c is string => typeof c === "string" && isOpenCidr(c));
            if (wide.length > 0) problems.push(`${rule.where} is open to ${wide.join(", ")} (${open}: the whole internet)`);
        }
    }
    return { problems, waiting };
}

/** Ingress rules of an owned security group: inline ones and the rule resources that target it. */
function ingressRules(view: StackView, sg: PolicyResource, waiting: string[]): IngressRule[] {
    const rules: IngressRule[] = [];
    const inline = read(sg.props, "ingress");
    if (isUnknown(inline)) waiting.push(`${label(sg)}'s ingress`);
    else if (Array.isArray(inline)) {
        inline.forEach((rule, index) => {
            if (isUnknown(rule)) return void waiting.push(`${label(sg)}'s ingress[${index}]`);
            const r: Obj = isObj(rule) ? rule : {};
            rules.push({ where: `ingress[${index}]`, protocol: r.protocol, fromPort: r.fromPort, toPort: r.toPort, ipv4: r.cidrBlocks, ipv6: r.ipv6CidrBlocks });
        });
    }
    const separate = [
        ...(view.referrers(T.securityGroupRule, "securityGroupId", T.securityGroup).get(sg) ?? []),
        ...(view.referrers(T.securityGroupIngressRule, "securityGroupId", T.securityGroup).get(sg) ?? []),
    ];
    for (const rule of separate) {
        const props = (key: string) => read(rule.props, key);
        if (rule.type === T.securityGroupRule) {
            const kind = props("type");
            if (isUnknown(kind)) waiting.push(`${label(rule)}'s type`);
            else if (kind === "ingress") rules.push({ where: label(rule), protocol: props("protocol"), fromPort: props("fromPort"), toPort: props("toPort"), ipv4: props("cidrBlocks"), ipv6: props("ipv6CidrBlocks") });
        } else {
            rules.push({ where: label(rule), protocol: props("ipProtocol"), fromPort: props("fromPort"), toPort: props("toPort"), ipv4: props("cidrIpv4"), ipv6: props("cidrIpv6") });
        }
    }
    return rules;
}

export const guardDutyEndpointSgHttpsOnly: StackValidationPolicy = {
    name: "guardduty-endpoint-sg-https-only",
    description: "The guardduty-data endpoint's security groups allow ingress only on TCP 443, and never from 0.0.0.0/0 or ::/0.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        const checked = new Set<PolicyResource>();
        for (const { endpoint } of guardDutyEndpoints(view, report, "what its security groups allow")) {
            const use = endpointSecurityGroups(view, endpoint);
            const waiting = unknownWhats(use.refs);
            const outside = use.refs.filter((ref) => ref.kind === "foreign");
            if (outside.length > 0) {
                reportCannotCheck(report, `The rules of ${label(endpoint)}'s security groups ${foreignList(outside)} cannot be checked from this stack, which does not declare them (endpoint-security-groups-owned-by-stack reports them).`, endpoint.urn);
            }
            for (const ref of use.refs) {
                if (ref.kind !== "owned" || checked.has(ref.sg)) continue;
                checked.add(ref.sg);
                const sgWaiting: string[] = [];
                const problems = ingressRules(view, ref.sg, sgWaiting).flatMap((rule) => {
                    const assessed = assessIngress(rule);
                    sgWaiting.push(...assessed.waiting);
                    return assessed.problems;
                });
                if (problems.length > 0) {
                    report(
                        `${label(ref.sg)}, on guardduty-data endpoint ${label(endpoint)}, allows more than HTTPS from inside: ${problems.join("; ")}. ` +
                            "The endpoint only serves HTTPS: allow TCP 443 from the VPC's CIDR (as ServiceEndpoints does), never from 0.0.0.0/0 or ::/0.",
                        ref.sg.urn,
                    );
                }
                if (sgWaiting.length > 0) reportCannotCheck(report, `${label(ref.sg)}'s ingress ${untilKnown(sgWaiting)}.`, ref.sg.urn);
            }
            if (waiting.length > 0) reportCannotCheck(report, `Which security groups ${label(endpoint)} uses ${untilKnown(waiting)}.`, endpoint.urn);
        }
    },
};

/** Security groups of the network interfaces an instance is given (`networkInterfaces`, `primaryNetworkInterface`). */
function interfaceSecurityGroups(view: StackView, instance: PolicyResource, prop: string, attachments: Value): SecurityGroupUse {
    const refs: SecurityGroupRef[] = [];
    const deps = (instance.propertyDependencies[prop] ?? []).filter((dep) => dep.type === T.networkInterface);
    // Computed when not configured: an unknown with nothing behind it says nothing.
    if (isUnknown(attachments)) return deps.length > 0 ? mergeUses(deps.map((eni) => resolveSecurityGroups(view, eni, "securityGroups"))) : { refs, present: false };
    const list = Array.isArray(attachments) ? attachments : isObj(attachments) ? [attachments] : [];
    list.forEach((attachment, index) => {
        const id = isObj(attachment) ? attachment.networkInterfaceId : attachment;
        const eni = typeof id === "string" ? view.find(T.networkInterface, id) : isUnknown(id) ? (deps[index] ?? (deps.length === 1 ? deps[0] : undefined)) : undefined;
        if (eni) refs.push(...resolveSecurityGroups(view, eni, "securityGroups").refs);
        else if (isUnknown(id)) refs.push({ kind: "unknown", what: `${prop}[${index}]` });
        else refs.push({ kind: "foreign", what: `network interface ${show(id ?? null)}`, why: "not created in this stack, so its security groups cannot be vouched for" });
    });
    return { refs, present: list.length > 0 };
}

function templateSecurityGroups(view: StackView, instance: PolicyResource, template: Value): SecurityGroupUse {
    if (!isObj(template)) return { refs: [], present: false };
    const ref = template.id ?? template.name;
    const found = view.referenced(instance, "launchTemplate", T.launchTemplate, ref) ??
        (typeof template.name === "string" ? view.find(T.launchTemplate, template.name, "name") : undefined);
    if (!found) {
        if (isUnknown(ref)) return { refs: [{ kind: "unknown", what: "launchTemplate" }], present: true };
        return { refs: [{ kind: "foreign", what: `launch template ${show(ref ?? null)}`, why: "not created in this stack, so its security groups cannot be vouched for" }], present: true };
    }
    const uses = [
        resolveSecurityGroups(view, found, "vpcSecurityGroupIds"),
        resolveSecurityGroups(view, found, "securityGroupNames", { byName: true }),
    ];
    const nics = read(found.props, "networkInterfaces");
    if (isUnknown(nics)) uses.push({ refs: [{ kind: "unknown", what: `${label(found)}'s networkInterfaces` }], present: true });
    else if (Array.isArray(nics)) {
        for (const nic of nics) if (isObj(nic)) uses.push(resolveSecurityGroups(view, found, "networkInterfaces", { value: nic.securityGroups ?? null }));
    }
    // A template that names no security group launches with the VPC's default one: not present.
    return mergeUses(uses);
}

/**
 * The security groups an instance runs with. `vpcSecurityGroupIds` is the truth once known (EC2
 * reports every group there, however it was given); before that, or when it is only computed,
 * the groups come from the network interfaces or launch template the instance names.
 */
function instanceSecurityGroups(view: StackView, instance: PolicyResource): SecurityGroupUse {
    const ids = read(instance.props, "vpcSecurityGroupIds");
    const idsUse = resolveSecurityGroups(view, instance, "vpcSecurityGroupIds", { value: ids });
    const idsOnlyComputed = isUnknown(ids) && (instance.propertyDependencies.vpcSecurityGroupIds ?? []).length === 0;
    const names = read(instance.props, "securityGroups");
    const namesUse = isUnknown(names) && (instance.propertyDependencies.securityGroups ?? []).length === 0
        ? { refs: [], present: false }
        : resolveSecurityGroups(view, instance, "securityGroups", { byName: true, value: names });
    if (idsUse.present && !idsOnlyComputed) return mergeUses([idsUse, namesUse]);

    const alternatives = mergeUses([
        namesUse,
        interfaceSecurityGroups(view, instance, "networkInterfaces", read(instance.props, "networkInterfaces")),
        interfaceSecurityGroups(view, instance, "primaryNetworkInterface", read(instance.props, "primaryNetworkInterface")),
        templateSecurityGroups(view, instance, read(instance.props, "launchTemplate")),
    ]);
    if (alternatives.present) return alternatives;
    if (idsOnlyComputed) return { refs: [{ kind: "unknown", what: "vpcSecurityGroupIds" }], present: true };
    return { refs: [], present: false };
}

export const participantInstancesUseOwnSecurityGroups: StackValidationPolicy = {
    name: "participant-instances-use-own-security-groups",
    description: "In a participant stack, every EC2 instance uses only security groups created in that stack (never the owner's, never the VPC's default).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const instance of participantResources(view, T.instance, report, "must use only its own stack's security groups")) {
            const use = instanceSecurityGroups(view, instance);
            if (!use.present) {
                report(`${label(instance)} names no security group, so AWS launches it with the VPC's default security group, which belongs to the VPC owner. Set vpcSecurityGroupIds to a security group created in this participant stack.`, instance.urn);
                continue;
            }
            if (use.refs.some((ref) => ref.kind === "foreign")) {
                report(
                    `${label(instance)} uses security groups that are not created in this participant stack: ${foreignList(use.refs)}. ` +
                        "EC2 refuses a participant's launch with another account's security group unless the owner shares it through RAM, and then the owner, not this stack, decides what the instances can reach; the VPC's default group belongs to the owner and cannot be shared. " +
                        "Create a security group in this stack (as MonitoredInstances does) and use only it.",
                    instance.urn,
                );
            }
            const waiting = unknownWhats(use.refs);
            if (waiting.length > 0) reportCannotCheck(report, `Whose security groups ${label(instance)} uses ${untilKnown(waiting)} (they depend on no security group of this stack).`, instance.urn);
        }
    },
};
