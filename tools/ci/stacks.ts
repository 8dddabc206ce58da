// The GitHub Actions pipeline (.github/workflows/pulumi.yml) asks this which stacks to run, per
// role, instead of listing them itself: a new Pulumi.<stack>.yaml is previewed, deployed in its
// role's turn and drift-checked without anyone editing the workflow. Roles come from the same
// resolution the program uses (the stack name up to its first dash, or guardduty-shared-vpc:role).
//
//   npx ts-node --transpile-only tools/ci/stacks.ts >> "$GITHUB_OUTPUT"
import * as path from "node:path";
import { NS } from "../../src/config/primitives";
import { Role, ROLES } from "../../src/config/roles";
import { discoverStacks } from "../offline/stacks";

/** One matrix entry: the stack, and the account and region its deploy role is assumed in. */
export interface CiStack {
    stack: string;
    role: Role;
    /** Empty when the stack file does not set it (e.g. an ESC environment supplies config and credentials). */
    accountId: string;
    region: string;
}

export type CiStackGroups = Record<Role | "all", CiStack[]>;

/** Every shipped stack, in deploy order, and the same grouped by role. */
export function ciStacks(projectDir: string): CiStackGroups {
    const all = discoverStacks(projectDir).map(({ stack, role, config }) => ({
        stack,
        role,
        accountId: config[`${NS}:accountId`] ?? "",
        region: config["aws:region"] ?? "",
    }));
    const groups = { all } as CiStackGroups;
    for (const role of ROLES) groups[role] = all.filter((s) => s.role === role);
    return groups;
}

/** `name=<json>` lines, the format of $GITHUB_OUTPUT. */
export function githubOutputs(groups: CiStackGroups): string {
    return Object.entries(groups)
        .map(([name, stacks]) => `${name}=${JSON.stringify(stacks)}`)
        .join("\n");
}

if (require.main === module) {
    console.log(githubOutputs(ciStacks(path.resolve(__dirname, "../.."))));
}
