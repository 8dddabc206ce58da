import type { PolicyResource } from "@pulumi/policy";
import { T } from "./aws";
import { label } from "./report";
import type { StackView } from "./stack";
import { read, stringList, UNKNOWN, Value } from "./values";

/** One security group a resource uses, as far as this stack can tell. */
export type SecurityGroupRef =
    | { kind: "owned"; sg: PolicyResource }
    /** `what` names it; `why` completes "… is …" to say why it is someone else's. */
    | { kind: "foreign"; what: string; why: string }
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
export function resolveSecurityGroups(view: StackView, resource: PolicyResource, prop: string, options: { byName?: boolean; value?: Value } = {}): SecurityGroupUse {
    const value = options.value !== undefined ? options.value : read(resource.props, prop);
    const list = stringList(value);
    const deps = resource.propertyDependencies[prop] ?? [];
    const ownedDeps = deps.filter((dep) => dep.type === T.securityGroup);
    const foreignDeps = deps.filter((dep) => dep.type !== T.securityGroup);
    const foreign = (what: string): SecurityGroupRef => ({ kind: "foreign", what, why: `taken from ${foreignDeps.map(describeDependency).join(" and ")}` });

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
            refs.push(foreign(item));
        } else {
            refs.push({ kind: "foreign", what: item, why: "not created in this stack: an ID from config, code or another stack" });
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

/** The security groups attached to an endpoint: its `securityGroupIds` and SecurityGroupAssociations that name it. */
export function endpointSecurityGroups(view: StackView, endpoint: PolicyResource): SecurityGroupUse {
    const associations = view.referrers(T.securityGroupAssociation, "vpcEndpointId", T.vpcEndpoint).get(endpoint) ?? [];
    return mergeUses([
        resolveSecurityGroups(view, endpoint, "securityGroupIds"),
        ...associations.map((association) => resolveSecurityGroups(view, association, "securityGroupId")),
    ]);
}

export function mergeUses(uses: readonly SecurityGroupUse[]): SecurityGroupUse {
    return { refs: uses.flatMap((use) => use.refs), present: uses.some((use) => use.present) };
}
