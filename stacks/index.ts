import * as pulumi from "@pulumi/pulumi";
import { contractMetadata } from "guardduty-shared-vpc-contract";
import { ConfigError } from "../src/config/errors";
import type { RawConfig } from "../src/config/load";
import { NS } from "../src/config/primitives";
import { resolveRole, Role } from "../src/config/roles";
import type { StackProgram } from "../src/program";

/** Loaded on demand so a stack loads only its own role's modules. */
const PROGRAMS: Record<Role, () => Promise<StackProgram>> = {
    management: async () => (await import("./management")).managementProgram,
    audit: async () => (await import("./audit")).auditProgram,
    owner: async () => (await import("./owner")).ownerProgram,
    participant: async () => (await import("./participant")).participantProgram,
};

/**
 * Picks the stack's role and runs that role's program; its return value, with the contract's
 * `contractVersion` and `role`, becomes the stack outputs.
 */
export async function runProgram(): Promise<Record<string, unknown>> {
    const stack = pulumi.getStack();
    const raw: RawConfig = pulumi.runtime.allConfig();
    const resolved = resolveRole(stack, raw[`${NS}:role`]);
    if ("problem" in resolved) {
        throw new ConfigError(stack, [{ key: `${NS}:role`, value: resolved.value, expected: resolved.problem }]);
    }
    const program = await PROGRAMS[resolved.role]();
    // Last, so no role's output can shadow what readers check first.
    return { ...(await program({ stack, raw })), ...contractMetadata(resolved.role) };
}
