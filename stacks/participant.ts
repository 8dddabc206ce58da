import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../src/config/errors";
import { configKey } from "../src/config/load";
import { architectureOf, Architecture, checkAgainstOwner, ParticipantConfig, parseParticipantConfig } from "../src/config/participant";
import { OwnerOutputs, ownerOutputsSchema, ParticipantOutputs, REQUIRED_OWNER_OUTPUTS, StackOutputs } from "../src/contract";
import { MonitoredInstances } from "../src/components/monitoredInstances";
import { pinnedAwsProvider } from "../src/components/provider";
import type { StackProgramContext } from "../src/program";

/**
 * Reads the owner's outputs and checks them before anything else is registered: a missing
 * output means the owner has not been deployed yet, which `requireOutput` would only report
 * mid-deployment without saying what to do.
 */
export async function readOwnerOutputs(stack: string, ownerStack: string): Promise<OwnerOutputs> {
    const key = configKey("ownerStack");
    const reference = new pulumi.StackReference(ownerStack);
    const values: Record<string, unknown> = {};
    try {
        for (const name of Object.keys(ownerOutputsSchema.shape)) {
            const details = await reference.getOutputDetails(name);
            values[name] = details.value ?? details.secretValue;
        }
    } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new ConfigError(stack, [{ key, value: ownerStack, expected: `a stack Pulumi can read on this backend (reading it failed: ${reason})` }]);
    }
    const missing = REQUIRED_OWNER_OUTPUTS.filter((name) => values[name] === undefined);
    if (missing.length > 0) {
        throw new ConfigError(stack, [{
            key,
            value: ownerStack,
            expected: `a deployed owner stack, but it has no output ${missing.join(", ")}: run \`pulumi up\` on the owner stack first`,
        }]);
    }
    const parsed = ownerOutputsSchema.safeParse(values);
    if (!parsed.success) {
        const problems = parsed.error.issues.map((issue) => ({
            key,
            value: ownerStack,
            expected: `owner outputs that follow the contract, but ${issue.path.join(".")} is malformed (${issue.message}); is ${ownerStack} really an owner stack of this project?`,
        }));
        throw new ConfigError(stack, problems);
    }
    return parsed.data;
}

/** A participant account: instances in the owner's shared subnets, with GuardDuty's agent. */
export class Participant extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<ParticipantOutputs>;

    constructor(name: string, config: ParticipantConfig, owner: OwnerOutputs, opts?: pulumi.ComponentResourceOptions) {
        super("guardduty-shared-vpc:stacks:Participant", name, {}, opts);

        // Without RAM sharing enabled for the organization, account principals get an invitation
        // that must be accepted before the owner's VPC is visible here.
        const accepter = config.acceptShareInvitation
            ? new aws.ram.ResourceShareAccepter("owner-share", { shareArn: owner.resourceShareArn }, { parent: this })
            : undefined;

        // checkAgainstOwner has made sure every named subnet is one the owner shares.
        const subnetByName = new Map(owner.sharedSubnets.map((subnet) => [subnet.name, subnet]));
        const subnets = config.instances.map((instance) => subnetByName.get(instance.subnet)!);
        const workloads = new MonitoredInstances("workloads", {
            region: config["aws:region"],
            vpcId: owner.vpcId,
            agent: config.agent,
            instances: config.instances.map((instance, index) => ({
                name: instance.name,
                subnetId: subnets[index].id,
                instanceType: instance.instanceType,
                architecture: architectureOf(instance.instanceType) as Architecture,
                ami: instance.ami,
            })),
        }, { parent: this, dependsOn: accepter ? [accepter] : [] });

        this.outputs = {
            participantAccountId: config.accountId,
            region: config["aws:region"],
            ownerStack: config.ownerStack,
            instanceIds: workloads.instances.map(({ instance }) => instance.id),
            // MonitoredInstances keeps the order of config.instances.
            instances: workloads.instances.map(({ spec, instance }, index) => ({ name: spec.name, id: instance.id, subnet: subnets[index].name, azId: subnets[index].azId })),
            instanceSecurityGroupId: workloads.securityGroup.id,
            // Absent rather than undefined: Pulumi warns about undefined stack outputs.
            ...(workloads.agentAssociation ? { agentAssociationId: workloads.agentAssociation.associationId } : {}),
        };
        this.registerOutputs(this.outputs);
    }
}

export async function participantProgram({ stack, raw }: StackProgramContext): Promise<StackOutputs<ParticipantOutputs>> {
    const config = parseParticipantConfig(stack, raw);
    const owner = await readOwnerOutputs(stack, config.ownerStack);
    const problems = checkAgainstOwner(config, owner);
    if (problems.length > 0) throw new ConfigError(stack, problems);
    const provider = pinnedAwsProvider(stack, config);
    return new Participant(stack, config, owner, { providers: [provider] }).outputs;
}
