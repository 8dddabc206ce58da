import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { guardDutyDataRegion, T } from "../lib/aws";
import { assessEndpointPolicy } from "../lib/endpointPolicy";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { stackView } from "../lib/stack";
import { decodeConfigValue, isUnknown, read, show, Unknown, UNKNOWN, Value } from "../lib/values";
import { guardDutyEndpoints, participantResources } from "./scope";

export const noVpcEndpointInParticipantStack: StackValidationPolicy = {
    name: "no-vpc-endpoint-in-participant-stack",
    description: "A participant stack declares no VPC endpoint: AWS does not let a participant create endpoints in subnets shared with it; the owner stack creates them.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        for (const endpoint of participantResources(view, T.vpcEndpoint, report, "may be declared here")) {
            report(
                `${label(endpoint)} is declared in participant stack "${view.stack}" (a participant by ${view.role.how}). ` +
                    "AWS refuses VPC endpoints from a participant in a shared VPC (\"This operation does not support shared VPCs\"), and the owner's guardduty-data endpoint already serves the shared subnets. " +
                    "Remove it from this stack; the owner stack creates the endpoints (ssmEndpoints in Pulumi.<owner>.yaml; guardduty-data under manual agent management, GuardDuty itself under automated).",
                endpoint.urn,
            );
        }
    },
};

/** The region an endpoint is created in: its own `region` (AWS provider v7) or its provider's. */
function endpointRegion(endpoint: PolicyResource): string | Unknown | undefined {
    const own = read(endpoint.props, "region");
    if (typeof own === "string") return own;
    // Unset, `region` is computed from the provider: unknown during preview but the provider's.
    const fromProvider = endpoint.provider ? decodeConfigValue(read(endpoint.provider.props, "region")) : undefined;
    if (typeof fromProvider === "string") return fromProvider;
    return isUnknown(own) || isUnknown(fromProvider) ? UNKNOWN : undefined;
}

export const guardDutyEndpointPrivateDns: StackValidationPolicy = {
    name: "guardduty-endpoint-private-dns",
    description: "A guardduty-data endpoint is an Interface endpoint with private DNS, for its own region's service, in a VPC with DNS support and DNS hostnames.",
    enforcementLevel: "mandatory",
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
            check(type, "vpcEndpointType", (v) => v === "Interface",
                `set vpcEndpointType: "Interface" (it is ${show(type)}${type === undefined ? ", which the AWS provider takes as Gateway" : ""}; guardduty-data is only offered as an interface endpoint)`);
            const privateDns = read(endpoint.props, "privateDnsEnabled");
            check(privateDns, "privateDnsEnabled", (v) => v === true,
                `set privateDnsEnabled: true (it is ${show(privateDns)}); without it the agent keeps resolving GuardDuty's public name and its traffic never reaches the endpoint`);

            const region = endpointRegion(endpoint);
            if (isUnknown(region)) waiting.push("the endpoint's region");
            else if (region === undefined) {
                reportCannotCheck(report, `The region in ${label(endpoint)}'s serviceName cannot be checked: neither the endpoint nor its provider sets region (it would come from the environment). Set region on the stack's AWS provider.`, endpoint.urn);
            } else if (guardDutyDataRegion(serviceName) !== region) {
                changes.push(`set serviceName to "com.amazonaws.${region}.guardduty-data", the service of the endpoint's own region ${region} (it is "${serviceName}"; AWS fails with InvalidServiceName, and the agent only uses its own region's endpoint)`);
            }

            const vpc = view.referenced(endpoint, "vpcId", T.vpc);
            if (vpc) {
                const before = changes.length;
                const support = read(vpc.props, "enableDnsSupport");
                check(support, `${label(vpc)}'s enableDnsSupport`, (v) => v !== false,
                    `set enableDnsSupport: true on ${label(vpc)} (it is false)`);
                const hostnames = read(vpc.props, "enableDnsHostnames");
                check(hostnames, `${label(vpc)}'s enableDnsHostnames`, (v) => v === true,
                    `set enableDnsHostnames: true on ${label(vpc)} (it is ${show(hostnames)}${hostnames === undefined ? ", and AWS defaults it to false" : ""})`);
                if (changes.length > before) {
                    changes.push("AWS refuses private DNS on an endpoint whose VPC lacks either attribute (\"Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true\")");
                }
            } else if (isUnknown(read(endpoint.props, "vpcId")) && (endpoint.propertyDependencies.vpcId ?? []).length === 0) {
                waiting.push("vpcId (to find the VPC's DNS attributes)");
            }

            if (changes.length > 0) report(`${label(endpoint)} cannot serve the GuardDuty agent privately: ${changes.join("; ")}.`, endpoint.urn);
            if (waiting.length > 0) reportCannotCheck(report, `${label(endpoint)} ${untilKnown(waiting)}.`, endpoint.urn);
        }
    },
};

export const guardDutyEndpointPolicyScoped: StackValidationPolicy = {
    name: "guardduty-endpoint-policy-scoped",
    description: "A guardduty-data endpoint carries a policy that denies principals outside the organization or the listed accounts (no bare allow-all).",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        const separate = view.referrers(T.vpcEndpointPolicy, "vpcEndpointId", T.vpcEndpoint);
        for (const { endpoint } of guardDutyEndpoints(view, report, "whether its policy is scoped")) {
            // A separate VpcEndpointPolicy replaces the endpoint's inline policy; of several, the last declared one counts.
            const holder = separate.get(endpoint)?.at(-1) ?? endpoint;
            const source = holder === endpoint ? label(endpoint) : `${label(holder)} (the policy of ${label(endpoint)})`;
            const verdict = assessEndpointPolicy(read(holder.props, "policy"));
            if (verdict.verdict === "unscoped") {
                report(
                    `${source} does not keep other accounts out: ${verdict.reason}. ` +
                        "Add a Deny for Principal \"*\", Action \"*\", Resource \"*\" with Condition StringNotEquals aws:PrincipalOrgID: <your o-… ID> (or aws:PrincipalAccount: [the participant accounts]), as the owner stack writes with endpointPolicyScope.",
                    endpoint.urn,
                );
            } else if (verdict.verdict === "unknown") {
                reportCannotCheck(report, `${source}: whether the policy is scoped ${untilKnown(verdict.what)}.`, endpoint.urn);
            }
        }
    },
};
