import { z } from "zod";
import type { OwnerOutputs } from "guardduty-shared-vpc-contract/schemas";
import { ConfigProblem } from "./errors";
import { configKey, parseStackConfig, RawConfig } from "./load";
import { architectureOf } from "./instanceTypes";
import { closedObject, flag, json, resourceName, retired, stackName, textFromCli } from "./primitives";
const INSTANCE_TYPE_EXPECTED = "an EC2 instance type such as t3.small or m7g.large";
const AMI_EXPECTED = "an AMI ID such as ami-0123456789abcdef0 (omit it for the latest Amazon Linux 2023)";

export const DEFAULT_INSTANCE_TYPE = "t3.small";

const instanceSchema = closedObject(
    {
        name: resourceName,
        subnet: textFromCli(z.string({ error: "the name of a subnet the owner shares (see the owner's sharedSubnets output)" })),
        instanceType: z
            .string({ error: INSTANCE_TYPE_EXPECTED })
            .regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: INSTANCE_TYPE_EXPECTED })
            .default(DEFAULT_INSTANCE_TYPE),
        ami: z
            .string({ error: AMI_EXPECTED })
            .regex(/^ami-[0-9a-f]{8,17}$/, { error: AMI_EXPECTED })
            .optional(),
        /** False leaves the instance out of Runtime Monitoring, in whichever way the organization's mode allows. */
        monitored: z.boolean({ error: "true or false (false leaves the instance out of Runtime Monitoring)" }).default(true),
    },
    "an instance",
    "an instance: { name, subnet, instanceType?, ami?, monitored? }",
);

export const participantShape = {
    ownerStack: stackName,
    instances: json(z.array(instanceSchema, { error: "a list of instances: [{ name, subnet, instanceType?, ami?, monitored? }, …]" }), []),
    agent: retired(
        "the agent follows the organization's agentManagement, read from the owner stack (set it in the audit stack); remove agent, and use monitored: false on an instance to leave it out",
    ),
    acceptShareInvitation: flag(false),
};

export { architectureOf, type Architecture } from "./instanceTypes";

type ParticipantShapeConfig = z.infer<z.ZodObject<typeof participantShape>>;

function participantCrossCheck(config: ParticipantShapeConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const seen = new Map<string, number>();
    config.instances.forEach((instance, index) => {
        const earlier = seen.get(instance.name);
        if (earlier !== undefined)
            problems.push({ key: configKey("instances", index, "name"), value: instance.name, expected: `a name not already used by instances[${earlier}]` });
        else seen.set(instance.name, index);
        const arch = architectureOf(instance.instanceType);
        if (typeof arch === "object")
            problems.push({ key: configKey("instances", index, "instanceType"), value: instance.instanceType, expected: arch.unsupported });
    });
    return problems;
}

export function parseParticipantConfig(stack: string, raw: RawConfig) {
    return parseStackConfig(stack, "participant", raw, participantShape, participantCrossCheck);
}

export type ParticipantConfig = ReturnType<typeof parseParticipantConfig>;

/**
 * What a participant can only check once it has read the owner's outputs: that the owner
 * deployed, lives in the same region, and shares every subnet an instance names.
 */
export function checkAgainstOwner(config: ParticipantConfig, owner: OwnerOutputs): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    if (owner.region !== config["aws:region"]) {
        problems.push({ key: "aws:region", value: config["aws:region"], expected: `${owner.region}, the owner's region (shared subnets are regional)` });
    }
    if (owner.ownerAccountId === config.accountId) {
        problems.push({
            key: configKey("accountId"),
            value: config.accountId,
            expected: `a participant account, not ${config.ownerStack}'s own account ${owner.ownerAccountId} (an account cannot be shared its own subnets: deploy this participant into one of the accounts the owner shares with)`,
        });
    } else if (
        owner.shareWith !== undefined &&
        owner.shareWith.every((principal) => /^\d{12}$/.test(principal)) &&
        !owner.shareWith.includes(config.accountId)
    ) {
        // With OU or organization principals the accounts they hold are not known here.
        problems.push({
            key: configKey("accountId"),
            value: config.accountId,
            expected: `an account ${config.ownerStack} shares its subnets with (${owner.shareWith.join(", ") || "none"}): add ${config.accountId} to the owner's shareWith and run \`pulumi up\` on the owner first`,
        });
    }
    const shared = new Set(owner.sharedSubnets.map((subnet) => subnet.name));
    config.instances.forEach((instance, index) => {
        if (!shared.has(instance.subnet)) {
            const names = [...shared].join(", ") || "none";
            problems.push({ key: configKey("instances", index, "subnet"), value: instance.subnet, expected: `a subnet ${config.ownerStack} shares: ${names}` });
        }
    });
    return problems;
}
