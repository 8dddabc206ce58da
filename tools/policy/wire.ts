/**
 * The pack as the Pulumi CLI runs it: a separate process started through
 * `@pulumi/pulumi/cmd/run-policy-pack` (which registers ts-node with type-checking and prints the
 * Analyzer's gRPC port on its first stdout line), driven over the Analyzer protocol with the
 * generated stubs @pulumi/pulumi ships. For the wire test and the start-up benchmark.
 */
import { ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { CapturedResource } from "../offline/runStack";
import { providerUrn } from "../../policy/lib/stack";
import { DIY_ORGANIZATION } from "guardduty-shared-vpc-contract/vocabulary";
import { PolicyPackConfig, resolvePackConfig } from "./packConfig";
import { POLICY_PACK_DIR } from "./paths";

export interface RunningPack {
    /** `127.0.0.1:<port>`, as the engine dials it. */
    address: string;
    /** From spawn to the port on stdout: what every `pulumi preview --policy-pack` waits for. */
    startupMs: number;
    child: ChildProcess;
    stderr(): string;
    stop(): Promise<void>;
}

export { POLICY_PACK_DIR };

/**
 * Starts the pack as the CLI does: `node <@pulumi/pulumi>/cmd/run-policy-pack <engine> .` with the
 * pack directory as the working directory (the CLI's policy analyzer plugin passes the engine's
 * address first; run-policy-pack drops it unused, so no engine is needed here).
 */
export function startPolicyPack(options: { packDir?: string; timeoutMs?: number; engineAddress?: string } = {}): Promise<RunningPack> {
    const packDir = options.packDir ?? POLICY_PACK_DIR;
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
    const started = process.hrtime.bigint();
    // The test runner's own ts-node settings must not leak into the pack's (the CLI has none).
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TS_NODE_")));
    const child = spawn(process.execPath, [runner, options.engineAddress ?? "127.0.0.1:0", "."], { cwd: packDir, stdio: ["ignore", "pipe", "pipe"], env });
    let stdout = "";
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill();
        await exited;
    };
    return new Promise<RunningPack>((resolve, reject) => {
        const timer = setTimeout(() => {
            void stop();
            reject(new Error(`the policy pack printed no port within ${options.timeoutMs ?? 60000} ms; stderr:\n${stderr}`));
        }, options.timeoutMs ?? 60000);
        child.stdout?.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const line = /^(\d+)\s*\n/.exec(stdout);
            if (!line) return;
            clearTimeout(timer);
            const startupMs = Number(process.hrtime.bigint() - started) / 1e6;
            resolve({ address: `127.0.0.1:${line[1]}`, startupMs, child, stderr: () => stderr, stop });
        });
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the policy pack exited with ${code} before printing its port; stderr:\n${stderr}`));
        });
    });
}

export type Level = "advisory" | "mandatory" | "remediate" | "disabled";

const LEVEL_TO_PROTO: Record<Level, analyzer.EnforcementLevel> = {
    advisory: analyzer.EnforcementLevel.ADVISORY,
    mandatory: analyzer.EnforcementLevel.MANDATORY,
    remediate: analyzer.EnforcementLevel.REMEDIATE,
    disabled: analyzer.EnforcementLevel.DISABLED,
};

function levelName(level: analyzer.EnforcementLevel): Level {
    return (Object.keys(LEVEL_TO_PROTO) as Level[]).find((name) => LEVEL_TO_PROTO[name] === level) ?? "advisory";
}

export interface WirePolicyInfo {
    name: string;
    description: string;
    enforcementLevel: Level;
    type: "resource" | "stack" | "unknown";
    configSchema?: PolicyConfigSchema;
}

export interface AnalyzerInfo {
    name: string;
    version: string;
    supportsConfig: boolean;
    policies: WirePolicyInfo[];
}

export interface Diagnostic {
    policy: string;
    enforcementLevel: Level;
    message: string;
    urn: string;
}

function diagnostics(response: analyzer.AnalyzeResponse): Diagnostic[] {
    return response
        .getDiagnosticsList()
        .map((d) => ({ policy: d.getPolicyname(), enforcementLevel: levelName(d.getEnforcementlevel()), message: d.getMessage(), urn: d.getUrn() }));
}

function struct(value: Record<string, unknown>): Struct {
    return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as Parameters<typeof Struct.fromJavaScript>[0]);
}

function resourceOptions(resource: CapturedResource): analyzer.AnalyzerResourceOptions {
    const options = new analyzer.AnalyzerResourceOptions();
    options.setProtect(resource.protect);
    if (resource.parent) options.setParent(resource.parent);
    return options;
}

/** What the engine sends as a resource's provider: the provider resource's inputs. */
function providerOf(resource: CapturedResource, byUrn: ReadonlyMap<string, CapturedResource>): analyzer.AnalyzerProviderResource | undefined {
    const provider = resource.provider ? byUrn.get(providerUrn(resource.provider)) : undefined;
    if (!provider) return undefined;
    const message = new analyzer.AnalyzerProviderResource();
    message.setType(provider.type);
    message.setUrn(provider.urn);
    message.setName(provider.name);
    message.setProperties(struct(provider.inputs));
    return message;
}

/** What Analyze and AnalyzeStack both send about a resource, with `properties` its inputs or its outputs. */
function withResource<M extends analyzer.AnalyzeRequest | analyzer.AnalyzerResource>(
    message: M,
    resource: CapturedResource,
    properties: Record<string, unknown>,
    byUrn: ReadonlyMap<string, CapturedResource>,
): M {
    message.setType(resource.type);
    message.setUrn(resource.urn);
    message.setName(resource.name);
    message.setProperties(struct(properties));
    message.setOptions(resourceOptions(resource));
    const provider = providerOf(resource, byUrn);
    if (provider) message.setProvider(provider);
    return message;
}

/** An Analyzer client speaking to a running pack the way the engine does. */
export class AnalyzerConnection {
    private readonly client: AnalyzerClient;

    constructor(address: string) {
        this.client = new AnalyzerClient(address, grpc.credentials.createInsecure());
    }

    private unary<Res>(invoke: (callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown): Promise<Res> {
        return new Promise((resolve, reject) => void invoke((error, response) => (error ? reject(error) : resolve(response))));
    }

    async pluginVersion(): Promise<string> {
        return (await this.unary<PluginInfo>((cb) => this.client.getPluginInfo(new Empty(), cb))).getVersion();
    }

    async info(): Promise<AnalyzerInfo> {
        const info = await this.unary<analyzer.AnalyzerInfo>((cb) => this.client.getAnalyzerInfo(new Empty(), cb));
        return {
            name: info.getName(),
            version: info.getVersion(),
            supportsConfig: info.getSupportsconfig(),
            policies: info.getPoliciesList().map((p) => {
                const policy: WirePolicyInfo = {
                    name: p.getName(),
                    description: p.getDescription(),
                    enforcementLevel: levelName(p.getEnforcementlevel()),
                    type:
                        p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_RESOURCE
                            ? "resource"
                            : p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK
                              ? "stack"
                              : "unknown",
                };
                const schema = p.getConfigschema();
                if (schema) {
                    policy.configSchema = { properties: (schema.getProperties()?.toJavaScript() ?? {}) as PolicyConfigSchema["properties"] };
                    if (schema.getRequiredList().length > 0) policy.configSchema.required = schema.getRequiredList();
                }
                return policy;
            }),
        };
    }

    /**
     * Pack config as the engine sends it: the `--policy-pack-config` file's content resolved
     * against what the pack itself declares in GetAnalyzerInfo (levels, schema defaults), one
     * entry per policy (./packConfig.ts).
     */
    async configure(config: PolicyPackConfig): Promise<void> {
        const resolved = resolvePackConfig((await this.info()).policies, config);
        const request = new analyzer.ConfigureAnalyzerRequest();
        for (const [policy, { enforcementLevel, properties }] of Object.entries(resolved)) {
            const policyConfig = new analyzer.PolicyConfig();
            policyConfig.setEnforcementlevel(LEVEL_TO_PROTO[enforcementLevel]);
            policyConfig.setProperties(struct(properties));
            request.getPolicyconfigMap().set(policy, policyConfig);
        }
        await this.unary<Empty>((cb) => this.client.configure(request, cb));
    }

    async configureStack(stack: string, project: string, dryRun = true): Promise<void> {
        const request = new analyzer.AnalyzerStackConfigureRequest();
        request.setStack(stack);
        request.setProject(project);
        request.setOrganization(DIY_ORGANIZATION);
        request.setDryRun(dryRun);
        await this.unary<analyzer.AnalyzerStackConfigureResponse>((cb) => this.client.configureStack(request, cb));
    }

    /** The engine's Analyze: one resource's inputs, before it is created or updated. */
    async analyze(resource: CapturedResource, all: readonly CapturedResource[] = [resource]): Promise<Diagnostic[]> {
        const request = withResource(new analyzer.AnalyzeRequest(), resource, resource.inputs, new Map(all.map((r) => [r.urn, r])));
        return diagnostics(await this.unary<analyzer.AnalyzeResponse>((cb) => this.client.analyze(request, cb)));
    }

    /** The engine's AnalyzeStack: every resource's outputs, with parents and dependencies. */
    async analyzeStack(resources: readonly CapturedResource[]): Promise<Diagnostic[]> {
        const byUrn = new Map(resources.map((r) => [r.urn, r]));
        const request = new analyzer.AnalyzeStackRequest();
        request.setResourcesList(
            resources.map((resource) => {
                const message = withResource(new analyzer.AnalyzerResource(), resource, resource.outputs, byUrn);
                if (resource.parent) message.setParent(resource.parent);
                message.setDependenciesList(resource.dependencies);
                for (const [prop, urns] of Object.entries(resource.propertyDependencies)) {
                    const deps = new analyzer.AnalyzerPropertyDependencies();
                    deps.setUrnsList(urns);
                    message.getPropertydependenciesMap().set(prop, deps);
                }
                return message;
            }),
        );
        return diagnostics(await this.unary<analyzer.AnalyzeResponse>((cb) => this.client.analyzeStack(request, cb)));
    }

    close(): void {
        this.client.close();
    }
}
