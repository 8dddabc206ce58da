import type { ReportViolation } from "@pulumi/policy";
import { shortType } from "./aws";

/** How messages name a resource: `VpcEndpoint "endpoints-guardduty-data"`. */
export function label(resource: { type: string; name: string }): string {
    return `${shortType(resource.type)} "${resource.name}"`;
}

/** The object form of a violation, with its own enforcement level. */
interface LeveledViolation {
    message: string;
    urn?: string;
    enforcementLevel: "advisory" | "mandatory";
}

function reportAt(report: ReportViolation, enforcementLevel: LeveledViolation["enforcementLevel"], message: string, urn?: string): void {
    const leveled: LeveledViolation = { message, enforcementLevel };
    if (urn !== undefined) leveled.urn = urn;
    (report as unknown as (violation: LeveledViolation) => void)(leveled);
}

/**
 * Reports a check that has to wait for values the engine does not know yet, at advisory level so
 * it informs without failing the preview. @pulumi/policy 1.21 accepts an object carrying its own
 * enforcement level (pulumi/pulumi-policy#424, not in its public typings yet): server.js turns it
 * into a diagnostic at that level, and the wire test holds that in place. The SDK's own fallback,
 * throwing on an unknown, would also be advisory but stops the whole policy, so the rest of the
 * stack would go unchecked.
 */
export function reportCannotCheck(report: ReportViolation, message: string, urn?: string): void {
    reportAt(report, "advisory", message, urn);
}

/**
 * Reports a refusal that must fail the preview even when the policy runs at advisory level
 * (invalid pack configuration): the same object form, at mandatory.
 */
export function reportRefused(report: ReportViolation, message: string, urn?: string): void {
    reportAt(report, "mandatory", message, urn);
}

/** "cannot be checked until <what> is known …", the wording every wait uses. */
export function untilKnown(what: string | readonly string[]): string {
    const list = typeof what === "string" ? [what] : what;
    const subject = list.length > 1 ? `${list.slice(0, -1).join(", ")} and ${list[list.length - 1]} are` : `${list[0]} is`;
    return `cannot be checked until ${subject} known: ${list.length > 1 ? "they are" : "it is"} computed during preview, and the pack checks again with real values when \`pulumi up\` analyzes the stack`;
}
