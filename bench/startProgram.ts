// Starts the real program (index.ts) once for the owner stack under the mock runtime and exits:
// the bench launches this under type-checked ts-node (Pulumi's default) and transpile-only ts-node
// (what Pulumi.yaml configures) to compare what every `pulumi preview` pays before it can start.
import * as path from "node:path";
import { PROJECT } from "guardduty-shared-vpc-contract/vocabulary";
import { runStackOffline } from "../tools/offline/runStack";
import { readStackConfigFile } from "../tools/offline/stackConfig";
import { PUBLISHED_AUDIT } from "./auditOutputs";
import { discoverStacks } from "../tools/offline/stacks";

const root = path.resolve(__dirname, "..");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const program = require(path.join(root, "index.ts")) as () => unknown;
runStackOffline({
    project: PROJECT,
    stack: "owner",
    // The shipped owner stack, whatever its file is called.
    config: readStackConfigFile(root, PROJECT, discoverStacks(root).find((stack) => stack.role === "owner")?.stack ?? "owner"),
    program,
    stackOutputs: (name) => PUBLISHED_AUDIT.get(name),
}).then(
    (run) => console.log(`registered ${run.resources.length}`),
    (err: unknown) => {
        console.error(err);
        process.exitCode = 1;
    },
);
