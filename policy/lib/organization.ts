import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { T } from "./aws";
import type { Membership } from "./endpointPolicy";
import { label } from "./report";
import type { StackView } from "./stack";
import { decodeConfigValue, isUnknown, read, stringList, StringList } from "./values";

/** Provider types that take `allowedAccountIds`: the AWS provider and AWS Cloud Control (aws-native). */
export const PINNABLE_PROVIDERS: ReadonlySet<string> = new Set([T.awsProvider, T.awsNativeProvider]);

/**
 * Every AWS provider the stack declares or uses (default providers, which only appear as a
 * resource's provider, included), by URN.
 */
export function stackProviders(view: StackView): ReadonlyMap<string, PolicyProviderResource> {
    return view.memo("providers", () => {
        const providers = new Map<string, PolicyProviderResource>();
        for (const resource of view.resources) {
            if (PINNABLE_PROVIDERS.has(resource.type) && !providers.has(resource.urn)) providers.set(resource.urn, resource);
        }
        for (const resource of view.resources) {
            const provider = resource.provider;
            if (provider && PINNABLE_PROVIDERS.has(provider.type) && !providers.has(provider.urn)) providers.set(provider.urn, provider);
        }
        return providers;
    });
}

/** A provider's `allowedAccountIds`, decoded from the JSON text the SDK sends. */
export function allowedAccounts(provider: PolicyProviderResource): StringList {
    return stringList(decodeConfigValue(read(provider.props, "allowedAccountIds")));
}

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ARN = /^arn:[a-z-]+:organizations::(\d{12}):(?:organization|ou)\/(o-[a-z0-9]{10,32})(?:\/|$)/;

/** A RAM principal association naming an organization or OU of another organization than the configured one. */
export interface ForeignPrincipal {
    association: PolicyResource;
    principal: string;
    organization: string;
}

/** Who is inside, and the stack's RAM principals that name another organization than the configured one. */
export interface StackMembership extends Membership {
    foreign: readonly ForeignPrincipal[];
}

/**
 * Who belongs to the organization, as far as the stack tells: the accounts its providers are
 * pinned to, the accounts it shares the subnets with (RAM principal associations, which RAM only
 * accepts inside the organization when the share does not allow external principals), and the
 * organization an organization or OU principal names (with its management account).
 *
 * With `organizationId` configured, that is the organization: the stack no longer decides it, and
 * an organization or OU principal of another organization is not taken as inside (it is listed in
 * `foreign`, and its management account is not added).
 */
export function stackMembership(view: StackView, organizationId?: string): StackMembership {
    return view.memo(`membership:${organizationId ?? ""}`, () => {
        const accounts = new Set<string>();
        const organizations = new Set<string>();
        const foreign: ForeignPrincipal[] = [];
        const pending: string[] = [];
        for (const provider of stackProviders(view).values()) {
            const list = allowedAccounts(provider);
            if (list.kind === "unknown") pending.push(`the allowedAccountIds of ${label(provider)}`);
            else if (list.kind === "list") {
                for (const item of list.items) {
                    if (isUnknown(item)) pending.push(`the allowedAccountIds of ${label(provider)}`);
                    else if (ACCOUNT_ID.test(item)) accounts.add(item);
                }
            }
        }
        for (const association of view.ofType(T.principalAssociation)) {
            const principal = read(association.props, "principal");
            if (isUnknown(principal)) pending.push(`the principal of ${label(association)}`);
            else if (typeof principal === "string") {
                if (ACCOUNT_ID.test(principal)) accounts.add(principal);
                const organization = ORGANIZATION_ARN.exec(principal);
                if (organization && organizationId !== undefined && organization[2] !== organizationId) {
                    foreign.push({ association, principal, organization: organization[2] });
                } else if (organization) {
                    accounts.add(organization[1]);
                    organizations.add(organization[2]);
                }
            }
        }
        const membership: StackMembership = { accounts, pending: [...new Set(pending)], foreign };
        if (organizationId !== undefined) {
            membership.organizations = new Set([organizationId]);
            membership.configured = true;
        } else if (organizations.size > 0) {
            membership.organizations = organizations;
        }
        return membership;
    });
}
