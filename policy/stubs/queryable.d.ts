// What the pack's compiler sees for "@pulumi/pulumi/queryable" (tsconfig.json `paths`): the one
// type @pulumi/policy's declarations take from it, as `any`. It types the results of asType and
// validateStackResourcesOfType, which the pack does not call; the module itself imports
// @pulumi/pulumi's index, which ./pulumi.d.ts keeps out.
export type ResolvedResource<T> = any;
