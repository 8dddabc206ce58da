import * as pulumi from "@pulumi/pulumi";
import type { RawConfig } from "../../src/config/load";
import { fakeCloudMocks, FakeCloudContext, FakeCloudOptions } from "./fakeCloud";

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
    getProtect(): boolean | undefined;
    getImportid(): string;
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
}

function plain(struct: unknown): Record<string, unknown> {
    if (!struct) return {};
    return pulumi.runtime.deserializeProperties(struct as never) as Record<string, unknown>;
}

/**
 * Wraps the mock monitor so every registration is recorded exactly as the engine would receive
 * it (parent, protect, provider, dependencies), which the policy pack and `npm run plan` need
 * and the Mocks interface alone does not expose.
 */
function captureRegistrations(monitor: MonitorLike, into: Map<string, CapturedResource>, onRegistered?: (resource: CapturedResource) => void): void {
    const record = (resource: CapturedResource) => {
        into.set(resource.urn, resource);
        onRegistered?.(resource);
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) =>
        register(req, (err, response) => {
            if (!err && response) {
                const propertyDependencies: Record<string, string[]> = {};
                req.getPropertydependenciesMap().forEach((value, key) => (propertyDependencies[key] = value.getUrnsList()));
                record({
                    urn: response.getUrn(),
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
            if (!err && response) {
                record({
                    urn: response.getUrn(),
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
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const captured = into.get(req.getUrn());
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
    const accountId = options.config["guardduty-shared-vpc:accountId"] ?? "000000000000";
    const mocks = fakeCloudMocks({ ...options.cloud, region, accountId, stackOutputs: options.stackOutputs });
    await pulumi.runtime.setMocks(mocks, options.project, options.stack, options.preview ?? true, options.organization ?? "organization");
    pulumi.runtime.setAllConfig({ ...options.config });

    const resources = new Map<string, CapturedResource>();
    captureRegistrations(pulumi.runtime.getMonitor() as unknown as MonitorLike, resources, options.onRegistered);

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
    return {
        project: options.project,
        stack: options.stack,
        resources: [...resources.values()],
        outputs: ((await settle(outputs)) ?? {}) as Record<string, unknown>,
    };
}
