import * as path from "path";
import { ConfigError } from "../../src/config/errors";
import { plan } from "./plan";

// A failed stack program leaves rejected promises inside the Pulumi runtime; the plan reports
// the error itself, so these echoes are not news.
process.on("unhandledRejection", (reason) => {
    if (!(reason instanceof ConfigError)) {
        console.error(reason);
        process.exitCode = 1;
    }
});

plan(process.argv.slice(2), {
    projectDir: path.resolve(__dirname, "../.."),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
}).then(
    (code) => {
        process.exitCode = code;
    },
    (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    },
);
