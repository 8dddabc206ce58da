import * as path from "node:path";

/** The repository's root. */
export const PROJECT_DIR = path.resolve(__dirname, "../..");
/** The pack this repository ships: `pulumi preview --policy-pack policy`. */
export const POLICY_PACK_DIR = path.join(PROJECT_DIR, "policy");
