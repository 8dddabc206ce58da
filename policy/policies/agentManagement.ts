import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import {
    AGENT_MANAGEMENT_MODES,
    AGENT_SSM_DOCUMENT,
    AgentManagement,
    GUARDDUTY_MANAGED_TAG,
    isAgentManagement,
} from "guardduty-shared-vpc-contract/vocabulary";
import { isAgentSsmDocument, T } from "../lib/aws";
import { NO_CONFIG, withCheckedConfig } from "../lib/config";
import { label, reportCannotCheck, untilKnown } from "../lib/report";
import { StackView, stackView } from "../lib/stack";
import { isObj, isUnknown, read, UNKNOWN, Unknown, Value } from "../lib/values";
import { guardDutyEndpoints } from "./scope";

type ModeReading = { kind: "known"; mode: AgentManagement; from: string } | { kind: "unknown"; why: string } | { kind: "conflict"; sources: string[] };

/** A StackReference output as the engine shows it: plain, or wrapped as a secret. */
function unwrapSecret(value: Value): Value {
    if (isObj(value) && "value" in value && Object.keys(value).some((key) => /^[0-9a-f]{32}$/.test(key))) return value.value;
    return value;
}

/**
 * The organization's mode, from the stack references that publish it: the audit stack in an
 * owner, the owner stack in a participant (or in another team's program). The engine resolves
 * stack references during preview, so the mode is usually known; when it is not, or no
 * reference publishes it, every check of this policy waits.
 */
function readMode(view: StackView): ModeReading {
    const found = new Map<AgentManagement, string[]>();
    const waiting: string[] = [];
    for (const reference of view.ofType(T.stackReference)) {
        const outputs = read(reference.props, "outputs");
        const name = read(reference.props, "name");
        const source = `stack reference ${typeof name === "string" ? name : `"${reference.name}"`}`;
        if (isUnknown(outputs)) {
            waiting.push(`the outputs of ${source}`);
            continue;
        }
        if (!isObj(outputs) || !("agentManagement" in outputs)) continue;
        const mode = unwrapSecret(outputs.agentManagement);
        if (isUnknown(mode)) waiting.push(`agentManagement from ${source}`);
        else if (isAgentManagement(mode)) found.set(mode, [...(found.get(mode) ?? []), source]);
        else waiting.push(`agentManagement from ${source} (it is ${JSON.stringify(mode)}, not ${AGENT_MANAGEMENT_MODES.join(" or ")})`);
    }
    if (found.size > 1) return { kind: "conflict", sources: [...found].map(([mode, sources]) => `${mode} from ${sources.join(", ")}`) };
    if (found.size === 1) {
        const [[mode, sources]] = [...found];
        return { kind: "known", mode, from: sources.join(", ") };
    }
    if (waiting.length > 0) return { kind: "unknown", why: untilKnown(waiting) };
    return {
        kind: "unknown",
        why: "cannot be checked until the organization's agent-management mode is known: this stack reads no stack reference that publishes agentManagement (an owner reads the audit stack, a participant the owner stack)",
    };
}

/** `true` for the inclusion tag, `false` for anything else, UNKNOWN when the tags are not known yet. */
function includes(tags: Value): boolean | Unknown {
    if (isUnknown(tags)) return UNKNOWN;
    if (!isObj(tags)) return false;
    const value = tags[GUARDDUTY_MANAGED_TAG];
    if (isUnknown(value)) return UNKNOWN;
    return typeof value === "string" && value.trim().toLowerCase() === "true";
}

function anyIncludes(values: readonly (boolean | Unknown)[]): boolean | Unknown {
    if (values.includes(true)) return true;
    return values.some(isUnknown) ? UNKNOWN : false;
}

/** Whether a resource puts the inclusion tag on instances: its own tags, or the tags it gives the instances it launches. */
function inclusionTag(resource: PolicyResource): boolean | Unknown {
    switch (resource.type) {
        case T.instance:
            return includes(read(resource.props, "tags"));
        case T.launchTemplate: {
            const specs = read(resource.props, "tagSpecifications");
            if (isUnknown(specs)) return UNKNOWN;
            const fromSpecs = Array.isArray(specs) ? specs.map((spec) => (isObj(spec) ? includes(spec.tags) : isUnknown(spec) ? UNKNOWN : false)) : [];
            return anyIncludes([includes(read(resource.props, "tags")), ...fromSpecs]);
        }
        case T.autoScalingGroup: {
            const tags = read(resource.props, "tags");
            if (isUnknown(tags)) return UNKNOWN;
            if (!Array.isArray(tags)) return false;
            return anyIncludes(
                tags.map((tag) => {
                    if (isUnknown(tag)) return UNKNOWN;
                    if (!isObj(tag) || tag.key !== GUARDDUTY_MANAGED_TAG || tag.propagateAtLaunch === false) return false;
                    return includes({ [GUARDDUTY_MANAGED_TAG]: tag.value });
                }),
            );
        }
        case T.ec2Tag: {
            const key = read(resource.props, "key");
            if (isUnknown(key)) return UNKNOWN;
            return key === GUARDDUTY_MANAGED_TAG ? includes({ [GUARDDUTY_MANAGED_TAG]: read(resource.props, "value") }) : false;
        }
        default:
            return false;
    }
}

