import type { RawConfig } from "./config/load";

/** What every role's stack program is given: its stack name and its raw configuration. */
export interface StackProgramContext {
    stack: string;
    raw: RawConfig;
}

export type StackProgram = (context: StackProgramContext) => Promise<Record<string, unknown>>;
