// The plan's command line, apart from the plan: parsing it loads commander only, so `--help` and
// usage errors answer at once, before the Pulumi SDK, the stacks and the pack are loaded (./main.ts).
import { Command, CommanderError } from "commander";

export const EXIT_CODES = [
    "Exit codes:",
    "  0  every stack planned (or left to the Pulumi CLI: secrets, ESC environments) and no mandatory policy violation",
    "  1  a stack's configuration or program failed (or a stack it reads did), or a mandatory policy violation",
    "  2  usage: an unknown option, or a --stack without a Pulumi.<stack>.yaml",
].join("\n");

const USAGE = "[--dir PATH] [--stack NAME]... [--json] [--no-policies]";

function planCommand(): Command {
    return new Command("npm run plan --")
        .usage(USAGE)
        .description(
            "Runs every shipped Pulumi.<stack>.yaml offline under Pulumi's mock runtime, in deploy order (management, audit, owner, participants), " +
                "each stack reading the outputs of the stacks planned before it as it would read them from the backend, and checks the policy pack over each. " +
                "Deploys nothing: no Pulumi CLI, no AWS credentials, no network.",
        )
        .option(
            "--stack <name>",
            "plan only this stack (repeatable); the stacks it reads are still run first",
            (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
        )
        .option("--dir <path>", "plan the Pulumi.<stack>.yaml files of this directory (e.g. examples/automated) instead of the project's own")
        .option("--json", "print one JSON document (stacks, resources, outputs, policy verdicts) instead of text")
        .option("--no-policies", "skip the policy pack")
        .addHelpText("after", `\n${EXIT_CODES}`)
        .exitOverride();
}

export type PlanArgs = { stacks: string[]; json: boolean; policies: boolean; dir?: string };

/** The parsed options, or the text to print and the exit code when there is nothing to plan. */
export function parseArgs(argv: readonly string[]): PlanArgs | { exit: number; out?: string; err?: string } {
    let help = "";
    const program = planCommand().configureOutput({ writeOut: (text) => (help += text), writeErr: () => undefined, getOutHelpWidth: () => 100 });
    try {
        program.parse(argv, { from: "user" });
    } catch (err) {
        if (err instanceof CommanderError && (err.code === "commander.helpDisplayed" || err.code === "commander.help")) return { exit: 0, out: help.trimEnd() };
        const reason = err instanceof Error ? err.message.replace(/^error: /, "") : String(err);
        return { exit: 2, err: `plan: ${reason}\nusage: npm run plan -- ${USAGE}   (npm run plan -- --help describes them)` };
    }
    const options = program.opts<{ stack?: string[]; json?: boolean; policies: boolean; dir?: string }>();
    return { stacks: options.stack ?? [], json: options.json === true, policies: options.policies, dir: options.dir };
}
