import type { ResourceValidationPolicy } from "@pulumi/policy";
import { T } from "../lib/aws";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { isUnknown, read, show } from "../lib/values";
import { ofType } from "./scope";

export const subnetShareOrgOnly: ResourceValidationPolicy = {
    name: "subnet-share-org-only",
    description: "Every RAM resource share has allowExternalPrincipals: false, so the shared subnets never leave the organization.",
    enforcementLevel: "mandatory",
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
};
