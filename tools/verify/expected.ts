/**
 * Which instances must be covered: read from participant stacks' outputs, either through the
 * Pulumi Automation API or from `pulumi stack output --json` files, and validated against the
 * project's contract before anything talks to AWS.
 */
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import type { OutputMap, PulumiCommand } from "@pulumi/pulumi/automation";
import type { z } from "zod";
import { participantOutputsSchema, type ParticipantOutputs } from "guardduty-shared-vpc-contract/schemas";
import { VerifyError } from "./errors";

export interface ExpectedInstance {
    participantAccountId: string;
    region: string;
    name: string;
    instanceId: string;
    /** The outputs file or stack this expectation came from, for messages. */
    source: string;
}

export interface OutputsSource {
    /** "file participant.json" or "stack org/project/participant". */
    source: string;
    outputs: ParticipantOutputs;
}

/** Validates one participant stack's outputs, naming the source and every missing or malformed key. */
function parseParticipantOutputs(raw: unknown, source: string): ParticipantOutputs {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
        throw new VerifyError(
            "config",
            `${source}: expected the JSON object printed by \`pulumi stack output --json\`, got ${Array.isArray(raw) ? "an array" : typeof raw}.`,
        );
    }
    const parsed = participantOutputsSchema.safeParse(raw);
    if (parsed.success) {
        return parsed.data;
    }
    const problems = parsed.error.issues.map((issue) => describeIssue(issue, raw as Record<string, unknown>));
    const wrongStack = !("participantAccountId" in raw)
        ? "\n(No participantAccountId: are these the owner or audit stack's outputs? verify needs a participant stack's.)"
        : "";
    throw new VerifyError("config", `${source} is not a participant stack's outputs:\n${problems.map((problem) => `  - ${problem}`).join("\n")}${wrongStack}`);
}

function describeIssue(issue: z.ZodError["issues"][number], raw: Record<string, unknown>): string {
    const keyPath = issue.path.map(String).join(".");
    let value: unknown = raw;
    for (const segment of issue.path) {
        value = typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[segment as PropertyKey] : undefined;
    }
    if (value === undefined && issue.path.length > 0) {
        return issue.path.length === 1 ? `missing output key "${keyPath}"` : `missing "${keyPath}"`;
    }
    return `"${keyPath || "(root)"}": ${issue.message}`;
}

async function readOutputsFile(file: string, read: (file: string) => Promise<string> = (f) => readFile(f, "utf8")): Promise<OutputsSource> {
    const source = `outputs file ${file}`;
    let text: string;
    try {
        text = await read(file);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : (error as Error).message;
        throw new VerifyError("config", `Cannot read ${source}: ${reason}.`, { cause: error });
    }
    let raw: unknown;
    try {
        raw = JSON.parse(text);
    } catch (error) {
        throw new VerifyError(
            "config",
            `${source} is not valid JSON (${(error as Error).message}). Create it with \`pulumi stack output --json --stack <participant stack> > ${path.basename(file)}\`.`,
            { cause: error },
        );
    }
    return { source, outputs: parseParticipantOutputs(raw, source) };
}

/** The slice of the Automation API this tool uses, so tests can stand in for the Pulumi CLI. */
export interface PulumiStacks {
    /** Resolves the Pulumi CLI; rejects when it is not installed. */
    cli(): Promise<PulumiCommand>;
    outputs(stackName: string, workDir: string, cli: PulumiCommand): Promise<OutputMap>;
}

/**
 * Loaded on first use: the Automation API brings in the whole Pulumi SDK, over half a second of
 * start-up that --help and --outputs-only runs never need.
 */
const automation = () => import("@pulumi/pulumi/automation");

export const automationApi: PulumiStacks = {
    cli: async () => (await automation()).PulumiCommand.get(),
    async outputs(stackName, workDir, cli) {
        const { LocalWorkspace } = await automation();
        // Addressed by name (`pulumi stack output --stack`) rather than through Stack.select, which
        // would run `pulumi stack select` and silently change the operator's current stack.
        const workspace = await LocalWorkspace.create({ workDir, pulumiCommand: cli });
        return workspace.stackOutputs(stackName);
    },
};

