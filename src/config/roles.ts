import { isRole, PROJECT, roleFromStackName, ROLES, type Role } from "guardduty-shared-vpc-contract/vocabulary";

/** The kinds of account this program deploys into, one stack per account: the contract's roles. */
export { ROLES, type Role };

/**
 * A stack's role is `guardduty-shared-vpc:role` when set, otherwise the stack name up to its
 * first dash, so `participant-b` and `participant-eu` are more participants of the same program.
 * Returns the problem text for an unknown role instead of throwing, so callers can report it
 * with the other configuration problems.
 */
export function resolveRole(stackName: string, configuredRole: string | undefined): { role: Role } | { problem: string; value: string } {
    if (configuredRole === undefined) {
        const fromName = roleFromStackName(stackName);
        if (fromName) return { role: fromName };
    } else if (isRole(configuredRole)) {
        return { role: configuredRole };
    }
    const candidate = configuredRole ?? stackName.split("-")[0];
    const source = configuredRole === undefined ? `the stack name "${stackName}" (its part before the first dash)` : `${PROJECT}:role`;
    return {
        value: candidate,
        problem: `a role, one of ${ROLES.join(", ")}, from ${source}; name the stack after its role (e.g. participant-b) or set guardduty-shared-vpc:role`,
    };
}
