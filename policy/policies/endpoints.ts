import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { guardDutyDataServiceName, partitionOf, runtimeMonitoringUnavailableIn } from "guardduty-shared-vpc-contract/vocabulary";
import { guardDutyDataRegion, T } from "../lib/aws";
import { NO_CONFIG, withCheckedConfig } from "../lib/config";
import { assessEndpointPolicy, ORG_ID } from "../lib/endpointPolicy";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { stackMembership } from "../lib/organization";
import { inSharedVpc } from "../lib/sharedVpc";
import { stackView, StackView } from "../lib/stack";
import { decodeConfigValue, isUnknown, read, show, Unknown, UNKNOWN, Value } from "../lib/values";
import { guardDutyEndpoints, participantResources } from "./scope";

export const noVpcEndpointInParticipantStack: StackValidationPolicy = withCheckedConfig({
    name: "no-vpc-endpoint-in-participant-stack",
    description:
        "A participant stack declares no VPC endpoint in the shared VPC: AWS does not let a participant create endpoints there; the owner stack creates them. Endpoints in a VPC of the participant's own are allowed.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const endpoint of participantResources(view, T.vpcEndpoint, report, "may be declared here")) {
            const shared = inSharedVpc(view, endpoint);
            if (shared.value === false) continue;
            if (shared.value === "unknown") {
                const question = `Whether ${label(endpoint)} is in the shared VPC (where a participant cannot create endpoints)`;
                reportCannotCheck(
                    report,
                    shared.computed
                        ? `${question} ${untilKnown(shared.what)}.`
                        : `${question} cannot be checked: ${shared.what}. Read the owner's outputs through a StackReference, as the program does (ownerStack).`,
                    endpoint.urn,
                );
                continue;
            }
            report(
                `${label(endpoint)} is declared in participant stack "${view.stack}" (a participant by ${view.role.how}), in the shared VPC: ${shared.why}. ` +
                    'AWS refuses VPC endpoints from a participant in a shared VPC ("This operation does not support shared VPCs"), and the owner\'s guardduty-data endpoint already serves the shared subnets. ' +
                    "Remove it from this stack; the owner stack creates the endpoints of the shared VPC (ssmEndpoints in Pulumi.<owner>.yaml; guardduty-data under manual agent management, GuardDuty itself under automated).",
                endpoint.urn,
            );
        }
    },
});

/** The region an endpoint is created in: its own `region` (AWS provider v7) or its provider's. */
function endpointRegion(endpoint: PolicyResource): string | Unknown | undefined {
    const own = read(endpoint.props, "region");
    if (typeof own === "string") return own;
    // Unset, `region` is computed from the provider: unknown during preview but the provider's.
    const fromProvider = endpoint.provider ? decodeConfigValue(read(endpoint.provider.props, "region")) : undefined;
    if (typeof fromProvider === "string") return fromProvider;
    return isUnknown(own) || isUnknown(fromProvider) ? UNKNOWN : undefined;
}

/** Why `serviceName` is not the one the agent in `region` reports through, and what AWS does with it. */
function serviceNameMismatch(serviceName: string, region: string): string {
    if (guardDutyDataRegion(serviceName) !== region) {
        return `the service of the endpoint's own region ${region} (it is "${serviceName}"; AWS fails with InvalidServiceName, and the agent only uses its own region's endpoint)`;
    }
    if (partitionOf(region) === "aws-us-gov") {
        return `the FIPS service, the only one AWS GovCloud (US) offers for Runtime Monitoring (it is "${serviceName}"; AWS fails with InvalidServiceName; AWS GovCloud (US) User Guide, "Amazon GuardDuty in AWS GovCloud (US)")`;
    }
    return `the plain service, the one outside AWS GovCloud (US) (it is "${serviceName}"): the agent connects to guardduty-data.${region}.amazonaws.com, that service's private DNS name, so an endpoint of the FIPS variant never receives its traffic (GuardDuty user guide, "How the security agent connects to GuardDuty")`;
}