export async function readStackOutputs(stackNames: readonly string[], workDir: string, pulumi: PulumiStacks): Promise<OutputsSource[]> {
    if (stackNames.length === 0) {
        return [];
    }
    let cli: PulumiCommand;
    try {
        cli = await pulumi.cli();
    } catch (error) {
        const message = (error as Error).message ?? String(error);
        const absent = /ENOENT/.test(message);
        throw new VerifyError(
            "config",
            (absent
                ? "The Pulumi CLI is not installed (no `pulumi` on PATH), so stack outputs cannot be read through the Automation API."
                : `The Pulumi CLI could not be used: ${firstLine(commandStderr(message))}`) +
                "\nOn a machine with the CLI run `pulumi stack output --json --stack <stack> > participant.json` and pass it with --outputs participant.json.",
            { cause: error },
        );
    }

    const { StackNotFoundError } = await automation();
    const sources: OutputsSource[] = [];
    for (const stackName of stackNames) {
        const source = `stack ${stackName}`;
        let outputMap: OutputMap;
        try {
            outputMap = await pulumi.outputs(stackName, workDir, cli);
        } catch (error) {
            if (error instanceof StackNotFoundError) {
                throw new VerifyError(
                    "config",
                    `Unknown stack "${stackName}": the Pulumi backend you are logged in to has no such stack. ` +
                        "A short name resolves in this project and the backend's default organization (`pulumi org get-default`); for a stack elsewhere use the fully-qualified name (<organization>/guardduty-shared-vpc/<stack>), and check `pulumi whoami` / `pulumi stack ls`.",
                    { cause: error },
                );
            }
            throw new VerifyError("config", `Could not read the outputs of ${source}: ${commandStderr((error as Error).message ?? String(error))}`, {
                cause: error,
            });
        }
        if (Object.keys(outputMap).length === 0) {
            throw new VerifyError("config", `${source} has no outputs. Has \`pulumi up\` run for it yet?`);
        }
        const plain = Object.fromEntries(Object.entries(outputMap).map(([key, output]) => [key, output.value]));
        sources.push({ source, outputs: parseParticipantOutputs(plain, source) });
    }
    return sources;
}

/** Pulumi's CommandError message embeds stdout/stderr; only stderr says what went wrong. */
function commandStderr(message: string): string {
    const stderr = /stderr:\s*([\s\S]*?)\n\s*err\?:/.exec(message)?.[1]?.trim();
    return stderr || message.trim();
}

function firstLine(text: string): string {
    return text.split("\n")[0] ?? text;
}

/**
 * Flattens outputs into one expectation per instance. `instances` carries names; `instanceIds`
 * is the contract's plain list, so any ID only there is still checked rather than silently skipped.
 */
export function expectedInstances(sources: readonly OutputsSource[], regionOverride?: string): ExpectedInstance[] {
    const byKey = new Map<string, ExpectedInstance>();
    for (const { source, outputs } of sources) {
        const region = regionOverride ?? outputs.region;
        // An instance left out of Runtime Monitoring on purpose has no coverage to check.
        const monitored = outputs.instances.filter((instance) => instance.monitored !== false);
        const named = new Map(monitored.map((instance) => [instance.id, instance.name]));
        const ids = [...monitored.map((instance) => instance.id), ...outputs.instanceIds];
        for (const instanceId of ids) {
            const key = `${outputs.participantAccountId}/${instanceId}`;
            if (!byKey.has(key)) {
                byKey.set(key, { participantAccountId: outputs.participantAccountId, region, name: named.get(instanceId) ?? "(unnamed)", instanceId, source });
            }
        }
    }
    return [...byKey.values()];
}

/**
 * Each participant is checked in its own region, by that region's detector. `--region` replaces
 * every participant's region, which suits one region's set of outputs; across participants of
 * several regions it would ask one detector about instances it cannot see and report them NOT
 * FOUND, a coverage gap that is not there.
 */
function refuseOneRegionForMany(sources: readonly OutputsSource[], regionOverride: string | undefined): void {
    if (regionOverride === undefined) return;
    const byRegion = new Map<string, string[]>();
    for (const { source, outputs } of sources) byRegion.set(outputs.region, [...(byRegion.get(outputs.region) ?? []), source]);
    if (byRegion.size < 2) return;
    const listed = [...byRegion.entries()].map(([region, names]) => `${region} (${names.join(", ")})`).join("; ");
    throw new VerifyError(
        "usage",
        `--region ${regionOverride} would check every participant in ${regionOverride}, but these are in different regions: ${listed}. ` +
            "Leave --region out: each participant is checked in its own region, against that region's detector.",
    );
}

export async function loadExpectedInstances(
    request: { outputsFiles: readonly string[]; stacks: readonly string[]; region?: string; workDir: string },
    pulumi: PulumiStacks,
    read?: (file: string) => Promise<string>,
): Promise<ExpectedInstance[]> {
    if (request.outputsFiles.length === 0 && request.stacks.length === 0) {
        throw new VerifyError(
            "usage",
            "Nothing to verify: name participant stacks (participant, or <organization>/guardduty-shared-vpc/<stack>) or pass --outputs FILE.",
        );
    }
    const sources: OutputsSource[] = [];
    for (const file of request.outputsFiles) {
        sources.push(await readOutputsFile(file, read));
    }
    sources.push(...(await readStackOutputs(request.stacks, request.workDir, pulumi)));
    refuseOneRegionForMany(sources, request.region);
    const expected = expectedInstances(sources, request.region);
    if (expected.length === 0) {
        throw new VerifyError("config", `${sources.map((s) => s.source).join(", ")} list no instances, so there is nothing to verify.`);
    }
    return expected;
}
