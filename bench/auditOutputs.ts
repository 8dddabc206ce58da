import { fullyQualifiedStackName } from "../tools/offline/stacks";
import { publishedAuditOutputs } from "../tools/offline/publishedOutputs";

/**
 * The audit stack an owner reads, as the backend would serve it after `pulumi up`: manual agent
 * management, so the owner under measurement creates its guardduty-data endpoint too.
 */
export const PUBLISHED_AUDIT: ReadonlyMap<string, Record<string, unknown>> = new Map([
    [fullyQualifiedStackName("audit"), { ...publishedAuditOutputs("manual") }],
]);
