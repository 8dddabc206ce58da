/**
 * The contract without the readers: vocabulary, version, output types and schemas. Nothing here
 * loads @pulumi/pulumi at run time, so tools that only validate outputs (a CLI reading
 * `pulumi stack output --json`) start without the Pulumi SDK.
 */
export * from "./vocabulary";
export * from "./version";
export * from "./outputs";
