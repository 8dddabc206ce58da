import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { auditDelegationProblems, regionOverlapProblems } from "../../src/config/stackSet";
import { readStackConfigFile, readStackFile, StackConfigFileError } from "../../tools/offline/stackConfig";
import { fixtureConfig, withConfig } from "../helpers/offline";

describe("stack files as the engine hands them over", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-hardening-"));
    const write = (stack: string, text: string) => writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);

    it("turns YAML numbers into the text and JSON numbers the engine passes", () => {
        write(
            "owner",
            'config:\n  guardduty-shared-vpc:accountId: 333333333333\n  guardduty-shared-vpc:shareWith:\n    - 444444444444\n    - "055555555555"\n  guardduty-shared-vpc:findingsSeverityThreshold: 7.50\n',
        );
        const raw = readStackConfigFile(dir, "guardduty-shared-vpc", "owner");
        assert.equal(raw["guardduty-shared-vpc:accountId"], "333333333333");
        assert.equal(raw["guardduty-shared-vpc:shareWith"], '[444444444444,"055555555555"]');
        assert.equal(raw["guardduty-shared-vpc:findingsSeverityThreshold"], "7.5");
    });

    it("reads an unquoted leading-zero number as the CLI's YAML reader does: octal when it can be, decimal otherwise", () => {
        write(
            "participant",
            "config:\n  guardduty-shared-vpc:accountId: 012345678901\n  guardduty-shared-vpc:other: 0755\n  guardduty-shared-vpc:list: [0123456789]\n",
        );
        const raw = readStackConfigFile(dir, "guardduty-shared-vpc", "participant");
        assert.equal(raw["guardduty-shared-vpc:accountId"], "12345678901");
        assert.equal(raw["guardduty-shared-vpc:other"], "493");
        assert.equal(raw["guardduty-shared-vpc:list"], "[123456789]");
    });

    it("lists secrets at any depth and ESC environments as what it cannot read, and keeps the rest", () => {
        write(
            "audit",
            "environment:\n  - security/guardduty\nconfig:\n  aws:region: us-east-1\n  guardduty-shared-vpc:notificationEmail:\n    secure: AAABAxyz\n  guardduty-shared-vpc:runtimeMonitoring:\n    eks:\n      secure: AAABAabc\n",
        );
        const file = readStackFile(dir, "guardduty-shared-vpc", "audit");
        assert.deepEqual(file.config, { "aws:region": "us-east-1" });
        assert.equal(file.unreadable.length, 3);
        assert.match(file.unreadable[0], /ESC environment security\/guardduty/);
        assert.match(file.unreadable.join("\n"), /guardduty-shared-vpc:notificationEmail is a secret/);
        assert.match(file.unreadable.join("\n"), /guardduty-shared-vpc:runtimeMonitoring\.eks is a secret/);
        assert.throws(
            () => readStackConfigFile(dir, "guardduty-shared-vpc", "audit"),
            (err: unknown) => err instanceof StackConfigFileError && /cannot be read offline/.test(err.message),
        );
    });

    it("names the ESC environments of the imports form", () => {
        write("management", "environment:\n  imports:\n    - org/base\n    - org/mgmt\nconfig: {}\n");
        assert.match(readStackFile(dir, "guardduty-shared-vpc", "management").unreadable[0], /environments org\/base, org\/mgmt/);
    });

    it("does not mistake a map with a secure key among others for a secret", () => {
        write("other", "config:\n  guardduty-shared-vpc:thing:\n    secure: yes-please\n    name: x\n");
        assert.deepEqual(readStackFile(dir, "guardduty-shared-vpc", "other").unreadable, []);
    });
});

