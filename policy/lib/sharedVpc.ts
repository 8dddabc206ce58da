import type { PolicyResource } from "@pulumi/policy";
import { T } from "./aws";
import { label } from "./report";
import type { StackView } from "./stack";
import { isObj, isUnknown, read } from "./values";

/**
 * The shared VPC, as a participant stack knows it: the `vpcId` output of the owner stack it
 * reads through a StackReference (the program's readOwnerOutputs). The stack reference is read
 * during preview too, so its outputs are known then; when they are not (or no reference has a
 * vpcId), rules about the shared VPC wait rather than guess.
 */
export type SharedVpc =
    | { kind: "known"; ids: ReadonlySet<string>; references: ReadonlySet<PolicyResource> }
    /** `computed`: unknown during preview (known at `pulumi up`); else the stack does not say at all. */
    | { kind: "unknown"; what: string; computed: boolean };

export function sharedVpc(view: StackView): SharedVpc {
    return view.memo("sharedVpc", (): SharedVpc => {
        const ids = new Set<string>();
        const references = new Set<PolicyResource>();
        const pending: string[] = [];
        for (const reference of view.ofType(T.stackReference)) {
            const outputs = read(reference.props, "outputs");
            if (isUnknown(outputs)) {
                pending.push(`the outputs of stack reference "${reference.name}"`);
                continue;
            }
            const vpcId = isObj(outputs) ? outputs.vpcId : undefined;
            if (isUnknown(vpcId)) pending.push(`the vpcId output of stack reference "${reference.name}"`);
            else if (typeof vpcId === "string") {
                ids.add(vpcId);
                references.add(reference);
            }
        }
        if (pending.length > 0) return { kind: "unknown", what: pending.join(", "), computed: true };
        if (ids.size === 0)
            return { kind: "unknown", what: "no stack reference of this stack has a vpcId output, so which VPC is shared is not known", computed: false };
        return { kind: "known", ids, references };
    });
}

export type InShared = { value: true | false; why: string } | { value: "unknown"; what: string; computed: boolean };

/** Whether a resource's `vpcId` is the shared VPC: its VPC created here is the stack's own, never the owner's. */
export function inSharedVpc(view: StackView, resource: PolicyResource): InShared {
    const own = view.referenced(resource, "vpcId", T.vpc);
    if (own) return { value: false, why: `its VPC, ${label(own)}, is created in this stack, so it is not the shared one` };
    const shared = sharedVpc(view);
    const vpcId = read(resource.props, "vpcId");
    if (typeof vpcId === "string") {
        if (shared.kind === "unknown") return { value: "unknown", what: shared.what, computed: shared.computed };
        return shared.ids.has(vpcId)
            ? { value: true, why: `its vpcId ${vpcId} is the shared VPC (the owner stack's vpcId output)` }
            : { value: false, why: `its vpcId ${vpcId} is not the shared VPC ${[...shared.ids].join(", ")}` };
    }
    const deps = resource.propertyDependencies.vpcId ?? [];
    if (shared.kind === "known" && deps.some((dep) => shared.references.has(dep))) {
        return { value: true, why: "its vpcId comes from the owner stack's vpcId output" };
    }
    if (isUnknown(vpcId)) return { value: "unknown", what: "its vpcId", computed: true };
    if (shared.kind === "unknown") return { value: "unknown", what: shared.what, computed: shared.computed };
    return { value: "unknown", what: "its vpcId, which is not set", computed: false };
}
