import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "guardduty-shared-vpc-contract/vocabulary";
import type { CommonConfig } from "../config/load";

/** The keys every stack's config carries for its provider. */
export type AccountTarget = Pick<CommonConfig, "aws:region" | "aws:profile" | "accountId" | "assumeRoleArn">;

/**
 * The AWS provider a stack uses in `region` (by default its home region, `aws:region`).
 * `allowedAccountIds` makes the provider refuse to run with credentials for any other account,
 * so `pulumi up` on the wrong profile fails before it changes anything; with `assumeRoleArn`,
 * one CI identity deploys into each account. A stack that governs several regions has one per
 * region, all pinned to the same account; the home region's keeps the name it always had
 * (`<stack>-aws`), so the resources it manages keep their provider and nothing is replaced.
 *
 * An explicit provider does not read the stack's `aws:*` config (only the default provider
 * does), so `aws:profile` is passed on here, or it would be silently ignored. With both set, the
 * profile's credentials assume the role.
 */
export function pinnedAwsProvider(stack: string, target: AccountTarget, region: string = target["aws:region"]): aws.Provider {
    const name = region === target["aws:region"] ? `${stack}-aws` : `${stack}-aws-${region}`;
    return new aws.Provider(name, {
        region: region as aws.Region,
        profile: target["aws:profile"],
        allowedAccountIds: [target.accountId],
        assumeRoles: target.assumeRoleArn ? [{ roleArn: target.assumeRoleArn, sessionName: `pulumi-${stack}`.slice(0, 64) }] : undefined,
        defaultTags: { tags: { ManagedBy: "pulumi", [`${PROJECT}:stack`]: `${pulumi.getProject()}/${stack}` } },
    });
}
