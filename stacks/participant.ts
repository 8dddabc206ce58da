import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../src/config/errors";
import { architectureOf, Architecture, checkAgainstOwner, ParticipantConfig, parseParticipantConfig } from "../src/config/participant";
import { OwnerOutputs, ParticipantOutputs, StackOutputs } from "guardduty-shared-vpc-contract";
import { qualifiedStackName, readStackOutputs } from "../src/stackReference";
import { CoverageForwarding } from "../src/components/coverageEvents";
import { MonitoredInstances } from "../src/components/monitoredInstances";
import { pinnedAwsProvider } from "../src/components/provider";
import type { StackProgramContext } from "../src/program";
import { roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

/** A participant account: instances in the owner's shared subnets, with GuardDuty's agent. */
export class Participant extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<ParticipantOutputs>;

    constructor(name: string, config: ParticipantConfig, owner: OwnerOutputs, opts?: pulumi.ComponentResourceOptions) {
        super(roleComponentType("participant"), name, {}, opts);

        // Without RAM sharing enabled for the organization, account principals get an invitation
        // that must be accepted before the owner's VPC is visible here.
        const accepter = config.acceptShareInvitation
            ? new aws.ram.ResourceShareAccepter("owner-share", { shareArn: owner.resourceShareArn }, { parent: this })
            : undefined;

        // checkAgainstOwner has made sure every named subnet is one the owner shares.
        const subnetByName = new Map(owner.sharedSubnets.map((subnet) => [subnet.name, subnet]));
        const subnets = config.instances.map((instance) => subnetByName.get(instance.subnet)!);
        const workloads = new MonitoredInstances(
            "workloads",
            {
                region: config["aws:region"],
                vpcId: owner.vpcId,
                agentManagement: owner.agentManagement,
                instances: config.instances.map((instance, index) => ({
                    name: instance.name,
                    subnetId: subnets[index].id,
                    instanceType: instance.instanceType,
                    architecture: architectureOf(instance.instanceType) as Architecture,
                    ami: instance.ami,
                    monitored: instance.monitored,
                })),
            },
            { parent: this, dependsOn: accepter ? [accepter] : [] },
        );

        // GuardDuty publishes this account's coverage events on this account's bus; the audit account alerts on them.
        new CoverageForwarding("coverage-events", { coverageEventBusArn: owner.coverageEventBusArn }, { parent: this });

        this.outputs = {
            participantAccountId: config.accountId,
            region: config["aws:region"],
            ownerStack: qualifiedStackName(config.ownerStack),
            agentManagement: owner.agentManagement,
            instanceIds: workloads.instances.filter(({ spec }) => spec.monitored).map(({ instance }) => instance.id),
            // MonitoredInstances keeps the order of config.instances.
            instances: workloads.instances.map(({ spec, instance }, index) => ({
                name: spec.name,
                id: instance.id,
                subnet: subnets[index].name,
                azId: subnets[index].azId,
                monitored: spec.monitored,
            })),
            instanceSecurityGroupId: workloads.securityGroup.id,
            // Absent rather than undefined: Pulumi warns about undefined stack outputs.
            ...(workloads.agentAssociation ? { agentAssociationId: workloads.agentAssociation.associationId } : {}),
        };
        this.registerOutputs(this.outputs);
    }
}

export async function participantProgram({ stack, raw }: StackProgramContext): Promise<StackOutputs<ParticipantOutputs>> {
    const config = parseParticipantConfig(stack, raw);
    const owner = await readStackOutputs({ stack, key: "ownerStack", referenced: config.ownerStack, role: "owner" });
    const problems = checkAgainstOwner(config, owner);
    if (problems.length > 0) throw new ConfigError(stack, problems);
    const provider = pinnedAwsProvider(stack, config);
    return new Participant(stack, config, owner, { providers: [provider] }).outputs;
}
