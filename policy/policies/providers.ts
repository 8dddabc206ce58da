import type { PolicyProviderResource, StackValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/aws";
import { reportCannotCheck, untilKnown } from "../lib/report";
import { decodeConfigValue, isUnknown, read, show, stringList } from "../lib/values";

const ACCOUNT_ID = /^\d{12}$/;

export const stackAccountPinned: StackValidationPolicy = {
    name: "stack-account-pinned",
    description: "Every AWS provider the stack uses has allowedAccountIds with exactly one account, so running it with another account's credentials fails before anything changes.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        // Declared providers, and the ones resources use (default providers included).
        const providers = new Map<string, PolicyProviderResource>();
        for (const resource of args.resources) {
            if (resource.type === T.awsProvider && !providers.has(resource.urn)) providers.set(resource.urn, resource);
        }
        for (const resource of args.resources) {
            const provider = resource.provider;
            if (provider && provider.type === T.awsProvider && !providers.has(provider.urn)) providers.set(provider.urn, provider);
        }
        for (const provider of providers.values()) {
            const name = `AWS provider "${provider.name}"`;
            const isDefault = /^default(_|$)/.test(provider.name);
            const fix = isDefault
                ? "This is the default provider, which resources get when created without the stack's provider: pass the stack's pinned provider (pinnedAwsProvider in src/components/provider.ts) through `providers`/`provider`, or set aws:allowedAccountIds in the stack's config to pin the default one."
                : "Set allowedAccountIds: [\"<this stack's account ID>\"] on it (pinnedAwsProvider in src/components/provider.ts does).";
            const value = decodeConfigValue(read(provider.props, "allowedAccountIds"));
            const list = stringList(value);
            if (list.kind === "unknown" || (list.kind === "list" && list.items.some(isUnknown))) {
                reportCannotCheck(report, `Which account ${name} is pinned to ${untilKnown("its allowedAccountIds")}.`, provider.urn);
                continue;
            }
            if (list.kind === "absent" || (list.items.length === 0 && list.malformed.length === 0)) {
                report(`${name} has no allowedAccountIds, so it deploys into whichever account the credentials at hand belong to. ${fix}`, provider.urn);
                continue;
            }
            const accounts = new Set(list.items as string[]);
            if (list.malformed.length > 0 || [...accounts].some((id) => !ACCOUNT_ID.test(id))) {
                report(`${name} has allowedAccountIds ${show(value)}, which is not a list of 12-digit account IDs. ${fix}`, provider.urn);
            } else if (accounts.size !== 1) {
                report(`${name} allows ${accounts.size} accounts (${[...accounts].join(", ")}); each stack of this project deploys into exactly one account, so one mistaken profile could deploy it into another. ${fix}`, provider.urn);
            }
        }
    },
};
