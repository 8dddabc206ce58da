import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { CommonConfig } from "../config/load";

/** The keys every stack's config carries for its provider. */
export type AccountTarget = Pick<CommonConfig, "aws:region" | "aws:profile" | "accountId" | "assumeRoleArn">;

/**
 * The one AWS provider a stack uses. `allowedAccountIds` makes the provider refuse to run with
 * credentials for any other account, so `pulumi up` on the wrong profile fails before it
 * changes anything; with `assumeRoleArn`, one CI identity deploys into each account.
 *
 * An explicit provider does not read the stack's `aws:*` config (only the default provider
 * does), so `aws:profile` is passed on here, or it would be silently ignored. With both set, the
 * profile's credentials assume the role.
 */
export function pinnedAwsProvider(stack: string, target: AccountTarget): aws.Provider {
    return new aws.Provider(`${stack}-aws`, {
        region: target["aws:region"] as aws.Region,
        profile: target["aws:profile"],
        allowedAccountIds: [target.accountId],
        assumeRoles: target.assumeRoleArn ? [{ roleArn: target.assumeRoleArn, sessionName: `pulumi-${stack}`.slice(0, 64) }] : undefined,
        defaultTags: { tags: { ManagedBy: "pulumi", "guardduty-shared-vpc:stack": `${pulumi.getProject()}/${stack}` } },
    });
}
