import { ConfigProblem } from "./errors";
import { configKey, parseStackConfig, RawConfig } from "./load";
import { accountId, flag } from "./primitives";

export const managementShape = {
    /** The account GuardDuty is delegated to; the audit stack deploys into it. */
    auditAccountId: accountId,
    /**
     * Off for a second management stack in another region: RAM sharing with the organization is
     * account-wide, so only one stack should own it (its delete would turn sharing off for all).
     */
    enableRamSharingWithOrganization: flag(true),
};

function managementCrossCheck(config: { accountId: string; auditAccountId: string }): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (config.auditAccountId === config.accountId) {
        problems.push({
            key: configKey("auditAccountId"),
            value: config.auditAccountId,
            expected:
                "the audit (security tooling) account's ID, not the management account's own: AWS recommends against making the management account GuardDuty's delegated administrator (least privilege)",
        });
    }
    return problems;
}

export function parseManagementConfig(stack: string, raw: RawConfig) {
    return parseStackConfig(stack, "management", raw, managementShape, managementCrossCheck);
}

export type ManagementConfig = ReturnType<typeof parseManagementConfig>;
