import type { ResourceValidation } from "@pulumi/policy";

/**
 * A resource validation that runs only on `type`. The token is also set where @pulumi/policy's
 * `validateResourceOfType` puts it (`__pulumiType`), so the server answers "not applicable" for
 * other types without calling the policy, as it does for policies written against SDK classes.
 */
export function ofType(type: string, validate: ResourceValidation): ResourceValidation {
    const fn: ResourceValidation = (args, report) => (args.type === type ? validate(args, report) : undefined);
    (fn as ResourceValidation & { __pulumiType?: string }).__pulumiType = type;
    return fn;
}