describe("rules between stacks planned together", () => {
    const entry = (stack: string, role: "management" | "audit", changes: Record<string, unknown> = {}) => ({
        stack,
        role,
        config: withConfig(fixtureConfig(role), changes),
    });

    it("accepts the fixture management and audit pair", () => {
        assert.equal(auditDelegationProblems([entry("management", "management"), entry("audit", "audit")]).size, 0);
    });

    it("refuses an audit stack in another account than the one delegated to in its region", () => {
        const problems = auditDelegationProblems([entry("management", "management"), entry("audit", "audit", { accountId: "666666666666" })]).get("audit");
        assert.equal(problems?.[0].key, "guardduty-shared-vpc:accountId");
        assert.match(problems?.[0].expected ?? "", /management: 222222222222 in us-east-1/);
    });

    it("refuses an audit stack in a region no management stack delegates in", () => {
        const problems = auditDelegationProblems([entry("management", "management"), entry("audit", "audit", { "aws:region": "eu-west-1" })]).get("audit");
        assert.equal(problems?.[0].key, "aws:region");
        assert.match(problems?.[0].expected ?? "", /delegated administrator is set per region/);
    });

    it("matches each audit stack to the management stack of its region", () => {
        const stacks = [
            entry("management", "management"),
            entry("management-eu", "management", { "aws:region": "eu-west-1", auditAccountId: "777777777777", enableRamSharingWithOrganization: "false" }),
            entry("audit", "audit"),
            entry("audit-eu", "audit", { "aws:region": "eu-west-1", accountId: "777777777777" }),
        ];
        assert.equal(auditDelegationProblems(stacks).size, 0);
    });

    it("checks every region an audit stack governs against the regions the management stacks delegate in", () => {
        const regions = ["us-east-1", "eu-west-1"];
        assert.equal(auditDelegationProblems([entry("management", "management", { regions }), entry("audit", "audit", { regions })]).size, 0);
        const missing = auditDelegationProblems([entry("management", "management"), entry("audit", "audit", { regions })]).get("audit");
        assert.deepEqual(
            missing?.map((p) => p.key),
            ["guardduty-shared-vpc:regions"],
        );
        assert.match(missing?.[0].expected ?? "", /in eu-west-1 this account would administer nothing/);
        // A second management stack for that region delegates there just as well.
        const split = [
            entry("management", "management"),
            entry("management-eu", "management", { "aws:region": "eu-west-1", enableRamSharingWithOrganization: "false" }),
            entry("audit", "audit", { regions }),
        ];
        assert.equal(auditDelegationProblems(split).size, 0);
    });

    it("refuses an audit stack governing a region that is delegated to another account there", () => {
        const problems = auditDelegationProblems([
            entry("management", "management"),
            entry("management-eu", "management", { "aws:region": "eu-west-1", auditAccountId: "777777777777", enableRamSharingWithOrganization: "false" }),
            entry("audit", "audit", { regions: ["us-east-1", "eu-west-1"] }),
        ]).get("audit");
        assert.deepEqual(
            problems?.map((p) => p.key),
            ["guardduty-shared-vpc:accountId"],
        );
        assert.match(problems?.[0].expected ?? "", /delegates GuardDuty to in eu-west-1 \(management-eu: 777777777777 in eu-west-1\)/);
    });

    it("says nothing without a management stack, or when the management config is itself broken", () => {
        assert.equal(auditDelegationProblems([entry("audit", "audit", { accountId: "666666666666" })]).size, 0);
        assert.equal(
            auditDelegationProblems([entry("management", "management", { auditAccountId: "x" }), entry("audit", "audit", { accountId: "666666666666" })]).size,
            0,
        );
    });
});

describe("two stacks of one role governing the same region", () => {
    const entry = (stack: string, role: "management" | "audit", changes: Record<string, unknown> = {}) => ({
        stack,
        role,
        config: withConfig(fixtureConfig(role), changes),
    });

    it("accepts one stack per region, and management and audit stacks sharing regions", () => {
        const regions = ["us-east-1", "eu-west-1"];
        assert.equal(regionOverlapProblems([entry("management", "management", { regions }), entry("audit", "audit", { regions })]).size, 0);
        const perRegion = [
            entry("management", "management"),
            entry("management-eu", "management", { "aws:region": "eu-west-1", enableRamSharingWithOrganization: "false" }),
            entry("audit", "audit"),
            entry("audit-eu", "audit", { "aws:region": "eu-west-1" }),
        ];
        assert.equal(regionOverlapProblems(perRegion).size, 0);
    });

    it("refuses a per-region pair left in place after its region joined the first pair's regions, naming the stack that owns it", () => {
        const stacks = [
            entry("management", "management", { regions: ["us-east-1", "eu-west-1"] }),
            entry("management-eu", "management", { "aws:region": "eu-west-1", enableRamSharingWithOrganization: "false" }),
            entry("audit", "audit", { regions: ["us-east-1", "eu-west-1"] }),
            entry("audit-eu", "audit", { "aws:region": "eu-west-1" }),
        ];
        const problems = regionOverlapProblems(stacks);
        assert.deepEqual([...problems.keys()].sort(), ["audit-eu", "management-eu"]);
        assert.equal(problems.get("management-eu")?.[0].key, "aws:region");
        assert.match(problems.get("management-eu")?.[0].expected ?? "", /stack management already manages GuardDuty's delegated administrator in eu-west-1/);
        assert.match(problems.get("audit-eu")?.[0].expected ?? "", /stack audit already manages the detector of account 222222222222 in eu-west-1/);
    });

    it("names the regions key when the overlap is in a region listed there, and lets audit stacks of different accounts share a region", () => {
        const problems = regionOverlapProblems([
            entry("audit", "audit", { regions: ["us-east-1", "eu-west-1"] }),
            entry("audit-b", "audit", { "aws:region": "eu-central-1", regions: ["eu-central-1", "eu-west-1"] }),
        ]);
        assert.deepEqual(
            problems.get("audit-b")?.map((p) => p.key),
            ["guardduty-shared-vpc:regions"],
        );
        assert.equal(regionOverlapProblems([entry("audit", "audit"), entry("audit-b", "audit", { accountId: "777777777777" })]).size, 0);
    });
});
