import * as pulumi from "@pulumi/pulumi";

/** One thing wrong with a stack's configuration: which key, what it held, what it should hold. */
export interface ConfigProblem {
    /** Fully qualified key with a path into structured values, e.g. `guardduty-shared-vpc:subnets[1].cidr`. */
    key: string;
    /** The offending value; `undefined` when the key is missing. */
    value?: unknown;
    /** What the key must hold, phrased so the user knows what to write instead. */
    expected: string;
}

/**
 * Raised before any resource is registered when a stack's configuration is unusable.
 *
 * It extends RunError so the Pulumi CLI prints the message alone, without a JavaScript stack
 * trace: the stack trace would point at this project's code, not at the user's mistake.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly stackName: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(formatConfigProblems(stackName, problems));
        this.name = "ConfigError";
    }
}

export function describeValue(value: unknown): string {
    if (value === undefined) return "nothing (the key is not set)";
    const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

export function formatConfigProblems(stack: string, problems: readonly ConfigProblem[]): string {
    const lines = problems.map((p) => `  - ${p.key}: got ${describeValue(p.value)}; expected ${p.expected}`);
    const noun = problems.length === 1 ? "problem" : "problems";
    return [
        `Stack "${stack}" has ${problems.length} configuration ${noun}; nothing was registered:`,
        ...lines,
        `Fix them in Pulumi.${stack}.yaml (or with \`pulumi config set --path\`) and run again.`,
    ].join("\n");
}
