/**
 * The names downstream code shares with the stacks: the project, the account roles, and
 * GuardDuty's agent-management vocabulary. Plain constants, free of Pulumi, so a program can
 * branch on them before it registers anything.
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
