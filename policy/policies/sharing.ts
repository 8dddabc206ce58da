import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/aws";
import { NO_CONFIG, withCheckedConfig } from "../lib/config";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { stackView } from "../lib/stack";
import { isUnknown, read, show } from "../lib/values";
import { ofType } from "./scope";

export const subnetShareOrgOnly: ResourceValidationPolicy = withCheckedConfig({
    name: "subnet-share-org-only",
    description: "Every RAM resource share has allowExternalPrincipals: false, so the shared subnets never leave the organization.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateResource: ofType(T.resourceShare, (args, report) => {
        const value = read(args.props, "allowExternalPrincipals");
        if (value === false) return;
        if (isUnknown(value)) {
            reportCannotCheck(report, `Whether ${label(args)} stays inside the organization ${untilKnown("allowExternalPrincipals")}.`);
            return;
        }
        report(
            `${label(args)} has allowExternalPrincipals ${show(value)}. ` +
                (value === true
                    ? "With it, RAM lets the share invite principals outside the organization, so a mistyped account ID hands the VPC's subnets to a stranger's account. "
                    : "Unset, it rests on a default (the RAM API's is true); state it. ") +
                "Set allowExternalPrincipals: false and share with organization accounts, OUs or the organization ARN.",
        );
    }),
});

const ASSOCIATION_TYPES = [T.resourceAssociation, T.principalAssociation] as const;

export const ramAssociationsIntoOwnShares: StackValidationPolicy = withCheckedConfig({
    name: "ram-associations-into-own-shares",
    description:
        "Every RAM resource or principal association goes into a resource share created in the same stack, whose settings subnet-share-org-only checks.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const type of ASSOCIATION_TYPES) {
            for (const association of view.ofType(type)) {
                const arn = read(association.props, "resourceShareArn");
                const share =
                    view.referenced(association, "resourceShareArn", T.resourceShare, arn) ??
                    (typeof arn === "string" ? view.find(T.resourceShare, arn, "arn") : undefined);
                if (share) continue;
                const deps = association.propertyDependencies.resourceShareArn ?? [];
                if (isUnknown(arn) && deps.length === 0) {
                    reportCannotCheck(report, `Which resource share ${label(association)} adds to ${untilKnown("its resourceShareArn")}.`, association.urn);
                    continue;
                }
                const origin = deps.length > 0 ? `taken from ${deps.map(label).join(" and ")}` : "not a ResourceShare of this stack";
                const adds = type === T.resourceAssociation ? "shares a resource through" : "adds a principal to";
                report(
                    `${label(association)} ${adds} resource share ${show(arn)} (${origin}). ` +
                        "A share this stack did not create is someone else's: this stack cannot vouch that it stays inside the organization (subnet-share-org-only checks only the shares it declares), nor who else it already reaches. " +
                        "Create the share in this stack (allowExternalPrincipals: false) and associate with it.",
                    association.urn,
                );
            }
        }
    },
});
