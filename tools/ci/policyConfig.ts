// The pack configuration the pipeline previews and deploys with (`--policy-pack-config`), and
// `npm run plan` evaluates with (so the plan judges as CI's previews will): the repository's policy-config.json when there is one (levels,
// settings), plus the organization the audit stack file declares as guardduty-endpoint-policy-
// scoped's `organizationId`. The organization is then written once, in Pulumi.audit.yaml, and
// endpoint policies are judged against it rather than against what each stack happens to share.
//
//   npx ts-node --transpile-only tools/ci/policyConfig.ts > "$RUNNER_TEMP/policy-config.json"
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { PolicyPackConfig } from "@pulumi/policy";
import { PROJECT } from "guardduty-shared-vpc-contract/vocabulary";
import { guardDutyEndpointPolicyScoped } from "../../policy/policies/endpoints";
import { discoverStacks, type ShippedStack } from "../offline/stacks";

/** The repository's own pack configuration, if it keeps one: the file `pulumi preview --policy-pack-config` would be given. */
export const POLICY_CONFIG_FILE = "policy-config.json";

const POLICY = guardDutyEndpointPolicyScoped.name;

export class PolicyConfigError extends Error {}

function readBase(file: string): PolicyPackConfig {
    if (!existsSync(file)) return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
        throw new PolicyConfigError(
            `${path.basename(file)} is not JSON (${(err as Error).message}): fix it, or delete it to run every policy at its default level.`,
        );
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new PolicyConfigError(
            `${path.basename(file)} must be a JSON object of policy names (or "all") to levels or settings, as --policy-pack-config reads it.`,
        );
    }
    return parsed as PolicyPackConfig;
}

/** The organizations the audit stack files declare: one, unless none says (e.g. an ESC environment supplies it). */
function auditOrganizations(stacks: readonly ShippedStack[]): Map<string, string[]> {
    const organizations = new Map<string, string[]>();
    for (const { stack, role, config } of stacks) {
        const organizationId = role === "audit" ? config[`${PROJECT}:organizationId`] : undefined;
        if (organizationId) organizations.set(organizationId, [...(organizations.get(organizationId) ?? []), stack]);
    }
    return organizations;
}

/** The configuration for the stacks of `projectDir` (`stacks`: its stack files, when the caller has read them already). */
export function ciPolicyPackConfig(projectDir: string, stacks: readonly ShippedStack[] = discoverStacks(projectDir)): PolicyPackConfig {
    const base = readBase(path.join(projectDir, POLICY_CONFIG_FILE));
    const organizations = auditOrganizations(stacks);
    if (organizations.size > 1) {
        const listed = [...organizations].map(([id, stacks]) => `${id} (${stacks.join(", ")})`).join(", ");
        throw new PolicyConfigError(
            `the audit stacks declare different organizations: ${listed}. One organization has one audit stack; correct ${PROJECT}:organizationId.`,
        );
    }
    const [declared] = organizations.keys();
    if (declared === undefined) return base;

    const entry = base[POLICY];
    const settings = entry === undefined ? {} : typeof entry === "string" ? { enforcementLevel: entry } : { ...entry };
    const configured = (settings as { organizationId?: unknown }).organizationId;
    if (configured !== undefined && configured !== declared) {
        throw new PolicyConfigError(
            `${POLICY_CONFIG_FILE} sets ${POLICY}.organizationId ${JSON.stringify(configured)}, but the audit stack declares ${declared}: remove it from ${POLICY_CONFIG_FILE} (the audit stack's is used) or correct one of them.`,
        );
    }
    return { ...base, [POLICY]: { ...settings, organizationId: declared } };
}

if (require.main === module) {
    try {
        console.log(JSON.stringify(ciPolicyPackConfig(path.resolve(__dirname, "../..")), null, 2));
    } catch (err) {
        console.error(err instanceof PolicyConfigError ? `policy pack config: ${err.message}` : err);
        process.exit(1);
    }
}
