/** Pure rules for the owner's interface endpoints, kept free of Pulumi so they test without mocks. */
import type { Condition, PolicyDocument } from "../iam";

export type EndpointPolicyScope = { kind: "organization"; organizationId: string } | { kind: "accounts"; accountIds: readonly string[] };

/**
 * The guardduty-data endpoint policy, in the shape GuardDuty itself writes for the endpoints it
 * manages: allow everything, then deny any principal outside the organization (or outside the
 * listed accounts). Participants need the Allow (an explicit Deny for them turns their coverage
 * UNHEALTHY); everyone else gets the Deny.
 */
export function guardDutyEndpointPolicy(scope: EndpointPolicyScope): PolicyDocument {
    const condition: Condition =
        scope.kind === "organization"
            ? { StringNotEquals: { "aws:PrincipalOrgID": scope.organizationId } }
            : { StringNotEquals: { "aws:PrincipalAccount": [...new Set(scope.accountIds)].sort() } };
    return {
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
            { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: condition },
        ],
    };
}

/**
 * An interface endpoint takes at most one subnet per availability zone. Picks, for each AZ ID,
 * the first candidate in the order given, so adding a subnet to an AZ that already has one
 * never moves the endpoint's network interface.
 */
export function oneSubnetPerAz<T extends { azId: string }>(candidates: readonly T[]): T[] {
    const chosen = new Map<string, T>();
    for (const candidate of candidates) if (!chosen.has(candidate.azId)) chosen.set(candidate.azId, candidate);
    return [...chosen.values()];
}
