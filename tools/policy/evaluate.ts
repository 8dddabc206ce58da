/**
 * Runs the pack's policies in-process on resources captured from the offline runtime
 * (`tools/offline/runStack.ts`), the way the Pulumi engine and @pulumi/policy's Analyzer server
 * would run them, without constructing the PolicyPack (which starts a gRPC server, one per process).
 *
 * Faithful to the server in what matters to a verdict:
 *  - resource policies see each registered resource's inputs (the engine's `Analyze`), stack
 *    policies see every resource's outputs with parent, dependencies and property dependencies
 *    resolved to the resources themselves (`AnalyzeStack`);
 *  - every `props` goes through @pulumi/policy's unknown-checking proxy, and unknowns are the
 *    engine's sentinels;
 *  - pack config is resolved as the CLI resolves `--policy-pack-config` (./packConfig.ts): levels
 *    (a level, or `{ enforcementLevel }`; `all` for every policy), `disabled` skips a policy and a
 *    violation reported with its own level (advisory waits, refused config) keeps it; each
 *    policy's `getConfig()` returns its own properties, with its schema's defaults;
 *  - resources that name no provider get the default provider the engine would create for them.
 */
import * as policySdk from "@pulumi/policy";
import type {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import type { CapturedResource } from "../offline/runStack";
import { PolicyPackConfig, resolvePackConfig } from "./packConfig";
import { allPolicies, GuardDutyPolicy } from "../../policy/policies";
import { parseUrn, providerUrn } from "../../policy/lib/stack";
import { isRuntimeUnknown, UNKNOWN_SENTINELS } from "../../policy/lib/values";

export type { PolicyPackConfig };

/** Exported by @pulumi/policy's index for tests (marked internal in its typings); the tests take them from here. */
export const { unknownCheckingProxy, UnknownValueError } = policySdk as unknown as {
    unknownCheckingProxy<T extends object>(value: T): T;
    UnknownValueError: new (...args: never[]) => Error;
};

export interface PolicyVerdict {
    policy: string;
    enforcementLevel: "advisory" | "mandatory";
    message: string;
    /** The resource the violation is about; absent when it is about the whole stack. */
    urn?: string;
    /** `resource`: from a resource policy on the resource's inputs (the engine's Analyze); `stack`: from AnalyzeStack. */
    phase: "resource" | "stack";
}

export interface EvaluateOptions {
    /** Stack config (`aws:region`, `aws:allowedAccountIds`, …): what the engine's default providers are configured from. */
    stackConfig?: Record<string, string>;
    /** The policies to run; all of the pack's by default. */
    policies?: readonly GuardDutyPolicy[];
    /**
     * A policy that throws on an unknown is, like in the server, an advisory "can't run"
     * verdict; `"throw"` rethrows instead (tests use it to prove no policy ever throws).
     */
    onUnknownValueError?: "advisory" | "throw";
}

type Level = EnforcementLevel;
type Props = Record<string, unknown>;

/** The level a policy runs at under `config`, as the CLI resolves it (pack default: mandatory). */
export function enforcementLevelOf(policy: GuardDutyPolicy, config: PolicyPackConfig = {}): Level {
    return resolvePackConfig([policy], config)[policy.name].enforcementLevel;
}

/** What the engine would send for a value: runtime unknowns become the wire sentinel, undefined keys go. */
function toWire(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    if (isRuntimeUnknown(value)) return UNKNOWN_SENTINELS.string;
    if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : toWire(item)));
    const out: Props = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
}

function proxied(value: Record<string, unknown>): Props {
    return unknownCheckingProxy(toWire(value) as Props);
}

function options(resource: CapturedResource): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: resource.protect,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (resource.parent) opts.parent = resource.parent;
    return opts;
}

function isTypeOf(type: string, resourceClass: unknown): boolean {
    const token = (resourceClass as { __pulumiType?: unknown }).__pulumiType;
    return typeof token === "string" && token === type;
}

class NotApplicable extends Error {}
const notApplicable = (reason?: string): never => {
    throw new NotApplicable(reason);
};

function isResourcePolicy(policy: GuardDutyPolicy): policy is GuardDutyPolicy & { validateResource: ResourceValidation | ResourceValidation[] } {
    return "validateResource" in policy && policy.validateResource !== undefined;
}

function isStackPolicy(policy: GuardDutyPolicy): policy is StackValidationPolicy {
    return "validateStack" in policy && typeof policy.validateStack === "function";
}

