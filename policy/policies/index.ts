import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { agentManagementMatchesMode } from "./agentManagement";
import { guardDutyEndpointPolicyScoped, guardDutyEndpointPrivateDns, noVpcEndpointInParticipantStack } from "./endpoints";
import { endpointsSharesInstancesViaAwsProvider, stackAccountPinned } from "./providers";
import { endpointSecurityGroupsOwnedByStack, guardDutyEndpointSgHttpsOnly, participantInstancesUseOwnSecurityGroups } from "./securityGroups";
import { ramAssociationsIntoOwnShares, subnetShareOrgOnly } from "./sharing";

export {
    agentManagementMatchesMode,
    endpointsSharesInstancesViaAwsProvider,
    endpointSecurityGroupsOwnedByStack,
    guardDutyEndpointPolicyScoped,
    guardDutyEndpointPrivateDns,
    guardDutyEndpointSgHttpsOnly,
    noVpcEndpointInParticipantStack,
    participantInstancesUseOwnSecurityGroups,
    ramAssociationsIntoOwnShares,
    stackAccountPinned,
    subnetShareOrgOnly,
};

export type GuardDutyPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** Every policy of the pack, in the order of the issue; `policy/index.ts` serves exactly these. */
export const allPolicies: readonly GuardDutyPolicy[] = [
    noVpcEndpointInParticipantStack,
    endpointSecurityGroupsOwnedByStack,
    guardDutyEndpointPrivateDns,
    guardDutyEndpointPolicyScoped,
    guardDutyEndpointSgHttpsOnly,
    subnetShareOrgOnly,
    participantInstancesUseOwnSecurityGroups,
    stackAccountPinned,
    ramAssociationsIntoOwnShares,
    endpointsSharesInstancesViaAwsProvider,
    agentManagementMatchesMode,
];
