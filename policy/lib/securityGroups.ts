import type { PolicyResource } from "@pulumi/policy";
import { T } from "./aws";
import { label } from "./report";
import type { StackView } from "./stack";
import { isObj, isUnknown, Obj, read, show, stringList, UNKNOWN, Unknown, Value } from "./values";

/** One security group a resource uses, as far as this stack can tell. */
export type SecurityGroupRef =
    | { kind: "owned"; sg: PolicyResource }
    /** `what` names it; `why` completes "… is …" to say why it is someone else's; `id` when its ID is known. */
    | { kind: "foreign"; what: string; why: string; id?: string }
    | { kind: "unknown"; what: string };

export interface SecurityGroupUse {
    refs: SecurityGroupRef[];
    /** False when the property is absent or an empty list. */
    present: boolean;
}

function describeDependency(dep: PolicyResource): string {
    switch (dep.type) {
        case T.stackReference:
            return `an output of stack reference "${dep.name}" (another stack's security group)`;
        case T.vpc:
            return `${label(dep)} (the VPC's default security group)`;
        case T.defaultSecurityGroup:
            return `${label(dep)}, the VPC's default security group`;
        default:
            return `${label(dep)}, which is not a security group of this stack`;
    }
}

/** A known ID that is no SecurityGroup of this stack: a VPC's default group, or someone else's. */
function foreignId(view: StackView, id: string): SecurityGroupRef {
    const vpc = view.find(T.vpc, id, "defaultSecurityGroupId");
    if (vpc) return { kind: "foreign", what: id, why: `the default security group of ${label(vpc)}, which belongs to the VPC and no stack controls`, id };
    return { kind: "foreign", what: id, why: "not created in this stack: an ID from config, code or another stack", id };
}

/**
 * Resolves the security groups in `resource.prop` (a list of IDs, or one ID) to those created in
 * this stack, those that are someone else's, and those that cannot be told yet.
 *
 * During preview a security group created in the same run has no ID yet, so the property holds
 * unknowns; what it depends on then decides: every dependency a SecurityGroup of this stack →
 * owned. A dependency on a stack reference (or the VPC, whose default security group it is) is
 * someone else's whatever the value. Known IDs (during `pulumi up`, or literals) must be the ID
 * of a SecurityGroup in this stack; an ID from config or code that matches none is someone else's.
 * `byName` also accepts a security group's name (the instance's `securityGroups` holds names).
 */
export function resolveSecurityGroups(
    view: StackView,
    resource: PolicyResource,
    prop: string,
    options: { byName?: boolean; value?: Value } = {},
): SecurityGroupUse {
    const value = options.value !== undefined ? options.value : read(resource.props, prop);
    const list = stringList(value);
    const deps = resource.propertyDependencies[prop] ?? [];
    const ownedDeps = deps.filter((dep) => dep.type === T.securityGroup);
    const foreignDeps = deps.filter((dep) => dep.type !== T.securityGroup);
    const foreign = (what: string, id?: string): SecurityGroupRef => ({
        kind: "foreign",
        what,
        why: `taken from ${foreignDeps.map(describeDependency).join(" and ")}`,
        ...(id ? { id } : {}),
    });

    if (list.kind === "absent") return { refs: [], present: false };
    if (list.kind === "unknown") {
        if (foreignDeps.length > 0) return { refs: [foreign(`${prop} (unknown during preview)`)], present: true };
        if (ownedDeps.length > 0) return { refs: ownedDeps.map((sg) => ({ kind: "owned", sg })), present: true };
        return { refs: [{ kind: "unknown", what: prop }], present: true };
    }
    if (list.items.length === 0 && list.malformed.length === 0) return { refs: [], present: false };

    const refs: SecurityGroupRef[] = [];
    const unmatchedOwnedDeps = new Set(ownedDeps);
    const unknownItems: number[] = [];
    list.items.forEach((item, index) => {
        if (item === UNKNOWN) {
            unknownItems.push(index);
            return;
        }
        const sg = view.find(T.securityGroup, item) ?? (options.byName ? view.find(T.securityGroup, item, "name") : undefined);
        if (sg) {
            refs.push({ kind: "owned", sg });
            unmatchedOwnedDeps.delete(sg);
        } else if (foreignDeps.length > 0) {
            refs.push(foreign(item, item));
        } else {
            refs.push(foreignId(view, item));
        }
    });
    const spare = [...unmatchedOwnedDeps];
    for (const index of unknownItems) {
        if (foreignDeps.length > 0) refs.push(foreign(`${prop}[${index}] (unknown during preview)`));
        else if (spare.length > 0) refs.push({ kind: "owned", sg: spare.shift() as PolicyResource });
        else if (ownedDeps.length > 0) refs.push({ kind: "owned", sg: ownedDeps[0] });
        else refs.push({ kind: "unknown", what: `${prop}[${index}]` });
    }
    for (const bad of list.malformed) refs.push({ kind: "foreign", what: JSON.stringify(bad), why: "not a security group ID" });
    return { refs, present: true };
}