/** What resource and stack policies are both told about a resource; `asType` serves the two SDK signatures. */
type Described = Pick<ResourceValidationArgs & PolicyResource, "type" | "props" | "urn" | "name" | "opts" | "provider" | "isType" | "asType">;

/** The default provider the engine creates for resources of `pkg` that name none, configured from `pkg:*` stack config. */
function defaultProvider(pkg: string, stack: string, project: string, stackConfig: Record<string, string>): CapturedResource {
    const inputs: Props = {};
    for (const [key, value] of Object.entries(stackConfig)) if (key.startsWith(`${pkg}:`)) inputs[key.slice(pkg.length + 1)] = value;
    const urn = `urn:pulumi:${stack}::${project}::pulumi:providers:${pkg}::default`;
    return {
        urn,
        type: `pulumi:providers:${pkg}`,
        name: "default",
        custom: true,
        read: false,
        protect: false,
        dependencies: [],
        propertyDependencies: {},
        inputs,
        outputs: inputs,
        id: "default",
    };
}

/** Adds the default providers the engine would, and says which provider each resource uses. */
function withProviders(stackName: string, resources: readonly CapturedResource[], stackConfig: Record<string, string>) {
    const all = [...resources];
    const byUrn = new Map(all.map((resource) => [resource.urn, resource]));
    const providerOf = new Map<CapturedResource, CapturedResource>();
    const project = resources.map((r) => parseUrn(r.urn)?.project).find((p) => p) ?? "project";
    const defaults = new Map<string, CapturedResource>();
    for (const resource of resources) {
        const provider = resource.provider ? byUrn.get(providerUrn(resource.provider)) : undefined;
        if (provider) {
            providerOf.set(resource, provider);
            continue;
        }
        if (!resource.custom || resource.read || resource.type.startsWith("pulumi:")) continue;
        const pkg = resource.type.split(":")[0];
        let fallback = defaults.get(pkg);
        if (!fallback) {
            fallback = defaultProvider(pkg, stackName, project, stackConfig);
            defaults.set(pkg, fallback);
            all.push(fallback);
        }
        providerOf.set(resource, fallback);
    }
    return { all, providerOf };
}

/**
 * Evaluates the pack's policies on one stack's captured resources and returns every violation,
 * with the level it would have in `pulumi preview --policy-pack policy`.
 */
