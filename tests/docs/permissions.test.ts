/**
 * docs/permissions.md must name, in each role's section, every AWS resource type the role's
 * program registers and every provider function it calls: a resource added without its
 * permissions would otherwise fail only at someone's first real `pulumi up`.
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import type { Role } from "../../src/config/roles";
import { runProgram } from "../../stacks";
import { runStackOffline } from "../../tools/offline/runStack";
import { discoverStacks, DIY_ORGANIZATION, fullyQualifiedStackName, PROJECT } from "../../tools/offline/stacks";
import { FIXTURE_DIR, fixtureConfig, PROJECT_DIR } from "../helpers/offline";

const docs = readFileSync(path.join(PROJECT_DIR, "docs", "permissions.md"), "utf8");

/** The text of the section `## \`<role>\` — …`, up to the next section. */
function section(role: string): string {
    const start = docs.indexOf(`## \`${role}\``);
    assert.ok(start >= 0, `docs/permissions.md has no section for ${role}`);
    const next = docs.indexOf("\n## ", start + 1);
    return docs.slice(start, next < 0 ? undefined : next);
}

/** `aws:s3/bucketPolicy:BucketPolicy` → `aws.s3.BucketPolicy`, as the SDK spells it in programs. */
function sdkName(token: string): string {
    const [pkg, module, member] = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(token)?.slice(1) ?? [];
    assert.ok(pkg && module && member, `unexpected token ${token}`);
    return `${pkg}.${module}.${member}`;
}

describe("docs/permissions.md covers what each stack does", function () {
    this.timeout(120_000);
    const used = new Map<Role, Set<string>>();

    before(async () => {
        const stacks = discoverStacks(FIXTURE_DIR);
        // What the fixture files leave off: an optional resource, more regions, and an owner that adopts an existing VPC (its lookups).
        const twoRegions = JSON.stringify(["us-east-1", "eu-west-1"]);
        const variants: Partial<Record<Role, (config: RawConfig) => RawConfig>> = {
            participant: (config) => ({ ...config, [`${NS}:acceptShareInvitation`]: "true" }),
            management: (config) => ({ ...config, [`${NS}:regions`]: twoRegions }),
            audit: (config) => ({ ...config, [`${NS}:regions`]: twoRegions }),
            owner: () => fixtureConfig("owner", path.join(FIXTURE_DIR, "existing-vpc")),
        };
        const published = new Map<string, Record<string, unknown>>();
        for (const { stack, role, config } of stacks) {
            const names = used.get(role) ?? new Set<string>();
            used.set(role, names);
            const variant = variants[role];
            for (const variantConfig of [config, ...(variant ? [variant(config)] : [])]) {
                const run = await runStackOffline({
                    project: PROJECT,
                    stack,
                    config: variantConfig,
                    program: runProgram,
                    stackOutputs: (name) => published.get(name),
                    organization: DIY_ORGANIZATION,
                    cloud: { onInvoke: ({ token }) => void names.add(sdkName(token)) },
                });
                for (const resource of run.resources) {
                    if (resource.custom && !resource.read && resource.type.startsWith("aws:")) names.add(sdkName(resource.type));
                }
                if (variantConfig === config) published.set(fullyQualifiedStackName(stack), run.outputs);
            }
        }
    });

    for (const role of ["management", "audit", "owner", "participant"] as const) {
        it(`names every AWS resource type and provider function of the ${role} stack in its section`, () => {
            const names = used.get(role);
            assert.ok(names && names.size > 0, `no ${role} stack ran`);
            const text = section(role);
            const missing = [...names].filter((name) => !text.includes(`\`${name}\``));
            assert.deepEqual(missing, [], `docs/permissions.md, section ${role}: add the permissions these need`);
        });
    }

    it("states AWS's own list for designating the delegated administrator in the management section", () => {
        for (const action of [
            "guardduty:EnableOrganizationAdminAccount",
            "organizations:DescribeOrganizationalUnit",
            "organizations:ListAccounts",
            "organizations:RegisterDelegatedAdministrator",
        ]) {
            assert.ok(section("management").includes(`\`${action}\``), action);
        }
    });

    it("lists the detector lookup's actions in the audit section", () => {
        for (const action of ["guardduty:ListDetectors", "guardduty:GetDetector"]) assert.ok(section("audit").includes(`\`${action}\``), action);
    });

    it("keeps each section's JSON policy to exactly the actions its table lists", () => {
        for (const role of ["management", "audit", "owner", "participant"]) {
            const text = section(role);
            const json = /```json\n([\s\S]*?)```/.exec(text)?.[1];
            assert.ok(json, `no JSON policy in ${role}`);
            const policyActions = new Set<string>(JSON.parse(json).Statement.flatMap((s: { Action: string[] }) => s.Action));
            // The Actions column only: notes also mention actions that are not needed (deletes of protected resources).
            const rows = text
                .slice(0, text.indexOf("```json"))
                .split("\n")
                .filter((line) => line.startsWith("| ") && !line.startsWith("| What |"));
            const tableActions = new Set(rows.flatMap((row) => [...(row.split(" | ")[1] ?? "").matchAll(/`([a-z0-9-]+:[A-Za-z0-9]+)`/g)].map((m) => m[1]!)));
            assert.ok(tableActions.size > 0, `no actions in the ${role} table`);
            assert.deepEqual(
                [...tableActions].filter((a) => !policyActions.has(a)),
                [],
                `${role}: in the table, not the policy`,
            );
            assert.deepEqual(
                [...policyActions].filter((a) => !tableActions.has(a)),
                [],
                `${role}: in the policy, not the table`,
            );
        }
    });
});
