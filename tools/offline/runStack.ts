import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../../src/config/load";
import { fakeCloudMocks, FakeCloudContext, FakeCloudOptions, networkAsConfigured, STACK_REFERENCE_TYPE } from "./fakeCloud";
import { DIY_ORGANIZATION } from "guardduty-shared-vpc-contract/vocabulary";

/** A resource as the engine received it: its registration request and the state it got back. */
export interface CapturedResource {
    urn: string;
    type: string;
    name: string;
    /** False for component resources (they have no cloud state of their own). */
    custom: boolean;
    /** True for reads (StackReference, `get` functions), which the engine does not create. */
    read: boolean;
    parent?: string;
    protect: boolean;
    /** The `import` option: the ID of an existing cloud resource the engine adopts instead of creating one. */
    importId?: string;
    /** Provider reference as the engine sees it: `<provider urn>::<provider id>`. */
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
    id?: string;
}

export interface OfflineStackRun {
    project: string;
    stack: string;
    resources: CapturedResource[];
    outputs: Record<string, unknown>;
    /**
     * What the offline run planned differently from the engine without changing what the
     * policies judge (an import is planned from the program's arguments; the engine also reads
     * the resource and fails the preview if they differ). For the plan to say, not to hide.
     */
    notes: string[];
}

export interface OfflineRunOptions {
    project: string;
    stack: string;
    config: RawConfig;
    /** The stack program, as Pulumi's Node.js host calls it; what it returns becomes the stack outputs. */
    program: () => unknown;
    stackOutputs: FakeCloudContext["stackOutputs"];
    /** Run as `pulumi preview` (true, the default) or as `pulumi up`. */
    preview?: boolean;
    organization?: string;
    /** Receives each registration as it happens, so a caller can see what a failed run registered. */
    onRegistered?: (resource: CapturedResource) => void;
    /** What the fake cloud holds beyond its defaults (e.g. no GuardDuty detector yet). */
    cloud?: FakeCloudOptions;
}