export async function evaluatePolicies(
    stackName: string,
    resources: readonly CapturedResource[],
    config: PolicyPackConfig = {},
    evaluateOptions: EvaluateOptions = {},
): Promise<PolicyVerdict[]> {
    const policies = evaluateOptions.policies ?? allPolicies;
    const resolved = resolvePackConfig(policies, config);
    // What the server's getConfig returns: the policy's own properties, a fresh copy per call.
    const getConfig =
        (policy: GuardDutyPolicy) =>
        <T extends object>() =>
            ({ ...resolved[policy.name].properties }) as T;
    const { all, providerOf } = withProviders(stackName, resources, evaluateOptions.stackConfig ?? {});
    const verdicts: PolicyVerdict[] = [];
    const stackTags: ReadonlyMap<string, string> = new Map();

    const sdkResource = (resource: CapturedResource, values: Props): Described => {
        const props = proxied(values);
        const isType = (cls: unknown) => isTypeOf(resource.type, cls);
        const described: Described = {
            type: resource.type,
            props,
            urn: resource.urn,
            name: resource.name,
            opts: options(resource),
            isType,
            asType: ((cls: unknown) => (isType(cls) ? props : undefined)) as Described["asType"],
        };
        const provider = providerOf.get(resource);
        if (provider) described.provider = { type: provider.type, props: proxied(provider.inputs), urn: provider.urn, name: provider.name };
        return described;
    };

    /** Reports at the policy's `configured` level (remediate acts as mandatory), unless a violation carries its own. */
    const reporter = (policy: GuardDutyPolicy, configured: Level, phase: PolicyVerdict["phase"], defaultUrn?: string) => {
        const level = configured === "advisory" ? "advisory" : "mandatory";
        return ((message: unknown, urn?: string) => {
            if (typeof message === "object" && message !== null) {
                const leveled = message as { message?: string; urn?: string; enforcementLevel?: Level };
                const own = leveled.enforcementLevel === "advisory" ? "advisory" : leveled.enforcementLevel === "mandatory" ? "mandatory" : level;
                verdicts.push({
                    policy: policy.name,
                    enforcementLevel: own,
                    message: leveled.message ?? policy.description,
                    urn: defaultUrn ?? leveled.urn,
                    phase,
                });
            } else {
                verdicts.push({ policy: policy.name, enforcementLevel: level, message: String(message ?? policy.description), urn: defaultUrn ?? urn, phase });
            }
        }) as unknown as Parameters<ResourceValidation>[1];
    };

    const guard = async (policy: GuardDutyPolicy, phase: PolicyVerdict["phase"], urn: string | undefined, run: () => unknown): Promise<void> => {
        try {
            await run();
        } catch (err) {
            if (err instanceof NotApplicable) return;
            if (err instanceof UnknownValueError && evaluateOptions.onUnknownValueError !== "throw") {
                verdicts.push({
                    policy: policy.name,
                    enforcementLevel: "advisory",
                    message: `can't run policy '${policy.name}' during preview: ${err.message}`,
                    urn,
                    phase,
                });
                return;
            }
            throw new Error(`policy ${policy.name} failed on ${urn ?? "the stack"}: ${err instanceof Error ? err.stack : String(err)}`, { cause: err });
        }
    };

    // Analyze: resource policies, once per registered resource, on its inputs.
    for (const policy of policies) {
        const level = resolved[policy.name].enforcementLevel;
        if (level === "disabled" || !isResourcePolicy(policy)) continue;
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        const onlyType = validations.length === 1 ? (validations[0] as { __pulumiType?: string }).__pulumiType : undefined;
        for (const resource of all) {
            if (resource.read || (onlyType !== undefined && resource.type !== onlyType)) continue;
            const args: ResourceValidationArgs = {
                ...sdkResource(resource, resource.inputs),
                stackTags,
                getConfig: getConfig(policy),
                notApplicable,
            };
            const report = reporter(policy, level, "resource", resource.urn);
            for (const validation of validations) await guard(policy, "resource", resource.urn, () => validation(args, report));
        }
    }

    // AnalyzeStack: stack policies, once, on every resource's outputs.
    const stackPolicies = policies.filter(isStackPolicy);
    if (stackPolicies.length > 0) {
        const byUrn = new Map<string, PolicyResource>();
        const policyResources: PolicyResource[] = all.map((resource) => {
            const converted: PolicyResource = { ...sdkResource(resource, resource.outputs), dependencies: [], propertyDependencies: {} };
            byUrn.set(resource.urn, converted);
            return converted;
        });
        all.forEach((resource, index) => {
            const converted = policyResources[index];
            const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
            if (parent) converted.parent = parent;
            converted.dependencies = resource.dependencies.flatMap((urn) => byUrn.get(urn) ?? []);
            for (const [prop, urns] of Object.entries(resource.propertyDependencies)) {
                converted.propertyDependencies[prop] = urns.flatMap((urn) => byUrn.get(urn) ?? []);
            }
        });
        for (const policy of stackPolicies) {
            const level = resolved[policy.name].enforcementLevel;
            if (level === "disabled") continue;
            const args: StackValidationArgs = {
                resources: policyResources,
                stackTags,
                getConfig: getConfig(policy),
                notApplicable,
            };
            const report = reporter(policy, level, "stack");
            await guard(policy, "stack", undefined, () => policy.validateStack(args, report));
        }
    }
    return verdicts;
}

/** The verdicts that fail `pulumi preview`/`up`. */
export function mandatoryViolations(verdicts: readonly PolicyVerdict[]): PolicyVerdict[] {
    return verdicts.filter((verdict) => verdict.enforcementLevel === "mandatory");
}

function sentinelFor(value: unknown): string {
    const kind = Array.isArray(value) ? "array" : typeof value;
    return kind === "boolean" || kind === "number" || kind === "array" || kind === "object" ? UNKNOWN_SENTINELS[kind] : UNKNOWN_SENTINELS.string;
}

/** Every string leaf of a value (not the unknowns). */
function stringLeaves(value: unknown, into: Set<string> = new Set()): Set<string> {
    if (typeof value === "string") {
        if (value !== "" && !(Object.values(UNKNOWN_SENTINELS) as string[]).includes(value)) into.add(value);
    } else if (Array.isArray(value)) {
        for (const item of value) stringLeaves(item, into);
    } else if (value !== null && typeof value === "object" && !isRuntimeUnknown(value)) {
        for (const item of Object.values(value)) stringLeaves(item, into);
    }
    return into;
}