export function mergeUses(uses: readonly SecurityGroupUse[]): SecurityGroupUse {
    return { refs: uses.flatMap((use) => use.refs), present: uses.some((use) => use.present) };
}

/** A property that is unknown and depends on nothing was not configured: the provider computes it. */
function onlyComputed(resource: PolicyResource, prop: string, value: Value): boolean {
    return isUnknown(value) && (resource.propertyDependencies[prop] ?? []).length === 0;
}

export interface EndpointGroups extends SecurityGroupUse {
    /**
     * Whether the endpoint keeps the VPC's default security group: an interface endpoint created
     * without securityGroupIds gets it, and only a SecurityGroupAssociation with
     * replaceDefaultAssociation: true removes it (other associations add groups beside it).
     */
    keepsDefault: boolean | Unknown;
    associations: readonly PolicyResource[];
}

/** The security groups attached to an endpoint, however: `securityGroupIds`, associations, or the VPC's default one. */
export function endpointSecurityGroups(view: StackView, endpoint: PolicyResource): EndpointGroups {
    const ids = read(endpoint.props, "securityGroupIds");
    const own = onlyComputed(endpoint, "securityGroupIds", ids)
        ? { refs: [], present: false }
        : resolveSecurityGroups(view, endpoint, "securityGroupIds", { value: ids });
    const associations = view.referrers(T.securityGroupAssociation, "vpcEndpointId", T.vpcEndpoint).get(endpoint) ?? [];
    const use = mergeUses([own, ...associations.map((association) => resolveSecurityGroups(view, association, "securityGroupId"))]);

    let keepsDefault: boolean | Unknown = false;
    if (!own.present) {
        const type = read(endpoint.props, "vpcEndpointType");
        if (isUnknown(type)) {
            keepsDefault = UNKNOWN;
            use.refs.push({
                kind: "unknown",
                what: "its vpcEndpointType (an interface endpoint without securityGroupIds gets the VPC's default security group)",
            });
        } else if (type === "Interface") {
            const replaces = associations.map((association) => read(association.props, "replaceDefaultAssociation"));
            if (replaces.includes(true)) keepsDefault = false;
            else if (replaces.some(isUnknown)) {
                keepsDefault = UNKNOWN;
                use.refs.push({ kind: "unknown", what: "replaceDefaultAssociation of its SecurityGroupAssociations" });
            } else {
                keepsDefault = true;
                use.refs.push({
                    kind: "foreign",
                    what: "the VPC's default security group",
                    why:
                        associations.length > 0
                            ? "kept, because securityGroupIds is empty and no SecurityGroupAssociation sets replaceDefaultAssociation: true (the others add groups beside it)"
                            : "which AWS gives an interface endpoint created without securityGroupIds; it belongs to the VPC and no stack of this project controls it",
                });
            }
        }
        if (keepsDefault !== false) use.present = true;
    }
    return { ...use, keepsDefault, associations };
}

/** An ingress rule, whichever resource declares it. */
export interface IngressRule {
    where: string;
    /** The resource that declares it (for separate rules), or the security group (inline rules). */
    declaredBy: PolicyResource;
    protocol: Value;
    fromPort: Value;
    toPort: Value;
    ipv4: Value;
    ipv6: Value;
    prefixLists: Value;
}