type Callback<T> = (err: unknown, response?: T) => void;
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getRemote(): boolean;
    getImportid(): string;
    getTransformsList(): unknown[];
    getProtect(): boolean | undefined;
    getProvider(): string;
    getDependenciesList(): string[];
    getObject(): unknown;
    getPropertydependenciesMap(): { forEach(cb: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
interface ReadRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getDependenciesList(): string[];
    getProperties(): unknown;
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface ReadResponse {
    getUrn(): string;
    getProperties(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}
interface MonitorLike {
    registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): void;
    readResource(req: ReadRequest, cb: Callback<ReadResponse>): void;
    registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
    registerStackTransform(req: unknown, cb: Callback<unknown>): void;
    registerStackInvokeTransform(req: unknown, cb: Callback<unknown>): void;
}

/**
 * A run the offline runner cannot make what the engine would make: the engine refuses it (a
 * duplicate URN), or it needs something the mock runtime does not do (transforms, remote
 * components, reading live resources). Said instead of planning something else.
 */
export class OfflineRunError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly string[],
    ) {
        super(`stack ${stack} cannot be planned offline as the engine would run it:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
        this.name = "OfflineRunError";
    }
}

function plain(struct: unknown): Record<string, unknown> {
    if (!struct) return {};
    return pulumi.runtime.deserializeProperties(struct as never) as Record<string, unknown>;
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * The engine's URNs for what the mock runtime registers. The mock names a resource by its
 * immediate parent's type only, and qualifies the root stack's children with the root's type;
 * the engine qualifies a type by its parent's whole qualified type, without the root stack
 * (sdk/go/common/resource/urn.go). Duplicates are judged, and references recorded, in the
 * engine's terms.
 */
class EngineUrns {
    private readonly byMockUrn = new Map<string, string>();
    private readonly qualifiedTypes = new Map<string, string>();

    /** Records a registration; returns its engine URN and, if the mock already used its URN for another one, that one. */
    add(mockUrn: string, type: string, name: string, mockParent: string | undefined): { urn: string; clash?: string } {
        const [, stack, project] = /^urn:pulumi:([^:]*)::([^:]*)::/.exec(mockUrn) ?? [];
        const parent = mockParent ? this.byMockUrn.get(mockParent) : undefined;
        const parentType = parent ? this.qualifiedTypes.get(parent) : undefined;
        const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
        const urn = `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
        const previous = this.byMockUrn.get(mockUrn);
        this.byMockUrn.set(mockUrn, urn);
        this.qualifiedTypes.set(urn, qualified);
        return { urn, clash: previous !== undefined && previous !== urn ? previous : undefined };
    }

    of(mockUrn: string): string {
        return this.byMockUrn.get(mockUrn) ?? mockUrn;
    }

    /** A provider reference, `<provider urn>::<provider id>`. */
    ofProviderReference(reference: string): string {
        const at = reference.lastIndexOf("::");
        return at > 0 ? `${this.of(reference.slice(0, at))}${reference.slice(at)}` : reference;
    }
}

/**
 * Wraps the mock monitor so every registration is recorded exactly as the engine would receive
 * it (engine URN, parent, protect, provider, dependencies), which the policy pack and `npm run
 * plan` need and the Mocks interface alone does not expose; and notes in `problems` what the
 * engine would refuse or the mock runtime would silently skip.
 */
function captureRegistrations(
    monitor: MonitorLike,
    urns: EngineUrns,
    into: Map<string, CapturedResource>,
    problems: string[],
    notes: string[],
    onRegistered?: (resource: CapturedResource) => void,
): void {
    const record = (mockUrn: string, resource: Omit<CapturedResource, "urn">) => {
        const { urn, clash } = urns.add(mockUrn, resource.type, resource.name, resource.parent);
        if (clash)
            problems.push(`the mock runtime gives '${clash}' and '${urn}' the same URN (it qualifies a type by its parent's type only), so it cannot run both`);
        const captured: CapturedResource = {
            ...resource,
            urn,
            parent: resource.parent ? urns.of(resource.parent) : undefined,
            provider: resource.provider ? urns.ofProviderReference(resource.provider) : undefined,
            dependencies: resource.dependencies.map((dep) => urns.of(dep)),
            propertyDependencies: Object.fromEntries(
                Object.entries(resource.propertyDependencies).map(([key, deps]) => [key, deps.map((dep) => urns.of(dep))]),
            ),
        };
        // The engine stops the deployment on the second registration of a URN (its step generator).
        if (into.has(urn)) problems.push(`Duplicate resource URN '${urn}'; try giving it a unique name`);
        else into.set(urn, captured);
        onRegistered?.(captured);
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) =>
        register(req, (err, response) => {
            const what = `${req.getType()} "${req.getName()}"`;
            if (req.getRemote())
                problems.push(
                    `${what} is a multi-language (remote) component: the mock runtime does not construct its children, so they would be missing from the plan and from the policies`,
                );
            if (req.getTransformsList().length > 0)
                problems.push(
                    `${what} has transforms, which the mock runtime does not apply: the plan would check its arguments before the transforms change them`,
                );
            if (req.getImportid())
                notes.push(
                    `${what} adopts an existing resource (import: "${req.getImportid()}"): planned from the program's arguments; the engine also reads it from AWS during preview and stops if they differ`,
                );
            if (!err && response) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((value, key) => (propertyDependencies[key] = value.getUrnsList()));
                record(response.getUrn(), {
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    read: false,
                    parent: req.getParent() || undefined,
                    protect: req.getProtect() === true,
                    importId: req.getImportid() || undefined,
                    provider: req.getProvider() || undefined,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    inputs: plain(req.getObject()),
                    outputs: plain(response.getObject()),
                    id: response.getId() || undefined,
                });
            }
            cb(err, response);
        });
    const read = monitor.readResource.bind(monitor);
    monitor.readResource = (req, cb) =>
        read(req, (err, response) => {
            if (req.getType() !== STACK_REFERENCE_TYPE) {
                problems.push(
                    `${req.getType()} "${req.getName()}" reads an existing resource (\`.get\`), whose state the offline runner cannot read from AWS: the plan would check an empty resource instead`,
                );
            }
            if (!err && response) {
                record(response.getUrn(), {
                    type: req.getType(),
                    name: req.getName(),
                    custom: true,
                    read: true,
                    parent: req.getParent() || undefined,
                    protect: false,
                    provider: req.getProvider() || undefined,
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: {},
                    inputs: plain(req.getProperties()),
                    outputs: plain(response.getProperties()),
                });
            }
            cb(err, response);
        });
    for (const method of ["registerStackTransform", "registerStackInvokeTransform"] as const) {
        const original = monitor[method].bind(monitor);
        monitor[method] = (req, cb) => {
            problems.push(
                `the program registers a stack ${method === "registerStackTransform" ? "transform" : "invoke transform"}, which the mock runtime does not apply to what the program ${method === "registerStackTransform" ? "registers" : "calls"}`,
            );
            original(req, cb);
        };
    }
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const captured = into.get(urns.of(req.getUrn()));
        if (captured) captured.outputs = plain(req.getOutputs());
        registerOutputs(req, cb);
    };
}

