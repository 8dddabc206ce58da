import { contractMetadata } from "guardduty-shared-vpc-contract/schemas";
import { fullyQualifiedStackName } from "../tools/offline/stacks";

/**
 * The audit stack an owner reads, as the backend would serve it after `pulumi up`: manual agent
 * management, so the owner under measurement creates its guardduty-data endpoint too.
 */
export const PUBLISHED_AUDIT: ReadonlyMap<string, Record<string, unknown>> = new Map([
    [
        fullyQualifiedStackName("audit"),
        {
            agentManagement: "manual",
            detectorId: "0123456789abcdef0123456789abcdef",
            findingsKmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/bench",
            findingsTopicArn: "arn:aws:sns:us-east-1:222222222222:bench",
            coverageEventBusArn: "arn:aws:events:us-east-1:222222222222:event-bus/guardduty-coverage",
            ...contractMetadata("audit"),
        },
    ],
]);