function inlineIngress(sg: PolicyResource, waiting: string[]): IngressRule[] {
    const inline = read(sg.props, "ingress");
    if (isUnknown(inline)) {
        waiting.push(`${label(sg)}'s ingress`);
        return [];
    }
    if (!Array.isArray(inline)) return [];
    return inline.flatMap((rule, index): IngressRule[] => {
        if (isUnknown(rule)) {
            waiting.push(`${label(sg)}'s ingress[${index}]`);
            return [];
        }
        const r: Obj = isObj(rule) ? rule : {};
        return [
            {
                where: `${label(sg)} ingress[${index}]`,
                declaredBy: sg,
                protocol: r.protocol,
                fromPort: r.fromPort,
                toPort: r.toPort,
                ipv4: r.cidrBlocks,
                ipv6: r.ipv6CidrBlocks,
                prefixLists: r.prefixListIds,
            },
        ];
    });
}

function separateIngress(rule: PolicyResource, waiting: string[]): IngressRule[] {
    const props = (key: string) => read(rule.props, key);
    if (rule.type === T.securityGroupRule) {
        const kind = props("type");
        if (isUnknown(kind)) {
            waiting.push(`${label(rule)}'s type`);
            return [];
        }
        if (kind !== "ingress") return [];
        return [
            {
                where: label(rule),
                declaredBy: rule,
                protocol: props("protocol"),
                fromPort: props("fromPort"),
                toPort: props("toPort"),
                ipv4: props("cidrBlocks"),
                ipv6: props("ipv6CidrBlocks"),
                prefixLists: props("prefixListIds"),
            },
        ];
    }
    return [
        {
            where: label(rule),
            declaredBy: rule,
            protocol: props("ipProtocol"),
            fromPort: props("fromPort"),
            toPort: props("toPort"),
            ipv4: props("cidrIpv4"),
            ipv6: props("cidrIpv6"),
            prefixLists: props("prefixListId"),
        },
    ];
}

/**
 * The ingress rules that apply to an endpoint: inline rules of its own security groups (and of
 * the VPC's default one, declared as DefaultSecurityGroup, when it keeps it), and every separate
 * rule resource whose security group is one of the endpoint's. A separate rule is matched by its
 * `securityGroupId`'s dependencies, which the engine records even when the value is unknown
 * during preview (a group taken from the endpoint's own outputs, an association, or the VPC's
 * default group), or by a known ID.
 */
export function endpointIngressRules(view: StackView, endpoint: PolicyResource, groups: EndpointGroups, waiting: string[]): IngressRule[] {
    const targets = new Set<PolicyResource>([endpoint, ...groups.associations]);
    const ids = new Set<string>();
    const rules: IngressRule[] = [];
    for (const ref of groups.refs) {
        if (ref.kind === "owned" && !targets.has(ref.sg)) {
            targets.add(ref.sg);
            const id = read(ref.sg.props, "id");
            if (typeof id === "string") ids.add(id);
            rules.push(...inlineIngress(ref.sg, waiting));
        } else if (ref.kind === "foreign" && ref.id) {
            ids.add(ref.id);
        }
    }
    if (groups.keepsDefault !== false) {
        const vpc = view.referenced(endpoint, "vpcId", T.vpc);
        if (vpc) {
            targets.add(vpc);
            const id = read(vpc.props, "defaultSecurityGroupId");
            if (typeof id === "string") ids.add(id);
            for (const adopted of view.referrers(T.defaultSecurityGroup, "vpcId", T.vpc).get(vpc) ?? []) {
                targets.add(adopted);
                rules.push(...inlineIngress(adopted, waiting));
            }
        }
    }
    for (const rule of [...view.ofType(T.securityGroupRule), ...view.ofType(T.securityGroupIngressRule)]) {
        const value = read(rule.props, "securityGroupId");
        const applies = (rule.propertyDependencies.securityGroupId ?? []).some((dep) => targets.has(dep)) || (typeof value === "string" && ids.has(value));
        if (applies) rules.push(...separateIngress(rule, waiting));
    }
    return rules;
}

