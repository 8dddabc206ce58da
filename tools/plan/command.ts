import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The Node.js arguments `npm run plan` starts the plan with, read from package.json's `plan`
 * script (`node <arguments>`), so that what the bench times and what the tests spawn is what a
 * user runs, not a copy of it that could drift.
 */
export function planNodeArgs(projectDir: string): string[] {
    const script: unknown = JSON.parse(readFileSync(path.join(projectDir, "package.json"), "utf8")).scripts?.plan;
    const [command, ...args] = String(script).trim().split(/\s+/);
    if (command !== "node" || args.length === 0 || args.some((arg) => /["'`$\\&|;<>]/.test(arg)))
        throw new Error(
            `package.json's "plan" script must be \`node <arguments>\` without shell syntax, to be run as npm runs it; it is ${JSON.stringify(script)}`,
        );
    return args;
}
