import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { classifyPrincipal } from "../../src/config/owner";
import { architectureOf } from "../../src/config/participant";
import { azIdProblem, partitionOf } from "../../src/config/regions";
import { resolveRole } from "../../src/config/roles";
import { guardDutyEndpointPolicy, oneSubnetPerAz } from "../../src/net/endpoint";
import { readStackConfigFile, StackConfigFileError } from "../../tools/offline/stackConfig";

describe("guardduty-data endpoint policy", () => {
    it("allows all, then denies principals outside the organization (GuardDuty's own shape)", () => {
        const policy = guardDutyEndpointPolicy({ kind: "organization", organizationId: "o-a1b2c3d4e5" });
        assert.deepEqual(policy.Statement[0], { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" });
        assert.deepEqual(policy.Statement[1].Condition, { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } });
        assert.equal(policy.Statement[1].Effect, "Deny");
    });

    it("scopes to accounts as a sorted list without duplicates, so the policy text is stable", () => {
        const policy = guardDutyEndpointPolicy({ kind: "accounts", accountIds: ["555555555555", "333333333333", "555555555555"] });
        assert.deepEqual(policy.Statement[1].Condition, { StringNotEquals: { "aws:PrincipalAccount": ["333333333333", "555555555555"] } });
    });
});

describe("endpoint subnet choice", () => {
    it("takes the first subnet of each AZ in configured order", () => {
        const chosen = oneSubnetPerAz([
            { azId: "use1-az1", id: "a" },
            { azId: "use1-az2", id: "b" },
            { azId: "use1-az2", id: "c" },
            { azId: "use1-az1", id: "d" },
            { azId: "use1-az4", id: "e" },
        ]);
        assert.deepEqual(
            chosen.map((s) => s.id),
            ["a", "b", "e"],
        );
    });

    it("keeps the chosen subnets when a later subnet joins an AZ that already has one", () => {
        const before = oneSubnetPerAz([{ azId: "use1-az1", id: "a" }]);
        const after = oneSubnetPerAz([
            { azId: "use1-az1", id: "a" },
            { azId: "use1-az1", id: "z" },
        ]);
        assert.deepEqual(after, before);
    });
});

describe("stack roles", () => {
    it("takes the role from the stack name up to its first dash", () => {
        assert.deepEqual(resolveRole("participant-b", undefined), { role: "participant" });
        assert.deepEqual(resolveRole("owner", undefined), { role: "owner" });
    });

    it("lets guardduty-shared-vpc:role override the stack name", () => {
        assert.deepEqual(resolveRole("prod-network", "owner"), { role: "owner" });
    });

    it("explains an unknown role and lists the valid ones", () => {
        const resolved = resolveRole("dev", undefined);
        assert.ok("problem" in resolved);
        assert.equal(resolved.value, "dev");
        assert.match(resolved.problem, /management, audit, owner, participant/);
    });
});

describe("availability-zone IDs", () => {
    it("accepts zone and Local Zone IDs of the region", () => {
        assert.equal(azIdProblem("use1-az6", "us-east-1"), undefined);
        assert.equal(azIdProblem("usw2-lax1-az1", "us-west-2"), undefined);
    });

    it("rejects AZ names and zones of another region", () => {
        assert.match(azIdProblem("us-east-1a", "us-east-1") ?? "", /AZ ID, not an AZ name/);
        assert.match(azIdProblem("euw1-az1", "us-east-1") ?? "", /start with "use1-"/);
    });

    it("derives the ARN partition from the region", () => {
        assert.equal(partitionOf("cn-north-1"), "aws-cn");
        assert.equal(partitionOf("us-gov-west-1"), "aws-us-gov");
        assert.equal(partitionOf("eu-central-1"), "aws");
    });
});

describe("RAM principals", () => {
    it("recognises accounts, OUs and the organization, with the organization ID", () => {
        assert.deepEqual(classifyPrincipal("444444444444"), { kind: "account", value: "444444444444" });
        assert.equal(classifyPrincipal("arn:aws:organizations::111111111111:ou/o-a1b2c3d4e5/ou-ab12-cdefghij")?.kind, "ou");
        const org = classifyPrincipal("arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5");
        assert.equal(org?.kind === "organization" && org.organizationId, "o-a1b2c3d4e5");
    });

    it("refuses anything else", () => {
        for (const text of [
            "4444",
            "arn:aws:iam::444444444444:root",
            "o-a1b2c3d4e5",
            "arn:aws:organizations::111111111111:account/o-a1b2c3d4e5/444444444444",
        ]) {
            assert.equal(classifyPrincipal(text), undefined, text);
        }
    });
});

describe("instance architecture", () => {
    it("maps Graviton types to arm64 and others to x86_64", () => {
        assert.equal(architectureOf("t4g.small"), "arm64");
        assert.equal(architectureOf("c7gn.large"), "arm64");
        assert.equal(architectureOf("im4gn.large"), "arm64");
        assert.equal(architectureOf("t3.small"), "x86_64");
        assert.equal(architectureOf("g4dn.xlarge"), "x86_64");
    });

    it("refuses types the runtime agent does not support", () => {
        assert.equal(typeof architectureOf("a1.large"), "object");
        assert.equal(typeof architectureOf("mac2.metal"), "object");
    });
});

describe("stack config files", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-config-"));

    it("hands structured values over as JSON text and scalars as strings, as the engine does", () => {
        writeFileSync(
            path.join(dir, "Pulumi.owner.yaml"),
            "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: 333333333333\n  createGuardDutyEndpoint: false\n  guardduty-shared-vpc:subnets:\n    - name: a\n      cidr: 10.0.0.0/24\n",
        );
        const raw = readStackConfigFile(dir, "guardduty-shared-vpc", "owner");
        assert.equal(raw["guardduty-shared-vpc:accountId"], "333333333333");
        assert.equal(raw["guardduty-shared-vpc:createGuardDutyEndpoint"], "false");
        assert.deepEqual(JSON.parse(raw["guardduty-shared-vpc:subnets"]), [{ name: "a", cidr: "10.0.0.0/24" }]);
    });

    it("refuses secrets, which only the Pulumi CLI can decrypt", () => {
        writeFileSync(path.join(dir, "Pulumi.audit.yaml"), "config:\n  guardduty-shared-vpc:notificationEmail:\n    secure: AAABAxyz\n");
        assert.throws(
            () => readStackConfigFile(dir, "guardduty-shared-vpc", "audit"),
            (err: unknown) => err instanceof StackConfigFileError && /secret/.test(err.message),
        );
    });
});