export const guardDutyEndpointPrivateDns: StackValidationPolicy = withCheckedConfig({
    name: "guardduty-endpoint-private-dns",
    description:
        "A guardduty-data endpoint is an Interface endpoint with private DNS, for its own region's service (guardduty-data-fips in GovCloud, none in China, where Runtime Monitoring is not offered), in a VPC with DNS support and DNS hostnames.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const { endpoint, serviceName } of guardDutyEndpoints(view, report, "whether it has private DNS")) {
            const changes: string[] = [];
            const waiting: string[] = [];
            const check = (value: Value, what: string, ok: (v: Value) => boolean, change: string) => {
                if (isUnknown(value)) waiting.push(what);
                else if (!ok(value)) changes.push(change);
            };

            const type = read(endpoint.props, "vpcEndpointType");
            check(
                type,
                "vpcEndpointType",
                (v) => v === "Interface",
                `set vpcEndpointType: "Interface" (it is ${show(type)}${type === undefined ? ", which the AWS provider takes as Gateway" : ""}; guardduty-data is only offered as an interface endpoint)`,
            );
            const privateDns = read(endpoint.props, "privateDnsEnabled");
            check(
                privateDns,
                "privateDnsEnabled",
                (v) => v === true,
                `set privateDnsEnabled: true (it is ${show(privateDns)}); without it the agent keeps resolving GuardDuty's public name and its traffic never reaches the endpoint`,
            );

            const region = endpointRegion(endpoint);
            if (isUnknown(region)) waiting.push("the endpoint's region");
            else if (region === undefined) {
                reportCannotCheck(
                    report,
                    `The region in ${label(endpoint)}'s serviceName cannot be checked: neither the endpoint nor its provider sets region (it would come from the environment). Set region on the stack's AWS provider.`,
                    endpoint.urn,
                );
            } else {
                const unavailable = runtimeMonitoringUnavailableIn(region);
                if (unavailable !== undefined) {
                    // Nothing else about it matters: the endpoint cannot exist, whatever its settings.
                    report(
                        `${label(endpoint)} is a guardduty-data endpoint in ${region} (partition ${partitionOf(region)}), where ${unavailable}: ` +
                            "there is no such endpoint service to connect to (AWS fails with InvalidServiceName), and no agent to serve. Remove it; Runtime Monitoring needs a commercial or AWS GovCloud (US) region.",
                        endpoint.urn,
                    );
                    continue;
                }
                const expected = guardDutyDataServiceName(region);
                if (serviceName !== expected) changes.push(`set serviceName to "${expected}", ${serviceNameMismatch(serviceName, region)}`);
            }

            const vpc = view.referenced(endpoint, "vpcId", T.vpc);
            if (vpc) {
                const before = changes.length;
                const support = read(vpc.props, "enableDnsSupport");
                check(support, `${label(vpc)}'s enableDnsSupport`, (v) => v !== false, `set enableDnsSupport: true on ${label(vpc)} (it is false)`);
                const hostnames = read(vpc.props, "enableDnsHostnames");
                check(
                    hostnames,
                    `${label(vpc)}'s enableDnsHostnames`,
                    (v) => v === true,
                    `set enableDnsHostnames: true on ${label(vpc)} (it is ${show(hostnames)}${hostnames === undefined ? ", and AWS defaults it to false" : ""})`,
                );
                if (changes.length > before) {
                    changes.push(
                        'AWS refuses private DNS on an endpoint whose VPC lacks either attribute ("Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true")',
                    );
                }
            } else if (isUnknown(read(endpoint.props, "vpcId")) && (endpoint.propertyDependencies.vpcId ?? []).length === 0) {
                waiting.push("vpcId (to find the VPC's DNS attributes)");
            }

            if (changes.length > 0) report(`${label(endpoint)} cannot serve the GuardDuty agent privately: ${changes.join("; ")}.`, endpoint.urn);
            if (waiting.length > 0) reportCannotCheck(report, `${label(endpoint)} ${untilKnown(waiting)}.`, endpoint.urn);
        }
    },
});

/** A policy an endpoint may end up with, and where it is declared. */
interface PolicySource {
    holder: PolicyResource;
    policy: Value;
}

/**
 * The policies that may be an endpoint's. AWS keeps one policy per endpoint: the inline `policy`
 * and every VpcEndpointPolicy write the same one (ModifyVpcEndpoint), so the last written wins,
 * and Pulumi orders the writes only by dependencies. Each of them may be the effective one, so
 * each must be scoped.
 *
 * The endpoint's `policy` is also an output (the effective policy, whoever wrote it), so whether
 * the program set it comes from its property dependencies: the SDK records an entry for every
 * input it sends, empty when nothing flowed into it. Not set and unknown during preview, it is
 * AWS's full-access default unless a VpcEndpointPolicy replaces it.
 */