/** Settles Outputs nested anywhere in the stack's returned value into plain values. */
async function settle(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        return settle(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply((v) => resolve(v))));
    }
    if (value instanceof Promise) return settle(await value);
    if (Array.isArray(value)) return Promise.all(value.map(settle));
    if (pulumi.Resource.isInstance(value)) return value;
    if (value !== null && typeof value === "object") {
        const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await settle(v)] as const));
        return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
    }
    return value;
}

/**
 * Runs one stack program under the SDK's mock runtime, the way `pulumi preview` runs it: the
 * stack's config set as the engine would set it, a root `pulumi:pulumi:Stack` resource, and
 * the program's return value as the stack outputs. Nothing leaves the process.
 */
export async function runStackOffline(options: OfflineRunOptions): Promise<OfflineStackRun> {
    const region = options.config["aws:region"] ?? "us-east-1";
    const accountId = options.config[`${options.project}:accountId`] ?? "000000000000";
    const urns = new EngineUrns();
    const onInvoke = options.cloud?.onInvoke;
    const notes: string[] = [];
    // Unless the caller describes the existing network, it is taken to be as the config says.
    const assumedNetwork = options.cloud?.existingNetwork === undefined;
    const mocks = fakeCloudMocks({
        ...options.cloud,
        existingNetwork: options.cloud?.existingNetwork ?? networkAsConfigured(options.config),
        region,
        accountId,
        stackOutputs: options.stackOutputs,
        onInvoke: (call) => {
            if (assumedNetwork && call.token === "aws:ec2/getVpc:getVpc") {
                notes.push(
                    `the existing VPC ${String(call.inputs.id)} and its subnets are taken to be as the config describes them (DNS attributes on, the configured CIDRs and AZ IDs): the offline plan cannot read AWS, while \`pulumi preview\` reads them and refuses what does not match`,
                );
            }
            // Invokes name their provider as the mock runtime does; callers compare with the engine's URNs.
            onInvoke?.({ ...call, provider: urns.ofProviderReference(call.provider) });
        },
    });
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? true, options.organization ?? DIY_ORGANIZATION);
    pulumi.runtime.setAllConfig({ ...options.config });

    const resources = new Map<string, CapturedResource>();
    const problems: string[] = [];
    captureRegistrations(pulumi.runtime.getMonitor() as unknown as MonitorLike, urns, resources, problems, notes, options.onRegistered);

    let failure: unknown;
    const outputs = await pulumi.runtime
        .runInPulumiStack(async () => options.program() as Record<string, unknown>)
        .catch((err: unknown) => {
            failure = err;
            return undefined;
        });
    // Registrations started by the program may still be in flight when its promise settles.
    await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs().catch((err: unknown) => {
        failure ??= err;
    });
    if (failure !== undefined) throw failure;
    if (problems.length > 0) throw new OfflineRunError(options.stack, problems);
    return {
        project: options.project,
        stack: options.stack,
        resources: [...resources.values()],
        outputs: ((await settle(outputs)) ?? {}) as Record<string, unknown>,
        notes,
    };
}