/** A launch template (or launch configuration) a launch names, as far as this stack can tell. */
type TemplateRef = { kind: "owned"; template: PolicyResource } | { kind: "foreign"; what: string; why: string } | { kind: "unknown"; what: string };

/**
 * The launch templates a `{ id | launchTemplateId, name | launchTemplateName }` specification
 * inside `resource.prop` names: by ID or name among the stack's, else by the property's
 * dependencies while the ID is unknown (several templates in one property: all of them count).
 */
function resolveTemplate(view: StackView, resource: PolicyResource, prop: string, spec: Value, type: string = T.launchTemplate): TemplateRef[] {
    if (isUnknown(spec)) return templatesFromDeps(resource, prop, type, `${prop}`);
    const id = isObj(spec) ? (spec.id ?? spec.launchTemplateId) : spec;
    const name = isObj(spec) ? (spec.name ?? spec.launchTemplateName) : undefined;
    if (typeof id === "string") {
        const found = view.find(type, id) ?? view.find(type, id, "name");
        return [
            found
                ? { kind: "owned", template: found }
                : {
                      kind: "foreign",
                      what: `${type === T.launchTemplate ? "launch template" : "launch configuration"} ${show(id)}`,
                      why: "not created in this stack, so its security groups cannot be vouched for",
                  },
        ];
    }
    if (typeof name === "string") {
        const found = view.find(type, name, "name");
        return [
            found
                ? { kind: "owned", template: found }
                : {
                      kind: "foreign",
                      what: `launch template named ${show(name)}`,
                      why: "not created in this stack, so its security groups cannot be vouched for",
                  },
        ];
    }
    if (isUnknown(id) || isUnknown(name)) return templatesFromDeps(resource, prop, type, prop);
    return [];
}

function templatesFromDeps(resource: PolicyResource, prop: string, type: string, what: string): TemplateRef[] {
    const deps = resource.propertyDependencies[prop] ?? [];
    const foreign = deps.filter((dep) => dep.type === T.stackReference);
    if (foreign.length > 0)
        return [{ kind: "foreign", what: `${what} (unknown during preview)`, why: `taken from ${foreign.map(describeDependency).join(" and ")}` }];
    const templates = deps.filter((dep) => dep.type === type);
    if (templates.length > 0) return templates.map((template) => ({ kind: "owned", template }));
    return [{ kind: "unknown", what }];
}

/** Security groups of network interfaces given by ID (`networkInterfaces`, `primaryNetworkInterface`). */
function interfaceSecurityGroups(view: StackView, resource: PolicyResource, prop: string, attachments: Value): SecurityGroupUse {
    const refs: SecurityGroupRef[] = [];
    const deps = (resource.propertyDependencies[prop] ?? []).filter((dep) => dep.type === T.networkInterface);
    // Computed when not configured: an unknown with nothing behind it says nothing.
    if (isUnknown(attachments))
        return deps.length > 0 ? mergeUses(deps.map((eni) => resolveSecurityGroups(view, eni, "securityGroups"))) : { refs, present: false };
    const list = Array.isArray(attachments) ? attachments : isObj(attachments) ? [attachments] : [];
    list.forEach((attachment, index) => {
        const id = isObj(attachment) ? attachment.networkInterfaceId : attachment;
        const eni =
            typeof id === "string" ? view.find(T.networkInterface, id) : isUnknown(id) ? (deps[index] ?? (deps.length === 1 ? deps[0] : undefined)) : undefined;
        if (eni) refs.push(...resolveSecurityGroups(view, eni, "securityGroups").refs);
        else if (isUnknown(id)) refs.push({ kind: "unknown", what: `${prop}[${index}]` });
        else
            refs.push({
                kind: "foreign",
                what: `network interface ${show(id ?? null)}`,
                why: "not created in this stack, so its security groups cannot be vouched for",
            });
    });
    return { refs, present: list.length > 0 };
}