function policySources(view: StackView, endpoint: PolicyResource): PolicySource[] {
    const separate = view.referrers(T.vpcEndpointPolicy, "vpcEndpointId", T.vpcEndpoint).get(endpoint) ?? [];
    const sources: PolicySource[] = separate.map((holder) => ({ holder, policy: read(holder.props, "policy") }));
    const configured = "policy" in endpoint.propertyDependencies;
    const inline = read(endpoint.props, "policy");
    if (separate.length === 0) sources.unshift({ holder: endpoint, policy: isUnknown(inline) && !configured ? undefined : inline });
    else if (configured && inline !== undefined && inline !== null && inline !== "") sources.unshift({ holder: endpoint, policy: inline });
    return sources;
}

/** The settings of guardduty-endpoint-policy-scoped, as `getConfig` returns them once the schema has accepted them. */
export interface EndpointPolicyConfig {
    organizationId?: string;
}

export const guardDutyEndpointPolicyScoped: StackValidationPolicy = withCheckedConfig({
    name: "guardduty-endpoint-policy-scoped",
    description:
        "A guardduty-data endpoint's policy allows nothing to principals outside the organization (the configured organizationId, else the one the stack shares with, or the accounts it shares with), whichever of its policies AWS ends up with.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            organizationId: {
                type: "string",
                pattern: ORG_ID.source,
                description:
                    "the ID of your AWS Organization, o- and 10 to 32 lowercase letters or digits; no guardduty-data endpoint policy may admit anyone outside it",
            },
        },
    },
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        const { organizationId } = args.getConfig<EndpointPolicyConfig>();
        const membership = stackMembership(view, organizationId);
        for (const holder of view.ofType(T.vpcEndpointPolicy)) {
            if (view.referenced(holder, "vpcEndpointId", T.vpcEndpoint)) continue;
            if (
                isUnknown(read(holder.props, "vpcEndpointId")) &&
                (holder.propertyDependencies.vpcEndpointId ?? []).every((dep) => dep.type !== T.stackReference)
            ) {
                reportCannotCheck(
                    report,
                    `Which endpoint ${label(holder)} sets the policy of (and so whether it must be scoped) ${untilKnown("its vpcEndpointId")}.`,
                    holder.urn,
                );
            }
        }
        const endpoints = guardDutyEndpoints(view, report, "whether its policy is scoped");
        if (endpoints.length > 0) {
            for (const { association, principal, organization } of membership.foreign) {
                report(
                    `${label(association)} shares the subnets with ${principal}, in organization ${organization}, but the pack is configured for organization ${organizationId} (organizationId of guardduty-endpoint-policy-scoped). ` +
                        `A guardduty-data endpoint scoped to ${organizationId} refuses the agents of ${organization}, and one scoped to ${organization} admits an organization the pack does not trust. ` +
                        "Share with the configured organization, or correct organizationId in the pack configuration.",
                    association.urn,
                );
            }
        }
        for (const { endpoint } of endpoints) {
            const sources = policySources(view, endpoint);
            if (sources.length > 1) {
                report(
                    `${label(endpoint)} gets its policy from ${sources.map((source) => label(source.holder)).join(" and ")}. ` +
                        "AWS keeps one policy per endpoint, so the last one written wins and Pulumi does not order them; deleting a VpcEndpointPolicy resets the endpoint to AWS's full-access default. " +
                        "Give the endpoint exactly one policy: its inline policy, or one VpcEndpointPolicy.",
                    endpoint.urn,
                );
            }
            for (const { holder, policy } of sources) {
                const source = holder === endpoint ? label(endpoint) : `${label(holder)} (a policy of ${label(endpoint)})`;
                const verdict = assessEndpointPolicy(policy, membership);
                if (verdict.verdict === "unscoped") {
                    report(
                        `${source} does not keep other accounts out: ${verdict.reason}. ` +
                            `Add a Deny for Principal "*", Action "*", Resource "*" with only Condition StringNotEquals aws:PrincipalOrgID: ${organizationId ?? "<your o-… ID>"} (or aws:PrincipalAccount: [this account and the accounts the subnets are shared with]), as the owner stack writes with endpointPolicyScope.`,
                        endpoint.urn,
                    );
                } else if (verdict.verdict === "unknown") {
                    reportCannotCheck(report, `${source}: whether the policy is scoped ${untilKnown(verdict.what)}.`, endpoint.urn);
                }
            }
        }
    },
});
