// Pulumi's Node.js host calls an exported function and makes what it returns the stack outputs.
import { runProgram } from "./stacks";

export = runProgram;
