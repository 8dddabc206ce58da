// What the pack's compiler sees for "@pulumi/pulumi" (tsconfig.json `paths`): the two types
// @pulumi/policy's declarations import from it, from their own declaration files, and nothing else.
//
// Through the package's index the compiler would parse the whole SDK (runtime, automation, the
// dynamic provider, the engine's generated gRPC clients) and, behind @grpc/grpc-js, all of
// @types/node: 296 of the 378 files of the pack's program and 86% of its declaration text, which
// ts-node parsed and bound every time the CLI started the pack. The pack uses none of it.
// tests/policy/compilerSettings.test.ts checks that against the complete declarations.
export { Resource } from "@pulumi/pulumi/resource";
export { Unwrap } from "@pulumi/pulumi/output";
