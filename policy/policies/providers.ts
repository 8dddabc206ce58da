import type { PolicyProviderResource, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/aws";
import { NO_CONFIG, withCheckedConfig } from "../lib/config";
import { allowedAccounts, stackProviders } from "../lib/organization";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { stackView } from "../lib/stack";
import { decodeConfigValue, isObj, isUnknown, read, show } from "../lib/values";

const ACCOUNT_ID = /^\d{12}$/;

function providerName(provider: PolicyProviderResource): string {
    return `${provider.type === T.awsNativeProvider ? "AWS Cloud Control (aws-native)" : "AWS"} provider "${provider.name}"`;
}

export const stackAccountPinned: StackValidationPolicy = withCheckedConfig({
    name: "stack-account-pinned",
    description:
        "Every AWS (and aws-native) provider the stack uses has allowedAccountIds with exactly one account, the same one for all of them, so running it with another account's credentials fails before anything changes.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        const pinned = new Map<string, PolicyProviderResource[]>();
        for (const provider of stackProviders(view).values()) {
            const name = providerName(provider);
            const isDefault = /^default(_|$)/.test(provider.name);
            const fix = isDefault
                ? "This is the default provider, which resources get when created without the stack's provider: pass the stack's pinned provider (pinnedAwsProvider in src/components/provider.ts) through `providers`/`provider`, or set aws:allowedAccountIds in the stack's config to pin the default one."
                : 'Set allowedAccountIds: ["<this stack\'s account ID>"] on it (pinnedAwsProvider in src/components/provider.ts does).';
            const list = allowedAccounts(provider);
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
                report(
                    `${name} has allowedAccountIds ${show(decodeConfigValue(read(provider.props, "allowedAccountIds")))}, which is not a list of 12-digit account IDs. ${fix}`,
                    provider.urn,
                );
            } else if (accounts.size !== 1) {
                report(
                    `${name} allows ${accounts.size} accounts (${[...accounts].join(", ")}); each stack of this project deploys into exactly one account, so one mistaken profile could deploy it into another. ${fix}`,
                    provider.urn,
                );
            } else {
                const [account] = accounts;
                pinned.set(account, [...(pinned.get(account) ?? []), provider]);
            }
        }
        if (pinned.size < 2) return;
        // The stack's account is the one most resources deploy into; providers pinned elsewhere are the second account.
        const users = new Map<string, number>();
        for (const resource of view.resources) if (resource.provider) users.set(resource.provider.urn, (users.get(resource.provider.urn) ?? 0) + 1);
        const weight = (providers: readonly PolicyProviderResource[]) => providers.reduce((sum, p) => sum + (users.get(p.urn) ?? 0), 0);
        const [home] = [...pinned.entries()].sort((a, b) => weight(b[1]) - weight(a[1]))[0];
        const summary = [...pinned.entries()].map(([account, providers]) => `${account} (${providers.map((p) => `"${p.name}"`).join(", ")})`).join(", ");
        for (const [account, providers] of pinned) {
            if (account === home) continue;
            for (const provider of providers) {
                report(
                    `${providerName(provider)} is pinned to account ${account}, but this stack's other providers deploy into ${home} (providers by account: ${summary}). ` +
                        "Each stack of this project is one account's: resources in a second account escape that account's stack, its reviews and the policies that judge it by its role. " +
                        "Move them to the stack of that account.",
                    provider.urn,
                );
            }
        }
    },
});

/**
 * CloudFormation resource types that create what the pack's rules are about: endpoints and their
 * policies, security groups and their rules, instances and everything that launches them, network
 * interfaces, and RAM shares. Through aws-native, Cloud Control or a CloudFormation template, they
 * would bypass the rules, which read the AWS provider's resources.
 */
const CHECKED_KINDS = [
    "AWS::EC2::VPCEndpoint",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::SecurityGroupIngress",
    "AWS::EC2::Instance",
    "AWS::EC2::LaunchTemplate",
    "AWS::EC2::SpotFleet",
    "AWS::EC2::EC2Fleet",
    "AWS::EC2::NetworkInterface",
    "AWS::EC2::NetworkInterfaceAttachment",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::AutoScaling::LaunchConfiguration",
    "AWS::RAM::ResourceShare",
    "AWS::RAM::Permission",
] as const;

const KIND_BY_KEY = new Map(CHECKED_KINDS.map((kind) => [kind.slice("AWS::".length).toLowerCase(), kind]));

