import { partitionOf, runtimeMonitoringUnavailableIn } from "guardduty-shared-vpc-contract/vocabulary";
import type { Role } from "./roles";

/**
 * What each role does that needs GuardDuty Runtime Monitoring in its regions, for the message
 * that refuses a region without it; undefined for a role that needs none.
 *
 * management is not refused: it only designates the delegated administrator and turns on RAM
 * sharing, and both exist where Runtime Monitoring does not (GuardDuty runs in the China Regions,
 * without Runtime Monitoring). Delegating there is a working step of its own; the audit stack
 * that would turn Runtime Monitoring on in those regions is the one refused.
 */
const RUNTIME_MONITORING_USE: Readonly<Record<Role, string | undefined>> = {
    management: undefined,
    audit: "turns its RUNTIME_MONITORING feature on, on the detector and for the organization, in every region it governs",
    owner: "exists for the guardduty-data endpoint its agents report through, its own under manual agent management or GuardDuty's under automated",
    participant: "installs its agent on the instances",
};

/**
 * Why `region` cannot host this role's stack, phrased as a ConfigProblem's `expected`, or undefined.
 * `remedy` says what to do with the key that holds the region.
 */
export function runtimeMonitoringRegionProblem(role: Role, region: string, remedy: string): string | undefined {
    const use = RUNTIME_MONITORING_USE[role];
    const unavailable = runtimeMonitoringUnavailableIn(region);
    if (use === undefined || unavailable === undefined) return undefined;
    return `a region where GuardDuty offers Runtime Monitoring (this ${role} stack ${use}): ${region} is in partition ${partitionOf(region)}, where ${unavailable}. ${remedy}`;
}

/** The remedy for a stack's own region (aws:region). */
export const MOVE_STACK_REMEDY =
    "Deploy the audit, owner and participant stacks in a commercial or AWS GovCloud (US) region (GuardDuty itself runs in China, and a management stack may still delegate it there)";
