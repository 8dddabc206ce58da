import * as assert from "node:assert/strict";
import { parseAuditConfig } from "../../src/config/audit";
import type { RawConfig } from "../../src/config/load";
import { parseManagementConfig } from "../../src/config/management";
import { BadInput, expectConfigError, itRefusesEach, runStack, fixtureConfig, withConfig } from "../helpers/offline";

const CASES: BadInput[] = [
    {
        name: "audit account equal to the management account",
        stack: "management",
        changes: { auditAccountId: "111111111111" },
        key: "auditAccountId",
        says: "not the management account's own",
    },
    {
        name: "auditAccountId with 11 digits (unquoted YAML lost a leading zero)",
        stack: "management",
        changes: { auditAccountId: "22222222222" },
        key: "auditAccountId",
        says: "12-digit",
    },
    { name: "auditAccountId with letters", stack: "management", changes: { auditAccountId: "audit" }, key: "auditAccountId", says: "12-digit" },
    { name: "missing auditAccountId", stack: "management", changes: { auditAccountId: undefined }, key: "auditAccountId", says: "12-digit" },
    {
        name: "enableRamSharingWithOrganization that is not a boolean",
        stack: "management",
        changes: { enableRamSharingWithOrganization: "yes" },
        key: "enableRamSharingWithOrganization",
        says: "true or false",
    },
    {
        name: "a misspelt management key",
        stack: "management",
        changes: { auditAccount: "222222222222" },
        key: "auditAccount",
        says: "no such key for the management role",
    },
    {
        name: "an audit-only key in the management stack",
        stack: "management",
        changes: { findingsExport: "true" },
        key: "findingsExport",
        says: "management role",
    },
    {
        name: "missing aws:region (management)",
        stack: "management",
        changes: { "aws:region": undefined },
        key: "aws:region",
        says: "pulumi config set aws:region",
    },
    { name: "missing aws:region (audit)", stack: "audit", changes: { "aws:region": undefined }, key: "aws:region", says: "pulumi config set aws:region" },
    { name: "audit accountId with 13 digits", stack: "audit", changes: { accountId: "2222222222222" }, key: "accountId", says: "12-digit" },
    {
        name: "autoEnableOrganizationMembers in lowercase",
        stack: "audit",
        changes: { autoEnableOrganizationMembers: "all" },
        key: "autoEnableOrganizationMembers",
        says: '"ALL", "NEW", "NONE"',
    },
    {
        name: "autoEnableOrganizationMembers that is not an option",
        stack: "audit",
        changes: { autoEnableOrganizationMembers: "EXISTING" },
        key: "autoEnableOrganizationMembers",
        says: '"ALL", "NEW", "NONE"',
    },
    {
        name: "runtimeMonitoring with an unknown key",
        stack: "audit",
        changes: { runtimeMonitoring: { ecsFargate: true, lambda: true } },
        key: "runtimeMonitoring.lambda",
        says: "its keys are ecsFargate, eks",
    },
    {
        name: "runtimeMonitoring with a non-boolean flag",
        stack: "audit",
        changes: { runtimeMonitoring: { ecsFargate: "yes" } },
        key: "runtimeMonitoring.ecsFargate",
        says: "true or false",
    },
    {
        name: "the retired runtimeMonitoring.ec2, even set to agree with the mode",
        stack: "audit",
        changes: { runtimeMonitoring: { ec2: false } },
        key: "runtimeMonitoring.ec2",
        says: "follows guardduty-shared-vpc:agentManagement",
    },
    {
        name: "the retired runtimeMonitoring.ec2 stored as a word",
        stack: "audit",
        changes: { agentManagement: "automated", runtimeMonitoring: { ec2: "true" } },
        key: "runtimeMonitoring.ec2",
        says: "remove runtimeMonitoring.ec2",
    },
    { name: "agentManagement that is not a mode", stack: "audit", changes: { agentManagement: "ssm" }, key: "agentManagement", says: '"automated", "manual"' },
    { name: "agentManagement in capitals", stack: "audit", changes: { agentManagement: "Automated" }, key: "agentManagement", says: '"automated", "manual"' },
    {
        name: "automated agent management with ECS Fargate and EKS automation both off",
        stack: "audit",
        changes: { agentManagement: "automated", runtimeMonitoring: { ecsFargate: false, eks: false } },
        key: "agentManagement",
        says: "automated agent configuration for EKS or ECS Fargate",
    },
    {
        name: "automated by default with ECS Fargate and EKS automation both off",
        stack: "audit",
        changes: { agentManagement: undefined, runtimeMonitoring: { ecsFargate: "false", eks: "false" } },
        key: "agentManagement",
        says: '"manual", or keep',
    },
    {
        name: "runtimeMonitoring with a numeric flag",
        stack: "audit",
        changes: { runtimeMonitoring: { eks: 1 } },
        key: "runtimeMonitoring.eks",
        says: "true or false",
    },
    {
        name: "runtimeMonitoring that is a list, not an object",
        stack: "audit",
        changes: { runtimeMonitoring: ["ec2", "eks"] },
        key: "runtimeMonitoring",
        says: "{ ecsFargate, eks }",
    },
    {
        name: "runtimeMonitoring that is a single word",
        stack: "audit",
        changes: { runtimeMonitoring: "ec2" },
        key: "runtimeMonitoring",
        says: "{ ecsFargate, eks }",
    },
    {
        name: "findingsSeverityThreshold 0 (below GuardDuty's scale)",
        stack: "audit",
        changes: { findingsSeverityThreshold: "0" },
        key: "findingsSeverityThreshold",
        says: "from 1 to 8.9",
    },
    {
        name: "findingsSeverityThreshold 9 (above 8.9)",
        stack: "audit",
        changes: { findingsSeverityThreshold: "9" },
        key: "findingsSeverityThreshold",
        says: "from 1 to 8.9",
    },
    {
        name: "findingsSeverityThreshold as a word",
        stack: "audit",
        changes: { findingsSeverityThreshold: "high" },
        key: "findingsSeverityThreshold",
        says: "7 = high",
    },
    {
        name: "findingsSeverityThreshold left empty",
        stack: "audit",
        changes: { findingsSeverityThreshold: "" },
        key: "findingsSeverityThreshold",
        says: "from 1 to 8.9",
    },
    { name: "findingsExport that is not a boolean", stack: "audit", changes: { findingsExport: "maybe" }, key: "findingsExport", says: "true or false" },
    {
        name: "malformed notificationEmail",
        stack: "audit",
        changes: { notificationEmail: "secops-at-example.com" },
        key: "notificationEmail",
        says: "an email address",
    },
    {
        name: "notificationEmail with two addresses",
        stack: "audit",
        changes: { notificationEmail: "a@example.com,b@example.com" },
        key: "notificationEmail",
        says: "an email address",
    },
    {
        name: "missing organizationId (the coverage bus admits only the organization)",
        stack: "audit",
        changes: { organizationId: undefined },
        key: "organizationId",
        says: "o-a1b2c3d4e5",
    },
    {
        name: "organizationId given as the organization's ARN",
        stack: "audit",
        changes: { organizationId: "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5" },
        key: "organizationId",
        says: "AWS Organizations ID",
    },
    { name: "organizationId in capitals", stack: "audit", changes: { organizationId: "O-A1B2C3D4E5" }, key: "organizationId", says: "AWS Organizations ID" },
    {
        name: "existingDetectorId that is not a detector ID",
        stack: "audit",
        changes: { existingDetectorId: "detector-1" },
        key: "existingDetectorId",
        says: "aws guardduty list-detectors",
    },
    {
        name: "existingDetectorId one character short",
        stack: "audit",
        changes: { existingDetectorId: "0123456789abcdef0123456789abcde" },
        key: "existingDetectorId",
        says: "32-character",
    },
    {
        name: "existingDetectorId in uppercase",
        stack: "audit",
        changes: { existingDetectorId: "0123456789ABCDEF0123456789ABCDEF" },
        key: "existingDetectorId",
        says: "lowercase hex",
    },
    {
        name: "a misspelt audit key",
        stack: "audit",
        changes: { notificationEmails: "secops@example.com" },
        key: "notificationEmails",
        says: "no such key for the audit role",
    },
    {
        name: "a management-only key in the audit stack",
        stack: "audit",
        changes: { auditAccountId: "222222222222" },
        key: "auditAccountId",
        says: "audit role",
    },
];