/** The security groups a launch template gives: its IDs, names, and those of its network interfaces. */
export function templateSecurityGroups(view: StackView, template: PolicyResource): SecurityGroupUse {
    if (template.type === T.launchConfiguration) return resolveSecurityGroups(view, template, "securityGroups");
    const uses = [resolveSecurityGroups(view, template, "vpcSecurityGroupIds"), resolveSecurityGroups(view, template, "securityGroupNames", { byName: true })];
    const nics = read(template.props, "networkInterfaces");
    if (isUnknown(nics)) uses.push({ refs: [{ kind: "unknown", what: `${label(template)}'s networkInterfaces` }], present: true });
    else if (Array.isArray(nics)) {
        for (const nic of nics) {
            if (!isObj(nic)) continue;
            uses.push(resolveSecurityGroups(view, template, "networkInterfaces", { value: nic.securityGroups ?? null }));
            if (nic.networkInterfaceId !== undefined)
                uses.push(interfaceSecurityGroups(view, template, "networkInterfaces", { networkInterfaceId: nic.networkInterfaceId }));
        }
    }
    return mergeUses(uses);
}

/** What a launch runs with: its security groups, and the launch paths that leave it on the VPC's default group. */
export interface LaunchGroups {
    refs: SecurityGroupRef[];
    /** Launch paths that name no security group, so AWS uses the VPC's default one. */
    defaults: string[];
}

function fromTemplates(view: StackView, refs: readonly TemplateRef[], into: LaunchGroups): void {
    for (const ref of refs) {
        if (ref.kind !== "owned") {
            into.refs.push(ref);
            continue;
        }
        const use = templateSecurityGroups(view, ref.template);
        if (use.present) into.refs.push(...use.refs);
        else into.defaults.push(`${label(ref.template)} names no security group`);
    }
}

/**
 * The security groups an instance (or spot instance request) runs with. `vpcSecurityGroupIds` is
 * the truth once known (EC2 reports every group there, however it was given); before that, or
 * when it is only computed, the groups come from the network interfaces or launch template.
 */
function instanceGroups(view: StackView, instance: PolicyResource): LaunchGroups {
    const ids = read(instance.props, "vpcSecurityGroupIds");
    const idsUse = resolveSecurityGroups(view, instance, "vpcSecurityGroupIds", { value: ids });
    const idsOnlyComputed = onlyComputed(instance, "vpcSecurityGroupIds", ids);
    const names = read(instance.props, "securityGroups");
    const namesUse = onlyComputed(instance, "securityGroups", names)
        ? { refs: [], present: false }
        : resolveSecurityGroups(view, instance, "securityGroups", { byName: true, value: names });
    if (idsUse.present && !idsOnlyComputed) return { refs: mergeUses([idsUse, namesUse]).refs, defaults: [] };

    const interfaces = mergeUses([
        namesUse,
        interfaceSecurityGroups(view, instance, "networkInterfaces", read(instance.props, "networkInterfaces")),
        interfaceSecurityGroups(view, instance, "primaryNetworkInterface", read(instance.props, "primaryNetworkInterface")),
    ]);
    if (interfaces.present) return { refs: interfaces.refs, defaults: [] };
    const template = read(instance.props, "launchTemplate");
    if (template !== undefined && !onlyComputed(instance, "launchTemplate", template)) {
        const launched: LaunchGroups = { refs: [], defaults: [] };
        fromTemplates(view, resolveTemplate(view, instance, "launchTemplate", template), launched);
        return launched;
    }
    if (idsOnlyComputed) return { refs: [{ kind: "unknown", what: "vpcSecurityGroupIds" }], defaults: [] };
    return { refs: [], defaults: ["it names no security group"] };
}

