/**
 * The names downstream code shares with the stacks: the project, the account roles,
 * GuardDuty's agent-management vocabulary, and the partition facts its endpoint depends on.
 * Plain constants and functions, free of Pulumi, so a program (and the policy pack) can branch on
 * them before it registers anything.
 */

/** The Pulumi project that publishes this contract; also the namespace of its config keys. */
export const PROJECT = "guardduty-shared-vpc";

/** The kinds of account the project deploys into, one stack per account; every stack publishes its own as output `role`. */
export const ROLES = ["management", "audit", "owner", "participant"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
    return (ROLES as readonly unknown[]).includes(value);
}

/**
 * How GuardDuty's runtime agent reaches EC2 instances, one choice for the whole organization
 * (declared by the audit stack, passed on by the owner): `automated` (GuardDuty installs the
 * agent through its own SSM association) or `manual` (each account runs GuardDuty's SSM
 * document itself). Never both.
 */
export const AGENT_MANAGEMENT_MODES = ["automated", "manual"] as const;
export type AgentManagement = (typeof AGENT_MANAGEMENT_MODES)[number];

export function isAgentManagement(value: unknown): value is AgentManagement {
    return (AGENT_MANAGEMENT_MODES as readonly unknown[]).includes(value);
}

/**
 * GuardDuty reads this tag (through instance metadata) to include (`true`) or exclude (`false`)
 * an instance. Under `manual` management, `true` hands the instance to GuardDuty's own installer
 * beside yours: never set it then.
 */
export const GUARDDUTY_MANAGED_TAG = "GuardDutyManaged";

/** The SSM document that installs the agent under `manual` management, and the package it installs. */
export const AGENT_SSM_DOCUMENT = "AmazonGuardDuty-ConfigureRuntimeMonitoringSsmPlugin";
export const AGENT_PACKAGE = "AmazonGuardDuty-RuntimeMonitoringSsmPlugin";

/** The parameters of an SSM association of AGENT_SSM_DOCUMENT that installs the latest agent. */
export const AGENT_INSTALL_PARAMETERS: Readonly<Record<"action" | "name", string>> = Object.freeze({ action: "Install", name: AGENT_PACKAGE });

/**
 * The stack name's part before its first dash names its role (`participant-b`, `participant-eu`
 * are participants), unless the stack's config says `role`. Undefined when that part is no role.
 */
export function roleFromStackName(stack: string): Role | undefined {
    const candidate = stack.split("-")[0];
    return isRole(candidate) ? candidate : undefined;
}

/** Component type tokens are `<project>:<module>:<Type>`, so every one the stacks register is recognisably ours. */
export function componentType(module: string, type: string): string {
    return `${PROJECT}:${module}:${type}`;
}

/** The module of the one component each stack registers for its role: `guardduty-shared-vpc:stacks:Owner`, … */
export const ROLE_COMPONENT_MODULE = "stacks";

export function roleComponentType(role: Role): string {
    return componentType(ROLE_COMPONENT_MODULE, `${role[0].toUpperCase()}${role.slice(1)}`);
}

/** The organization name the self-managed (DIY) backends, `pulumi login --local` and S3, give every stack. */
export const DIY_ORGANIZATION = "organization";

/**
 * The AWS partition a region belongs to (`aws`, `aws-cn`, `aws-us-gov`, …): ARNs, and which
 * GuardDuty features exist and under which endpoint names, differ between partitions. A region
 * this does not recognise is taken as commercial (`aws`), where AWS launches new regions.
 */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    if (region.startsWith("us-isof-")) return "aws-iso-f";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("eu-isoe-")) return "aws-iso-e";
    if (region.startsWith("eusc-")) return "aws-eusc";
    return "aws";
}

/**
 * Partitions where GuardDuty exists but its Runtime Monitoring does not, each with AWS's words
 * for it. China: "Runtime Monitoring (including EKS Runtime Monitoring) is not supported in the
 * China Regions" ("Getting Started with Amazon Web Services in China", Amazon GuardDuty).
 */
export const RUNTIME_MONITORING_UNAVAILABLE: Readonly<Record<string, string>> = Object.freeze({
    "aws-cn": "Runtime Monitoring (including EKS Runtime Monitoring) is not supported in the China Regions",
});

/** Why Runtime Monitoring is unavailable in `region` (AWS's words), or undefined where it is offered. */
export function runtimeMonitoringUnavailableIn(region: string): string | undefined {
    return RUNTIME_MONITORING_UNAVAILABLE[partitionOf(region)];
}

const ENDPOINT_SERVICE_PREFIX = "com.amazonaws.";

/** An AWS service's VPC endpoint service name in a region: `com.amazonaws.<region>.<service>`. */
export function endpointServiceName(region: string, service: string): string {
    return `${ENDPOINT_SERVICE_PREFIX}${region}.${service}`;
}

/** The region and service of an endpoint service name endpointServiceName writes, or undefined for any other shape. */
export function parseEndpointServiceName(name: string): { region: string; service: string } | undefined {
    if (!name.startsWith(ENDPOINT_SERVICE_PREFIX)) return undefined;
    const rest = name.slice(ENDPOINT_SERVICE_PREFIX.length);
    const dot = rest.indexOf(".");
    const region = rest.slice(0, dot);
    const service = rest.slice(dot + 1);
    return dot > 0 && service !== "" && /^[a-z0-9-]+$/.test(region) ? { region, service } : undefined;
}

/** The VPC endpoint service GuardDuty's runtime agent reports through, outside AWS GovCloud (US). */
export const GUARDDUTY_DATA_SERVICE = "guardduty-data";
/**
 * Its name in AWS GovCloud (US), where the plain one does not exist: "the Service name in the AWS
 * GovCloud (US) Region should be com.amazonaws.us-gov-east-1.guardduty-data-fips" (AWS GovCloud
 * (US) User Guide, "Amazon GuardDuty in AWS GovCloud (US)").
 */
export const GUARDDUTY_DATA_FIPS_SERVICE = "guardduty-data-fips";

/** Both variants, for recognising a guardduty-data endpoint whichever one it names. */
export const GUARDDUTY_DATA_SERVICES: readonly string[] = Object.freeze([GUARDDUTY_DATA_SERVICE, GUARDDUTY_DATA_FIPS_SERVICE]);

/**
 * The service of the endpoint GuardDuty's runtime agent reports through in `region`; the agent
 * resolves that service's private DNS name (`guardduty-data.<region>.amazonaws.com` outside
 * GovCloud), so an endpoint for the other variant never receives its traffic. Only meaningful
 * where Runtime Monitoring is offered (see runtimeMonitoringUnavailableIn).
 */
export function guardDutyDataService(region: string): string {
    return partitionOf(region) === "aws-us-gov" ? GUARDDUTY_DATA_FIPS_SERVICE : GUARDDUTY_DATA_SERVICE;
}

/** `com.amazonaws.<region>.guardduty-data`, or `…guardduty-data-fips` in GovCloud: the endpoint a manually managed agent needs. */
export function guardDutyDataServiceName(region: string): string {
    return endpointServiceName(region, guardDutyDataService(region));
}