describe("management and audit configuration: bad input is refused before any resource is registered", () => {
    itRefusesEach(CASES, 10);

    it("reports every problem of the audit file at once, each with its key and value", async () => {
        const error = await expectConfigError(
            () =>
                runStack(
                    "audit",
                    withConfig(fixtureConfig("audit"), { findingsSeverityThreshold: "0", notificationEmail: "nobody", autoEnableOrganizationMembers: "SOME" }),
                ),
            "findingsSeverityThreshold",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), [
            "guardduty-shared-vpc:autoEnableOrganizationMembers",
            "guardduty-shared-vpc:findingsSeverityThreshold",
            "guardduty-shared-vpc:notificationEmail",
        ]);
        assert.match(error.message, /Stack "audit" has 3 configuration problems; nothing was registered/);
        assert.match(error.message, /notificationEmail: got "nobody"/);
    });

    it("names the offending flag's value inside runtimeMonitoring, not the whole object", async () => {
        const error = await expectConfigError(
            () => runStack("audit", withConfig(fixtureConfig("audit"), { runtimeMonitoring: { eks: true, ecsFargate: "no" } })),
            "runtimeMonitoring.ecsFargate",
        );
        assert.equal(error.problems[0].value, "no");
    });
});

describe("management and audit configuration: defaults and accepted spellings", () => {
    const management: RawConfig = {
        "aws:region": "us-east-1",
        "guardduty-shared-vpc:accountId": "111111111111",
        "guardduty-shared-vpc:auditAccountId": "222222222222",
    };
    const audit: RawConfig = {
        "aws:region": "us-east-1",
        "guardduty-shared-vpc:accountId": "222222222222",
        "guardduty-shared-vpc:organizationId": "o-a1b2c3d4e5",
    };

    it("management turns RAM sharing with the organization on unless told otherwise", () => {
        assert.equal(parseManagementConfig("management", management).enableRamSharingWithOrganization, true);
        assert.equal(
            parseManagementConfig("management", withConfig(management, { enableRamSharingWithOrganization: "false" })).enableRamSharingWithOrganization,
            false,
        );
    });

    it("audit defaults to automated agent management, ALL members, ECS/EKS automation on, export on, threshold 7, no email, no adoption", () => {
        const config = parseAuditConfig("audit", audit);
        assert.equal(config.agentManagement, "automated");
        assert.equal(config.autoEnableOrganizationMembers, "ALL");
        assert.deepEqual(config.runtimeMonitoring, { ecsFargate: true, eks: true });
        assert.equal(config.findingsExport, true);
        assert.equal(config.findingsSeverityThreshold, 7);
        assert.equal(config.notificationEmail, undefined);
        assert.equal(config.existingDetectorId, undefined);
    });

    it("a partial runtimeMonitoring object keeps the unnamed flags on", () => {
        assert.deepEqual(parseAuditConfig("audit", withConfig(audit, { runtimeMonitoring: { eks: false } })).runtimeMonitoring, {
            ecsFargate: true,
            eks: false,
        });
    });

    it("runtimeMonitoring flags stored as words (pulumi config set --path) read as booleans", () => {
        assert.deepEqual(parseAuditConfig("audit", withConfig(audit, { runtimeMonitoring: { eks: "false", ecsFargate: "true" } })).runtimeMonitoring, {
            ecsFargate: true,
            eks: false,
        });
    });

    it("accepts the ends of GuardDuty's severity scale and fractional thresholds", () => {
        for (const [text, value] of [
            ["1", 1],
            ["8.9", 8.9],
            ["4.5", 4.5],
        ] as const) {
            assert.equal(parseAuditConfig("audit", withConfig(audit, { findingsSeverityThreshold: text })).findingsSeverityThreshold, value);
        }
    });

    it("manual agent management needs no ECS/EKS automation", () => {
        const config = parseAuditConfig("audit", withConfig(audit, { agentManagement: "manual", runtimeMonitoring: { ecsFargate: false, eks: false } }));
        assert.equal(config.agentManagement, "manual");
        assert.deepEqual(config.runtimeMonitoring, { ecsFargate: false, eks: false });
    });

    it("the fixture files parse as they are", () => {
        assert.equal(parseManagementConfig("management", fixtureConfig("management")).auditAccountId, "222222222222");
        assert.equal(parseAuditConfig("audit", fixtureConfig("audit")).notificationEmail, "secops@example.com");
    });
});
