import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ciPolicyPackConfig, POLICY_CONFIG_FILE, PolicyConfigError } from "../../tools/ci/policyConfig";
import { PROJECT_DIR } from "../helpers/offline";

const POLICY = "guardduty-endpoint-policy-scoped";

/** A project directory of its own: Pulumi.yaml and the given stack files (YAML text by stack name). */
function project(stacks: Record<string, string>, policyConfig?: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    for (const [stack, text] of Object.entries(stacks)) writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    if (policyConfig !== undefined) writeFileSync(path.join(dir, POLICY_CONFIG_FILE), policyConfig);
    return dir;
}

const audit = (organizationId: string) => `config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:organizationId: ${organizationId}\n`;

describe("CI policy pack configuration (tools/ci/policyConfig.ts)", () => {
    const made: string[] = [];
    const dir = (...args: Parameters<typeof project>) => {
        const created = project(...args);
        made.push(created);
        return created;
    };
    after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

    it("scopes endpoint policies to the organization the shipped audit stack declares", () => {
        const declared = (parse(readFileSync(path.join(PROJECT_DIR, "Pulumi.audit.yaml"), "utf8")) as { config: Record<string, string> }).config[
            "guardduty-shared-vpc:organizationId"
        ];
        assert.match(declared, /^o-/);
        assert.deepEqual(ciPolicyPackConfig(PROJECT_DIR)[POLICY], { organizationId: declared });
    });

    it("keeps the repository's levels and settings, turning a bare level for the policy into its object form", () => {
        const config = ciPolicyPackConfig(
            dir(
                { audit: audit("o-aaaaaaaaaa") },
                JSON.stringify({ all: "advisory", [POLICY]: "mandatory", "subnet-share-org-only": { enforcementLevel: "disabled" } }),
            ),
        );
        assert.deepEqual(config, {
            all: "advisory",
            [POLICY]: { enforcementLevel: "mandatory", organizationId: "o-aaaaaaaaaa" },
            "subnet-share-org-only": { enforcementLevel: "disabled" },
        });
    });

    it("accepts the audit stack's organization written in the file too", () => {
        const config = ciPolicyPackConfig(dir({ audit: audit("o-aaaaaaaaaa") }, JSON.stringify({ [POLICY]: { organizationId: "o-aaaaaaaaaa" } })));
        assert.deepEqual(config[POLICY], { organizationId: "o-aaaaaaaaaa" });
    });

    it("passes the file through unchanged when no audit stack file declares the organization (an ESC environment may)", () => {
        const levels = { all: "mandatory" };
        assert.deepEqual(ciPolicyPackConfig(dir({ owner: "config:\n  aws:region: us-east-1\n" }, JSON.stringify(levels))), levels);
        assert.deepEqual(ciPolicyPackConfig(dir({ "audit-eu": "config:\n  aws:region: eu-west-1\n" })), {});
    });

    it("refuses two organizations: the file against the audit stack, or two audit stacks against each other", () => {
        const cases: Array<[string, string, RegExp]> = [
            [
                "file vs audit",
                dir({ audit: audit("o-aaaaaaaaaa") }, JSON.stringify({ [POLICY]: { organizationId: "o-bbbbbbbbbb" } })),
                /sets .*organizationId "o-bbbbbbbbbb", but the audit stack declares o-aaaaaaaaaa/,
            ],
            [
                "two audit stacks",
                dir({ audit: audit("o-aaaaaaaaaa"), "audit-eu": audit("o-bbbbbbbbbb") }),
                /different organizations: o-aaaaaaaaaa \(audit\), o-bbbbbbbbbb \(audit-eu\)/,
            ],
        ];
        for (const [what, projectDir, message] of cases)
            assert.throws(
                () => ciPolicyPackConfig(projectDir),
                (err: Error) => err instanceof PolicyConfigError && message.test(err.message),
                what,
            );
    });

    it("names the file and what to do when it is not a JSON object", () => {
        for (const text of ["{ all: advisory", "[]", "null", '"mandatory"']) {
            assert.throws(
                () => ciPolicyPackConfig(dir({ audit: audit("o-aaaaaaaaaa") }, text)),
                (err: Error) => err instanceof PolicyConfigError && err.message.startsWith(POLICY_CONFIG_FILE),
                text,
            );
        }
    });
});
