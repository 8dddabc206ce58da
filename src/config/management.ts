import { ConfigProblem } from "./errors";
import { governedRegionsOf, governedRegionsProblems, governedRegionsSchema } from "./governedRegions";
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
    /** The regions GuardDuty is delegated in (default: aws:region alone); RAM sharing stays once, in the home region. */
    regions: governedRegionsSchema,
};

function managementCrossCheck(config: { "aws:region": string; accountId: string; auditAccountId: string; regions?: string[] }): ConfigProblem[] {
    const problems: ConfigProblem[] = [...governedRegionsProblems("management", config)];
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
    const config = parseStackConfig(stack, "management", raw, managementShape, managementCrossCheck);
    return { ...config, regions: governedRegionsOf(config) };
}

export type ManagementConfig = ReturnType<typeof parseManagementConfig>;
