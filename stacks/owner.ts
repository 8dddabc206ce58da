import * as pulumi from "@pulumi/pulumi";
import { AgentManagement, ownerCreatesGuardDutyEndpoint } from "../src/agentManagement";
import { ConfigError } from "../src/config/errors";
import { checkAgainstMode, OwnerConfig, parseOwnerConfig } from "../src/config/owner";
import { auditOutputsSchema, OwnerOutputs, StackOutputs } from "guardduty-shared-vpc-contract";
import { CoverageForwarding } from "../src/components/coverageEvents";
import { adoptExistingNetwork } from "../src/components/existingNetwork";
import { pinnedAwsProvider } from "../src/components/provider";
import { ServiceEndpoints } from "../src/components/serviceEndpoints";
import { NetworkPlan, SharedVpc } from "../src/components/sharedVpc";
import { guardDutyEndpointPolicy, oneSubnetPerAz } from "../src/net/endpoint";
import type { StackProgramContext } from "../src/program";
import { readStackOutputs } from "../src/stackReference";
import { roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

/** The owner's config with its network resolved: what to create, or the existing one as AWS reports it. */
export type ResolvedOwnerConfig = Omit<OwnerConfig, "network"> & { network: NetworkPlan };

/** The VPC owner's account: the VPC, the subnets it shares through RAM, and the endpoints they use. */
export class Owner extends pulumi.ComponentResource {
    readonly outputs: StackOutputs<OwnerOutputs>;

    constructor(
        name: string,
        config: ResolvedOwnerConfig,
        agentManagement: AgentManagement,
        coverageEventBusArn: string,
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super(roleComponentType("owner"), name, {}, opts);
        const createGuardDutyEndpoint = ownerCreatesGuardDutyEndpoint(agentManagement);

        const network = new SharedVpc(
            "network",
            {
                network: config.network,
                principals: config.shareWith.map((principal) => principal.value),
            },
            { parent: this },
        );

        const shared = network.subnets.filter((entry) => entry.spec.share);
        const endpointSubnets = oneSubnetPerAz(shared.map((entry) => ({ azId: entry.spec.azId, id: entry.id })));
        const endpoints =
            createGuardDutyEndpoint || config.ssmEndpoints
                ? new ServiceEndpoints(
                      "endpoints",
                      {
                          region: config["aws:region"],
                          vpcId: network.vpcId,
                          vpcCidrs: network.cidrBlocks,
                          subnetIds: endpointSubnets.map((entry) => entry.id),
                          guardDutyEndpointPolicy: createGuardDutyEndpoint
                              ? guardDutyEndpointPolicy(
                                    config.endpointPolicyScope === "organization"
                                        ? { kind: "organization", organizationId: config.organizationId }
                                        : {
                                              kind: "accounts",
                                              accountIds: [config.accountId, ...config.shareWith.filter((p) => p.kind === "account").map((p) => p.value)],
                                          },
                                )
                              : undefined,
                          ssm: config.ssmEndpoints,
                          routeTableIds: network.sharedRouteTableIds,
                      },
                      { parent: this },
                  )
                : undefined;

        // GuardDuty publishes coverage events in the account of the resource: the owner's own
        // workloads (e.g. ECS or EKS on automated agent configuration) alert only through this.
        new CoverageForwarding("coverage-events", { coverageEventBusArn }, { parent: this });

        this.outputs = {
            ownerAccountId: config.accountId,
            region: config["aws:region"],
            vpcId: network.vpcId,
            vpcCidr: network.cidrBlocks[0],
            sharedSubnets: shared.map(({ spec, id, arn }) => ({ name: spec.name, id, arn, azId: spec.azId, cidr: spec.cidr })),
            sharedSubnetIds: shared.map(({ id }) => id),
            resourceShareArn: network.resourceShare.arn,
            agentManagement,
            shareWith: config.shareWith.map((principal) => principal.value),
            coverageEventBusArn,
            // Absent rather than undefined: Pulumi warns about undefined stack outputs.
            ...(endpoints?.guardDutyEndpoint
                ? { guardDutyEndpointId: endpoints.guardDutyEndpoint.id, guardDutyEndpointSecurityGroupId: endpoints.securityGroup.id }
                : {}),
        };
        this.registerOutputs(this.outputs);
    }
}

/** What an owner reads from the audit stack: the mode and where coverage events go, so nothing else there can break it. */
const auditOutputsForOwnerSchema = auditOutputsSchema.pick({ agentManagement: true, coverageEventBusArn: true });

export async function ownerProgram({ stack, raw }: StackProgramContext): Promise<StackOutputs<OwnerOutputs>> {
    const config = parseOwnerConfig(stack, raw);
    const audit = await readStackOutputs({ stack, key: "auditStack", referenced: config.auditStack, role: "audit", schema: auditOutputsForOwnerSchema });
    const problems = checkAgainstMode(config, audit.agentManagement);
    if (problems.length > 0) throw new ConfigError(stack, problems);
    const provider = pinnedAwsProvider(stack, config);
    // An existing network is read and judged before anything else is registered; the S3 gateway needs its route tables.
    const network = await adoptExistingNetwork(stack, provider, config, { routeTables: config.ssmEndpoints });
    return new Owner(stack, { ...config, network }, audit.agentManagement, audit.coverageEventBusArn, { providers: [provider] }).outputs;
}
