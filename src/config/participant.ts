import { z } from "zod";
import type { OwnerOutputs } from "guardduty-shared-vpc-contract/schemas";
import { ConfigProblem } from "./errors";
import { configKey, parseStackConfig, RawConfig } from "./load";
import { flag, json, resourceName, retired, stackName } from "./primitives";
const INSTANCE_TYPE_EXPECTED = "an EC2 instance type such as t3.small or m7g.large";
const AMI_EXPECTED = "an AMI ID such as ami-0123456789abcdef0 (omit it for the latest Amazon Linux 2023)";

export const DEFAULT_INSTANCE_TYPE = "t3.small";

const instanceSchema = z.object(
    {
        name: resourceName,
        subnet: z.string({ error: "the name of a subnet the owner shares (see the owner's sharedSubnets output)" }),
        instanceType: z.string({ error: INSTANCE_TYPE_EXPECTED }).regex(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, { error: INSTANCE_TYPE_EXPECTED }).default(DEFAULT_INSTANCE_TYPE),
        ami: z.string({ error: AMI_EXPECTED }).regex(/^ami-[0-9a-f]{8,17}$/, { error: AMI_EXPECTED }).optional(),
        /** False leaves the instance out of Runtime Monitoring, in whichever way the organization's mode allows. */
        monitored: z.boolean({ error: "true or false (false leaves the instance out of Runtime Monitoring)" }).default(true),
    },
    { error: "an instance: { name, subnet, instanceType?, ami?, monitored? }" },
);

export const participantShape = {
    ownerStack: stackName,
    instances: json(z.array(instanceSchema, { error: "a list of instances: [{ name, subnet, instanceType?, ami?, monitored? }, …]" }), []),
    agent: retired("the agent follows the organization's agentManagement, read from the owner stack (set it in the audit stack); remove agent, and use monitored: false on an instance to leave it out"),
    acceptShareInvitation: flag(false),
};

export type Architecture = "x86_64" | "arm64";

/**
 * The CPU architecture of an instance type, to pick a matching AMI. Graviton types carry a `g`
 * in their attributes (t4g, m7g, c7gn, im4gn); GuardDuty's agent supports Graviton2 and later,
 * so the first-generation `a1` is refused rather than guessed.
 */
export function architectureOf(instanceType: string): Architecture | { unsupported: string } {
    const match = /^([a-z]+)(\d+)([a-z-]*)\./.exec(instanceType);
    if (!match) return "x86_64";
    const [, family, generation, attributes] = match;
    if (family === "a" && generation === "1") return { unsupported: "a Graviton2-or-later or x86_64 type (GuardDuty's runtime agent does not support a1 instances)" };
    if (family === "mac") return { unsupported: "a Linux instance type (GuardDuty's runtime agent runs on Linux only)" };
    return attributes.includes("g") && family !== "g" ? "arm64" : "x86_64";
}

type ParticipantShapeConfig = z.infer<z.ZodObject<typeof participantShape>>;

function participantCrossCheck(config: ParticipantShapeConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const seen = new Map<string, number>();
    config.instances.forEach((instance, index) => {
        const earlier = seen.get(instance.name);
        if (earlier !== undefined) problems.push({ key: configKey("instances", index, "name"), value: instance.name, expected: `a name not already used by instances[${earlier}]` });
        else seen.set(instance.name, index);
        const arch = architectureOf(instance.instanceType);
        if (typeof arch === "object") problems.push({ key: configKey("instances", index, "instanceType"), value: instance.instanceType, expected: arch.unsupported });
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
    const shared = new Set(owner.sharedSubnets.map((subnet) => subnet.name));
    config.instances.forEach((instance, index) => {
        if (!shared.has(instance.subnet)) {
            const names = [...shared].join(", ") || "none";
            problems.push({ key: configKey("instances", index, "subnet"), value: instance.subnet, expected: `a subnet ${config.ownerStack} shares: ${names}` });
        }
    });
    return problems;
}
