// What a policy applies to: here, not in a policy's module, because several policies share each scope.
import type { PolicyResource, ReportViolation, ResourceValidation } from "@pulumi/policy";
import { looksLikeGuardDutyData, T } from "../lib/aws";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import type { StackView } from "../lib/stack";
import { isUnknown, read } from "../lib/values";

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

interface GuardDutyEndpoint {
    endpoint: PolicyResource;
    serviceName: string;
}

/**
 * The stack's guardduty-data endpoints. One whose service name is unknown might be one, so it is
 * reported as waiting rather than skipped.
 */
export function guardDutyEndpoints(view: StackView, report: ReportViolation, checking: string): GuardDutyEndpoint[] {
    const found: GuardDutyEndpoint[] = [];
    for (const endpoint of view.ofType(T.vpcEndpoint)) {
        const serviceName = read(endpoint.props, "serviceName");
        if (isUnknown(serviceName)) {
            reportCannotCheck(
                report,
                `Whether ${label(endpoint)} is a guardduty-data endpoint (and so ${checking}) ${untilKnown("its serviceName")}.`,
                endpoint.urn,
            );
        } else if (typeof serviceName === "string" && looksLikeGuardDutyData(serviceName)) {
            found.push({ endpoint, serviceName });
        }
    }
    return found;
}

/**
 * The resources of `type` a participant-only rule checks: all of them in a participant stack, none
 * in another. When the stack's role cannot be told, the rule neither passes nor fails them: each
 * waits, as "Whether <resource> <what> cannot be checked until the stack's role is known".
 */
export function participantResources(view: StackView, type: string, report: ReportViolation, what: string): readonly PolicyResource[] {
    const resources = view.ofType(type);
    if (view.role.role === undefined) {
        for (const resource of resources) {
            reportCannotCheck(
                report,
                `Whether ${label(resource)} ${what} cannot be checked until the stack's role is known: ${view.role.how}. Register the role's component or name the stack after its role.`,
                resource.urn,
            );
        }
        return [];
    }
    return view.role.role === "participant" ? resources : [];
}
