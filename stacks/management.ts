import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ManagementConfig, parseManagementConfig } from "../src/config/management";
import { ManagementOutputs, StackOutputs } from "guardduty-shared-vpc-contract";
import { GovernedRegion, governedRegions, homeOf, regionalName } from "../src/components/governedRegions";
import type { StackProgramContext } from "../src/program";
import { roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

/**
 * The organization's management account: what only it can do. It turns on RAM sharing with the
 * organization (so the owner can share subnets with OUs and accounts without invitations) and
 * delegates GuardDuty to the audit account in each governed region (`regions`, by default the
 * stack's own): GuardDuty's delegated administrator is set per region, through that region's
 * pinned provider. RAM sharing is account-wide, so it is turned on once, from the home region.
 *
 * Trusted access for both services comes with these two calls: EnableSharingWithAwsOrganization
 * enables it for RAM, and EnableOrganizationAdminAccount enables it for GuardDuty. This stack
 * therefore never manages `aws.organizations.Organization`, whose `awsServiceAccessPrincipals`
 * is the complete list of every service the organization trusts: adopting it here would make
 * this stack the owner of other teams' integrations, and a missing entry would revoke one.
 */
export class Management extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<ManagementOutputs>;

    /** `regions`: every governed region with its provider; the component itself inherits the home region's. */
    constructor(name: string, config: ManagementConfig, regions: readonly GovernedRegion[], opts?: pulumi.ComponentResourceOptions) {
        super(roleComponentType("management"), name, {}, opts);

        if (config.enableRamSharingWithOrganization) {
            // Retained on delete: removing the resource disables RAM's trusted access for the
            // whole organization, which would cut every organization-wide share, not only ours.
            // Turning the flag off therefore only stops managing it.
            new aws.ram.SharingWithOrganization(`${name}-ram-sharing`, {}, { parent: this, retainOnDelete: true });
        }

        // Protected: replacing or removing the delegated administrator detaches every member
        // account from it. AWS documents a procedure for changing it (disassociate members,
        // move auto-enable off ALL, then disable the old administrator) that must happen in
        // the audit account first; the protection makes a changed auditAccountId stop here
        // instead of half-doing that.
        const admins = regions.map((where) => ({
            ...where,
            admin: new aws.guardduty.OrganizationAdminAccount(
                regionalName(`${name}-guardduty-admin`, where),
                {
                    adminAccountId: config.auditAccountId,
                },
                { parent: this, protect: true, provider: where.provider },
            ),
        }));

        this.outputs = { delegatedAdminAccountId: homeOf(admins).admin.adminAccountId, delegatedRegions: regions.map((where) => where.region) };
        this.registerOutputs(this.outputs);
    }
}

export async function managementProgram({ stack, raw }: StackProgramContext): Promise<StackOutputs<ManagementOutputs>> {
    const config = parseManagementConfig(stack, raw);
    const regions = governedRegions(stack, config);
    return new Management(stack, config, regions, { providers: [homeOf(regions).provider] }).outputs;
}
