import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ManagementConfig, parseManagementConfig } from "../src/config/management";
import { ManagementOutputs, StackOutputs } from "guardduty-shared-vpc-contract";
import { pinnedAwsProvider } from "../src/components/provider";
import type { StackProgramContext } from "../src/program";
import { roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

/**
 * The organization's management account: what only it can do. It turns on RAM sharing with the
 * organization (so the owner can share subnets with OUs and accounts without invitations) and
 * delegates GuardDuty to the audit account in the stack's region.
 *
 * Trusted access for both services comes with these two calls: EnableSharingWithAwsOrganization
 * enables it for RAM, and EnableOrganizationAdminAccount enables it for GuardDuty. This stack
 * therefore never manages `aws.organizations.Organization`, whose `awsServiceAccessPrincipals`
 * is the complete list of every service the organization trusts: adopting it here would make
 * this stack the owner of other teams' integrations, and a missing entry would revoke one.
 */
export class Management extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<ManagementOutputs>;

    constructor(name: string, config: ManagementConfig, opts?: pulumi.ComponentResourceOptions) {
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
        const admin = new aws.guardduty.OrganizationAdminAccount(`${name}-guardduty-admin`, {
            adminAccountId: config.auditAccountId,
        }, { parent: this, protect: true });

        this.outputs = { delegatedAdminAccountId: admin.adminAccountId };
        this.registerOutputs(this.outputs);
    }
}

export async function managementProgram({ stack, raw }: StackProgramContext): Promise<StackOutputs<ManagementOutputs>> {
    const config = parseManagementConfig(stack, raw);
    const provider = pinnedAwsProvider(stack, config);
    return new Management(stack, config, { providers: [provider] }).outputs;
}