/** `aws-native:ec2:VpcEndpoint` → `AWS::EC2::VPCEndpoint` when it is one of the checked kinds. */
function nativeKind(type: string): string | undefined {
    const [, module, name] = type.split(":");
    return module && name ? KIND_BY_KEY.get(`${module}::${name}`.toLowerCase()) : undefined;
}

function kindOfTypeName(typeName: string): string | undefined {
    return KIND_BY_KEY.get(typeName.replace(/^AWS::/i, "").toLowerCase());
}

const TEMPLATE_TYPES = new Set<string>([
    T.cloudFormationStack,
    T.cloudFormationStackSet,
    "aws-native:cloudformation:Stack",
    "aws-native:cloudformation:StackSet",
]);

/** The checked kinds a CloudFormation template declares (JSON or YAML: the type names appear as text either way). */
function kindsInTemplate(body: string): string[] {
    const lower = body.toLowerCase();
    return CHECKED_KINDS.filter((kind) => new RegExp(`["'\\s]${kind.toLowerCase()}["'\\s]`).test(` ${lower} `));
}

const UNKNOWN_TEXT = "(unknown during preview)";

/** A template's text as far as known, what about it is unknown, or the URL it is fetched from. */
function templateOf(resource: PolicyResource): { body?: string; unknown?: string; url?: string } {
    const body = read(resource.props, "templateBody");
    if (isUnknown(body)) return { unknown: "its templateBody" };
    if (typeof body === "string" && body !== "") return { body };
    // aws-native takes the template as an object; unknowns inside it hide what it declares.
    if (isObj(body)) {
        const text = JSON.stringify(body, (_key, v: unknown) => (isUnknown(v) ? UNKNOWN_TEXT : v));
        return { body: text, ...(text.includes(UNKNOWN_TEXT) ? { unknown: "parts of its templateBody" } : {}) };
    }
    const url = read(resource.props, "templateUrl");
    if (isUnknown(url)) return { unknown: "its templateUrl" };
    return typeof url === "string" ? { url } : {};
}

export const endpointsSharesInstancesViaAwsProvider: StackValidationPolicy = withCheckedConfig({
    name: "endpoints-shares-instances-via-aws-provider",
    description:
        "VPC endpoints, security groups and their rules, instances and what launches them, network interfaces and RAM shares are declared through the AWS provider, where the pack's rules check them; not through aws-native, Cloud Control (aws.cloudcontrol.Resource) or a CloudFormation template, where they would go unchecked.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        const refuse = (resource: PolicyResource, what: string, how: string) =>
            report(
                `${label(resource)} creates ${what} ${how}, which the pack's rules (endpoint policy, security groups, ownership, sharing) do not read, so they would not check it. ` +
                    "Declare it with the AWS provider's own resource (aws.ec2.VpcEndpoint, aws.ec2.Instance, aws.ram.ResourceShare, …) instead.",
                resource.urn,
            );
        for (const resource of view.resources) {
            if (resource.type.startsWith("aws-native:")) {
                const kind = nativeKind(resource.type);
                if (kind) refuse(resource, kind, "through the aws-native (Cloud Control) provider");
                if (!TEMPLATE_TYPES.has(resource.type)) continue;
            }
            if (resource.type === T.cloudControlResource) {
                const typeName = read(resource.props, "typeName");
                if (isUnknown(typeName)) reportCannotCheck(report, `What ${label(resource)} creates ${untilKnown("its typeName")}.`, resource.urn);
                else if (typeof typeName === "string" && kindOfTypeName(typeName))
                    refuse(resource, kindOfTypeName(typeName) as string, "through the Cloud Control API");
                continue;
            }
            if (TEMPLATE_TYPES.has(resource.type)) {
                const template = templateOf(resource);
                const kinds = template.body !== undefined ? kindsInTemplate(template.body) : [];
                if (kinds.length > 0) refuse(resource, kinds.join(", "), "through a CloudFormation template");
                else if (template.unknown) reportCannotCheck(report, `What ${label(resource)} creates ${untilKnown(template.unknown)}.`, resource.urn);
                else if (template.url !== undefined) {
                    report(
                        `${label(resource)} deploys the CloudFormation template at ${template.url}, which the pack cannot read, so whatever endpoints, security groups, instances or shares it creates would go unchecked. ` +
                            "Pass the template as templateBody (the pack refuses only templates that create those), or declare those resources with the AWS provider.",
                        resource.urn,
                    );
                }
            }
        }
    },
});