function autoScalingGroups(view: StackView, group: PolicyResource): LaunchGroups {
    const launched: LaunchGroups = { refs: [], defaults: [] };
    const template = read(group.props, "launchTemplate");
    if (template !== undefined && template !== null && !onlyComputed(group, "launchTemplate", template))
        fromTemplates(view, resolveTemplate(view, group, "launchTemplate", template), launched);
    const mixed = read(group.props, "mixedInstancesPolicy");
    if (isUnknown(mixed)) {
        if (!onlyComputed(group, "mixedInstancesPolicy", mixed))
            fromTemplates(view, templatesFromDeps(group, "mixedInstancesPolicy", T.launchTemplate, "mixedInstancesPolicy"), launched);
    } else if (isObj(mixed)) {
        const lt = mixed.launchTemplate;
        if (isUnknown(lt))
            fromTemplates(view, templatesFromDeps(group, "mixedInstancesPolicy", T.launchTemplate, "mixedInstancesPolicy.launchTemplate"), launched);
        else if (isObj(lt)) {
            fromTemplates(view, resolveTemplate(view, group, "mixedInstancesPolicy", lt.launchTemplateSpecification), launched);
            const overrides = Array.isArray(lt.overrides) ? lt.overrides : [];
            for (const override of overrides) {
                if (isObj(override) && override.launchTemplateSpecification !== undefined)
                    fromTemplates(view, resolveTemplate(view, group, "mixedInstancesPolicy", override.launchTemplateSpecification), launched);
            }
        }
    }
    const configuration = read(group.props, "launchConfiguration");
    if (configuration !== undefined && configuration !== null && configuration !== "" && !onlyComputed(group, "launchConfiguration", configuration)) {
        fromTemplates(view, resolveTemplate(view, group, "launchConfiguration", configuration, T.launchConfiguration), launched);
    }
    return launched;
}

function fleetGroups(view: StackView, fleet: PolicyResource): LaunchGroups {
    const launched: LaunchGroups = { refs: [], defaults: [] };
    const specs = read(fleet.props, "launchSpecifications");
    if (isUnknown(specs)) launched.refs.push({ kind: "unknown", what: "launchSpecifications" });
    else if (Array.isArray(specs)) {
        specs.forEach((spec, index) => {
            const ids = isObj(spec) ? spec.vpcSecurityGroupIds : spec;
            const use = resolveSecurityGroups(view, fleet, "launchSpecifications", { value: ids ?? null });
            if (use.present) launched.refs.push(...use.refs);
            else launched.defaults.push(`launchSpecifications[${index}] names no security group`);
        });
    }
    const configs = read(fleet.props, "launchTemplateConfigs");
    if (isUnknown(configs)) fromTemplates(view, templatesFromDeps(fleet, "launchTemplateConfigs", T.launchTemplate, "launchTemplateConfigs"), launched);
    else if (Array.isArray(configs)) {
        for (const config of configs) {
            const spec = isObj(config) ? config.launchTemplateSpecification : config;
            fromTemplates(view, resolveTemplate(view, fleet, "launchTemplateConfigs", spec), launched);
        }
    }
    return launched;
}

function networkInterfaceGroups(view: StackView, eni: PolicyResource): LaunchGroups {
    const value = read(eni.props, "securityGroups");
    const use = onlyComputed(eni, "securityGroups", value) ? { refs: [], present: false } : resolveSecurityGroups(view, eni, "securityGroups", { value });
    return use.present ? { refs: use.refs, defaults: [] } : { refs: [], defaults: ["it names no security group"] };
}

/** Launch templates and configurations on their own: someone else's group in one fails every launch that uses it. */
function templateOnlyGroups(view: StackView, template: PolicyResource): LaunchGroups {
    return { refs: templateSecurityGroups(view, template).refs, defaults: [] };
}

/**
 * Every way to run something in a subnet with security groups, and how to find its groups. All of
 * them obey the ownership rule an instance does.
 */
export const LAUNCHES: ReadonlyArray<{ type: string; groups: (view: StackView, resource: PolicyResource) => LaunchGroups }> = [
    { type: T.instance, groups: instanceGroups },
    { type: T.spotInstanceRequest, groups: instanceGroups },
    { type: T.autoScalingGroup, groups: autoScalingGroups },
    { type: T.spotFleetRequest, groups: fleetGroups },
    { type: T.ec2Fleet, groups: fleetGroups },
    { type: T.networkInterface, groups: networkInterfaceGroups },
    {
        type: T.networkInterfaceSecurityGroupAttachment,
        groups: (view, attachment) => ({ refs: resolveSecurityGroups(view, attachment, "securityGroupId").refs, defaults: [] }),
    },
    { type: T.launchTemplate, groups: templateOnlyGroups },
    { type: T.launchConfiguration, groups: templateOnlyGroups },
];
