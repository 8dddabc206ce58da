import * as path from "node:path";
import { parseArgs } from "./args";

// A stack program that fails leaves rejected promises inside the Pulumi runtime (every output of
// a stack reference that could not be read, for one), each an echo of the failure the plan
// already reports once, as that stack's error. They are held back rather than printed with their
// stack traces; only when the plan found nothing wrong would they be news, and then the first
// one is printed, once.
const stray: unknown[] = [];
process.on("unhandledRejection", (reason) => {
    stray.push(reason);
});

function firstLine(reason: unknown): string {
    return (reason instanceof Error ? reason.message : String(reason)).split("\n")[0];
}

const argv = process.argv.slice(2);
const parsed = parseArgs(argv);
if ("exit" in parsed) {
    // Help and usage errors need nothing of the plan: answered before the SDK loads.
    if (parsed.out) console.log(parsed.out);
    if (parsed.err) console.error(parsed.err);
    process.exitCode = parsed.exit;
} else {
    import("./plan")
        .then(({ plan }) =>
            plan(argv, {
                projectDir: path.resolve(__dirname, "../.."),
                out: (line) => console.log(line),
                err: (line) => console.error(line),
            }),
        )
        .then(
            (code) => {
                // Rejections settle on later ticks; let them arrive before deciding.
                setImmediate(() => {
                    if (code === 0 && stray.length > 0) {
                        console.error(`plan: ${stray.length} unexpected asynchronous error(s) while planning; the first: ${firstLine(stray[0])}`);
                        code = 1;
                    }
                    process.exitCode = code;
                });
            },
            (err: unknown) => {
                // A fault of the plan itself, not of a stack: its trace is what a fix needs.
                console.error(err);
                process.exitCode = 1;
            },
        );
}
