import type { PolicyResource } from "@pulumi/policy";
import { componentType, Role, ROLE_COMPONENT_MODULE, roleComponentType, roleFromStackName, ROLES } from "guardduty-shared-vpc-contract/vocabulary";
import { read, Value } from "./values";

/** The one component the program registers per stack names its role: its type token → the role. */
const ROLE_BY_COMPONENT_TYPE: ReadonlyMap<string, Role> = new Map(ROLES.map((role) => [roleComponentType(role), role]));

export interface RoleInfo {
    role?: Role;
    /** Where the role came from, or why there is none, for messages. */
    how: string;
}

export interface ParsedUrn {
    stack: string;
    project: string;
    /** The resource's own type (the last of the parent-qualified types). */
    type: string;
    name: string;
}

/** `urn:pulumi:<stack>::<project>::<parent types$>type::<name>`. */
export function parseUrn(urn: string): ParsedUrn | undefined {
    if (!urn.startsWith("urn:pulumi:")) return undefined;
    const parts = urn.slice("urn:pulumi:".length).split("::");
    if (parts.length < 4) return undefined;
    const qualified = parts[2];
    return { stack: parts[0], project: parts[1], type: qualified.slice(qualified.lastIndexOf("$") + 1), name: parts.slice(3).join("::") };
}

/** The provider's URN in a resource's provider reference (`<provider urn>::<provider id>`). */
export function providerUrn(reference: string): string {
    const at = reference.lastIndexOf("::");
    return at > 0 ? reference.slice(0, at) : reference;
}

/**
 * The stack's role from the resource graph: the `guardduty-shared-vpc:stacks:<Role>` component
 * the program registers, else the stack name up to its first dash (as the program resolves it).
 */
export function detectRole(resources: readonly PolicyResource[], stack: string): RoleInfo {
    const found = new Map<Role, PolicyResource>();
    for (const resource of resources) {
        const role = ROLE_BY_COMPONENT_TYPE.get(resource.type);
        if (role !== undefined && !found.has(role)) found.set(role, resource);
    }
    if (found.size === 1) {
        const [[role, component]] = [...found];
        return { role, how: `its ${component.type} component "${component.name}"` };
    }
    if (found.size > 1) {
        return { how: `the stack registers components of several roles (${[...found.values()].map((c) => c.type).join(", ")})` };
    }
    const fromName = roleFromStackName(stack);
    if (fromName !== undefined) return { role: fromName, how: `its stack name "${stack}"` };
    return {
        how: `the stack has no ${componentType(ROLE_COMPONENT_MODULE, "<Role>")} component and its name "${stack}" does not start with a role (${ROLES.join(", ")})`,
    };
}

/**
 * What the stack policies share: the resources by type, by ID, by reference, and the stack's role,
 * built once per evaluation in O(n). Lookups are maps, so a 10,000-resource stack stays linear.
 */
export class StackView {
    readonly stack: string;
    readonly role: RoleInfo;
    private readonly byType = new Map<string, PolicyResource[]>();
    private readonly idIndexes = new Map<string, Map<string, PolicyResource>>();
    private readonly referrerIndexes = new Map<string, Map<PolicyResource, PolicyResource[]>>();
    private readonly memos = new Map<string, unknown>();

    constructor(readonly resources: readonly PolicyResource[]) {
        for (const resource of resources) append(this.byType, resource.type, resource);
        this.stack = parseUrn(resources[0]?.urn ?? "")?.stack ?? "";
        this.role = detectRole(resources, this.stack);
    }

    ofType(type: string): readonly PolicyResource[] {
        return this.byType.get(type) ?? [];
    }

    /** What `compute` derives from the stack, computed once per evaluation whichever policy asks first. */
    memo<T>(key: string, compute: () => T): T {
        if (!this.memos.has(key)) this.memos.set(key, compute());
        return this.memos.get(key) as T;
    }

    /** The resource of `type` whose `prop` (default `id`) is `value`, among those whose value is known. */
    find(type: string, value: string, prop = "id"): PolicyResource | undefined {
        const key = `${type}\u0000${prop}`;
        let index = this.idIndexes.get(key);
        if (!index) {
            index = new Map();
            for (const resource of this.ofType(type)) {
                const known = read(resource.props, prop);
                if (typeof known === "string" && !index.has(known)) index.set(known, resource);
            }
            this.idIndexes.set(key, index);
        }
        return index.get(value);
    }

    /**
     * The resource of `type` that `resource.prop` refers to: a dependency of that property
     * (the only way to know during preview, when IDs are unknown), else a match on the ID.
     */
    referenced(resource: PolicyResource, prop: string, type: string, value: Value = read(resource.props, prop)): PolicyResource | undefined {
        const fromDeps = (resource.propertyDependencies[prop] ?? []).find((dep) => dep.type === type);
        if (fromDeps) return fromDeps;
        return typeof value === "string" ? this.find(type, value) : undefined;
    }

    /** The resources of `type` whose `prop` refers (as `referenced` tells) to each resource of `targetType`, in stack order. */
    referrers(type: string, prop: string, targetType: string): ReadonlyMap<PolicyResource, readonly PolicyResource[]> {
        const key = `${type}\u0000${prop}\u0000${targetType}`;
        let index = this.referrerIndexes.get(key);
        if (!index) {
            index = new Map();
            for (const resource of this.ofType(type)) {
                const target = this.referenced(resource, prop, targetType);
                if (target) append(index, target, resource);
            }
            this.referrerIndexes.set(key, index);
        }
        return index;
    }
}

function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
}

const views = new WeakMap<readonly PolicyResource[], StackView>();

/** The view of a stack validation's resources, shared by every policy evaluated on the same list. */
export function stackView(resources: readonly PolicyResource[]): StackView {
    let view = views.get(resources);
    if (!view) {
        view = new StackView(resources);
        views.set(resources, view);
    }
    return view;
}
