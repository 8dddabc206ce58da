import { contractMetadata, type PublishedOutputs } from "guardduty-shared-vpc-contract";
import type { AgentManagement } from "guardduty-shared-vpc-contract/vocabulary";

/** The coverage event bus of the example audit stack (account 222222222222, us-east-1). */
export const COVERAGE_EVENT_BUS_ARN = "arn:aws:events:us-east-1:222222222222:event-bus/guardduty-coverage";

/**
 * An audit stack's outputs as the backend serves them after `pulumi up`, for runs of an owner
 * without its audit stack (tests, bench): every output the contract requires, in the example
 * audit account.
 */
export function publishedAuditOutputs(agentManagement: AgentManagement): PublishedOutputs<"audit"> {
    return {
        agentManagement,
        detectorId: "0123456789abcdef0123456789abcdef",
        findingsKmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/11111111-2222-3333-4444-555555555555",
        findingsTopicArn: "arn:aws:sns:us-east-1:222222222222:guardduty-findings",
        coverageEventBusArn: COVERAGE_EVENT_BUS_ARN,
        ...contractMetadata("audit"),
    };
}