/**
 * `value` with every string leaf that contains one of `computed` (an ID, or text an `apply` built
 * around one) replaced by the unknown sentinel, as an apply over an unknown is unknown. Reports
 * whether anything was replaced.
 */
function blank(value: unknown, computed: readonly string[], changed: { any: boolean }): unknown {
    if (typeof value === "string") {
        if (!computed.some((c) => value.includes(c))) return value;
        changed.any = true;
        return UNKNOWN_SENTINELS.string;
    }
    if (Array.isArray(value)) return value.map((item) => blank(item, computed, changed));
    if (value !== null && typeof value === "object") {
        if (isRuntimeUnknown(value)) return UNKNOWN_SENTINELS.string;
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, blank(item, computed, changed)]));
    }
    return value;
}

/** Whether `value` visibly carries one of `known` (a dependency's input, known in preview too). */
function carries(value: unknown, known: ReadonlySet<string>): boolean {
    for (const leaf of stringLeaves(value)) {
        if (known.has(leaf)) return true;
        // Inside longer text (an apply's template), only distinctive values count, not "tcp" or "true".
        for (const k of known) if (k.length >= 8 && leaf.includes(k)) return true;
    }
    return false;
}

/**
 * The resources as the engine sees them during the first `pulumi preview` of the stack, when
 * every resource is still to be created. A created resource's outputs are its inputs, and
 * unknown for everything the cloud computes (IDs, ARNs, defaults). An input that came through
 * another created resource's outputs (its property dependencies say so) is unknown where it
 * carries a value that is unknown there, at any depth and inside text an `apply` built around
 * it; when it visibly carries nothing of the dependency's, an `apply` transformed it beyond
 * recognition and the whole input is unknown. Resources are registered after what they depend
 * on, so one pass in registration order sees each dependency's preview first. Reads (stack
 * references) stay known, as the engine reads them during preview.
 */
export function asFirstPreview(resources: readonly CapturedResource[]): CapturedResource[] {
    /** Per created resource: the values that are unknown in its preview outputs, and the known ones. */
    const created = new Map<string, { unknown: string[]; known: Set<string> }>();
    const everyUnknown = new Set<string>();
    const preview = resources.map((resource) => {
        if (resource.read) return resource;
        const inputs: Props = {};
        const lost = new Set<string>();
        for (const [key, value] of Object.entries(resource.inputs)) {
            const deps = (resource.propertyDependencies[key] ?? []).flatMap((urn) => created.get(urn) ?? []);
            const changed = { any: false };
            const blanked = blank(
                value,
                deps.flatMap((dep) => dep.unknown),
                changed,
            );
            const traced = deps.length === 0 || value === undefined || value === null || changed.any || deps.some((dep) => carries(value, dep.known));
            inputs[key] = traced ? blanked : sentinelFor(value);
            if (changed.any || !traced) stringLeaves(value, lost);
        }
        let outputs: Props;
        if (!resource.custom) {
            outputs = resource.outputs; // below, once every resource's unknowns are known
        } else if (resource.type.startsWith("pulumi:providers:")) {
            outputs = { ...inputs };
        } else {
            outputs = {};
            for (const [key, value] of Object.entries(resource.outputs)) outputs[key] = key in inputs ? inputs[key] : sentinelFor(value);
            if ("id" in resource.outputs) outputs.id = UNKNOWN_SENTINELS.string;
        }
        if (resource.custom) {
            // Unknown in its outputs: what the cloud computes, its ID, and inputs that were unknown already.
            const unknown = new Set(lost);
            for (const [key, value] of Object.entries(resource.outputs)) if (!(key in resource.inputs)) stringLeaves(value, unknown);
            if (resource.id) unknown.add(resource.id);
            for (const value of unknown) everyUnknown.add(value);
            created.set(resource.urn, { unknown: [...unknown], known: stringLeaves(inputs) });
        }
        return { ...resource, inputs, outputs, id: resource.custom ? undefined : resource.id };
    });
    // Components register their outputs last (registerOutputs), from anything created before.
    const unknowns = [...everyUnknown];
    return preview.map((resource) =>
        resource.custom || resource.read ? resource : { ...resource, outputs: blank(resource.outputs, unknowns, { any: false }) as Props },
    );
}