const TAGGING_TYPES = [T.instance, T.launchTemplate, T.autoScalingGroup, T.ec2Tag];

/** SSM associations that run GuardDuty's agent installer; one whose document is unknown might. */
function agentAssociations(view: StackView): { certain: PolicyResource[]; unknown: PolicyResource[] } {
    const certain: PolicyResource[] = [];
    const unknown: PolicyResource[] = [];
    for (const association of view.ofType(T.ssmAssociation)) {
        const document = read(association.props, "name");
        if (isUnknown(document)) unknown.push(association);
        else if (typeof document === "string" && isAgentSsmDocument(document)) certain.push(association);
    }
    return { certain, unknown };
}

function wait(report: ReportViolation, resources: readonly PolicyResource[], what: string, why: string): void {
    for (const resource of resources) reportCannotCheck(report, `Whether ${label(resource)} ${what} ${why}.`, resource.urn);
}

export const agentManagementMatchesMode: StackValidationPolicy = withCheckedConfig({
    name: "agent-management-matches-mode",
    description:
        "Only the organization's agent-management mode installs GuardDuty's EC2 agent: under automated, no guardduty-data endpoint or SSM association of GuardDuty's plugin of our own; under manual, no GuardDutyManaged=true inclusion tag.",
    enforcementLevel: "mandatory",
    configSchema: NO_CONFIG,
    validateStack: (args, report) => {
        const view = stackView(args.resources);
        const endpoints = guardDutyEndpoints(view, report, "whether it duplicates GuardDuty's own endpoint").map(({ endpoint }) => endpoint);
        const associations = agentAssociations(view);
        const tagging = TAGGING_TYPES.flatMap((type) => view.ofType(type)).map((resource) => ({ resource, includes: inclusionTag(resource) }));
        const inclusions = tagging.filter((entry) => entry.includes === true).map((entry) => entry.resource);
        const unknownTags = tagging.filter((entry) => isUnknown(entry.includes)).map((entry) => entry.resource);
        if (endpoints.length + associations.certain.length + associations.unknown.length + inclusions.length + unknownTags.length === 0) return;

        const mode = readMode(view);
        if (mode.kind === "conflict") {
            report(
                `Stack "${view.stack}" reads two agent-management modes (${mode.sources.join("; ")}). One organization has one mode, declared in the audit stack: redeploy the stacks in order (audit, owner, participants) so they all pass on the same one.`,
            );
            return;
        }
        if (mode.kind === "unknown") {
            wait(report, endpoints, "is allowed here", mode.why);
            wait(report, [...associations.certain, ...associations.unknown], "may install GuardDuty's agent here", mode.why);
            wait(report, [...inclusions, ...unknownTags], "may carry the GuardDutyManaged=true inclusion tag", mode.why);
            return;
        }
        const by = `agent management is ${mode.mode} (from ${mode.from})`;
        if (mode.mode === "automated") {
            for (const endpoint of endpoints) {
                report(
                    `${label(endpoint)} is a guardduty-data endpoint, but ${by}: GuardDuty creates its own endpoint in the shared VPC, and two private-DNS endpoints for one service cannot share a VPC ("conflicting DNS domain"). Remove it, or switch the organization to manual in the audit stack.`,
                    endpoint.urn,
                );
            }
            for (const association of associations.certain) {
                report(
                    `${label(association)} runs GuardDuty's ${AGENT_SSM_DOCUMENT} document, but ${by}: GuardDuty installs the agent through its own association, and AWS says to delete yours or SSM scheduling conflicts follow. Remove it.`,
                    association.urn,
                );
            }
            wait(report, associations.unknown, "runs GuardDuty's agent installer (forbidden while " + by + ")", untilKnown("its document name"));
            return;
        }
        for (const resource of inclusions) {
            report(
                `${label(resource)} puts the inclusion tag ${GUARDDUTY_MANAGED_TAG}=true on instances, but ${by}: the tag hands an instance to GuardDuty's own installer beside the SSM association that installs the agent manually. Remove the tag (to leave an instance out, leave it out of the association instead).`,
                resource.urn,
            );
        }
        wait(report, unknownTags, `carries the inclusion tag ${GUARDDUTY_MANAGED_TAG}=true (forbidden while ${by})`, untilKnown("its tags"));
    },
});
