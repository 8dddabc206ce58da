import * as assert from "node:assert/strict";
import { CONTRACT_VERSION, type PublishedOutputs } from "guardduty-shared-vpc-contract";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { assertUnderRoleWithPinnedProvider, ofType, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

const RAM_SHARING = "aws:ram/sharingWithOrganization:SharingWithOrganization";
const ADMIN = "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount";

describe("management stack (fixture Pulumi.management.yaml)", () => {
    let run: OfflineStackRun;
    before(async () => {
        run = await runStack("management", fixtureConfig("management"));
    });

    it("hangs every resource under the Management role component, deployed through the provider pinned to the management account", () => {
        const cloud = assertUnderRoleWithPinnedProvider(run, "guardduty-shared-vpc:stacks:Management", "111111111111");
        assert.deepEqual(cloud.map((r) => r.type).sort(), [ADMIN, RAM_SHARING]);
        assert.equal(single(run, "pulumi:providers:aws").inputs.region, "us-east-1");
    });

    it("makes the audit account GuardDuty's delegated administrator, protected against replacement and deletion", () => {
        const admin = single(run, ADMIN);
        assert.equal(admin.inputs.adminAccountId, "222222222222");
        assert.equal(admin.protect, true);
    });

    it("enables RAM sharing with the organization, so OU and organization principals work without invitations", () => {
        const sharing = single(run, RAM_SHARING);
        assert.deepEqual(sharing.inputs, {});
        assert.equal(sharing.id, "111111111111");
    });

    it("never takes over the aws.organizations.Organization resource", () => {
        assert.equal(ofType(run, "aws:organizations/organization:Organization").length, 0);
    });

    it("publishes exactly the contract's outputs", () => {
        const expected: PublishedOutputs<"management"> = {
            delegatedAdminAccountId: "222222222222",
            delegatedRegions: ["us-east-1"],
            contractVersion: CONTRACT_VERSION,
            role: "management",
        };
        assert.deepEqual(run.outputs, expected);
    });
});

describe("management stack variants", () => {
    it("with enableRamSharingWithOrganization false, leaves RAM sharing alone and still delegates GuardDuty", async () => {
        const run = await runStack("management", withConfig(fixtureConfig("management"), { enableRamSharingWithOrganization: "false" }));
        assert.equal(ofType(run, RAM_SHARING).length, 0);
        assert.equal(single(run, ADMIN).inputs.adminAccountId, "222222222222");
        assert.deepEqual(run.outputs, {
            delegatedAdminAccountId: "222222222222",
            delegatedRegions: ["us-east-1"],
            contractVersion: CONTRACT_VERSION,
            role: "management",
        });
    });

    it("a second management stack for another region delegates there, through a provider for that region", async () => {
        const run = await runStack(
            "management-eu",
            withConfig(fixtureConfig("management"), { "aws:region": "eu-west-1", enableRamSharingWithOrganization: "false" }),
        );
        assert.equal(single(run, "pulumi:providers:aws").inputs.region, "eu-west-1");
        assert.equal(single(run, ADMIN).inputs.adminAccountId, "222222222222");
    });

    it("takes the delegated administrator from auditAccountId", async () => {
        const run = await runStack("management", withConfig(fixtureConfig("management"), { auditAccountId: "999999999999" }));
        assert.equal(single(run, ADMIN).inputs.adminAccountId, "999999999999");
        assert.equal(run.outputs.delegatedAdminAccountId, "999999999999");
    });
});
