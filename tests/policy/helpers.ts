import * as assert from "node:assert/strict";
import type { CapturedResource } from "../../tools/offline/runStack";
import { evaluatePolicies, PolicyPackConfig, PolicyVerdict } from "../../tools/policy/evaluate";
import type { GuardDutyPolicy } from "../../policy/policies";
import { parseUrn } from "../../policy/lib/stack";
import { UNKNOWN_SENTINELS } from "../../policy/lib/values";
import { orgScopedEndpointPolicy, StackBuilder } from "../../tools/policy/synthetic";

/** The engine's unknown values, as they reach a policy pack during preview. */
export const U = UNKNOWN_SENTINELS;

/**
 * Runs policies on a resource list through the evaluator (so every `props` is behind
 * @pulumi/policy's unknown-checking proxy), failing the test if a policy throws, on an unknown
 * or otherwise.
 */
export function check(
    resources: readonly CapturedResource[],
    options: { policy?: GuardDutyPolicy; config?: PolicyPackConfig; stackConfig?: Record<string, string> } = {},
): Promise<PolicyVerdict[]> {
    const stack = parseUrn(resources[0]?.urn ?? "")?.stack ?? "test";
    return evaluatePolicies(stack, resources, options.config, {
        policies: options.policy ? [options.policy] : undefined,
        stackConfig: options.stackConfig,
        onUnknownValueError: "throw",
    });
}

function describe(verdicts: readonly PolicyVerdict[]): string {
    return verdicts.length === 0 ? "no verdicts" : verdicts.map((v) => `  [${v.enforcementLevel}] ${v.policy} ${v.urn ?? ""}\n    ${v.message}`).join("\n");
}

function matches(verdict: PolicyVerdict, pattern?: RegExp | string): boolean {
    if (pattern === undefined) return true;
    return typeof pattern === "string" ? verdict.message.includes(pattern) : pattern.test(verdict.message);
}

/** Asserts a mandatory violation of `policy` (on `resource`, when given) whose message matches. */
export function expectMandatory(verdicts: readonly PolicyVerdict[], policy: string, pattern?: RegExp | string, resource?: CapturedResource): PolicyVerdict {
    const found = verdicts.find(
        (v) => v.policy === policy && v.enforcementLevel === "mandatory" && matches(v, pattern) && (!resource || v.urn === resource.urn),
    );
    assert.ok(
        found,
        `expected a mandatory ${policy} violation${pattern ? ` matching ${pattern}` : ""}${resource ? ` on ${resource.name}` : ""}; got:\n${describe(verdicts)}`,
    );
    return found;
}

/** Asserts `policy` waits (advisory "cannot be checked until …") instead of passing or failing. */
export function expectWaits(verdicts: readonly PolicyVerdict[], policy: string, pattern?: RegExp | string): PolicyVerdict {
    const own = verdicts.filter((v) => v.policy === policy);
    assert.ok(
        own.every((v) => v.enforcementLevel === "advisory"),
        `expected ${policy} to only wait, got:\n${describe(own)}`,
    );
    const found = own.find((v) => /cannot be checked/.test(v.message) && matches(v, pattern));
    assert.ok(found, `expected ${policy} to report "cannot be checked …"${pattern ? ` matching ${pattern}` : ""}; got:\n${describe(verdicts)}`);
    return found;
}

/** Asserts no verdict at all from `policy` (or from any policy). */
export function expectClean(verdicts: readonly PolicyVerdict[], policy?: string): void {
    const own = policy ? verdicts.filter((v) => v.policy === policy) : verdicts;
    assert.equal(own.length, 0, `expected no ${policy ?? "policy"} verdicts, got:\n${describe(own)}`);
}

/** The shared VPC of the fixtures: the owner fixture's VPC, and the vpcId the owner stack publishes. */
export const SHARED_VPC = "vpc-0aef6ec2d11fe5f5b";
/** The accounts the owner fixture shares its subnets with (RAM principal associations). */
export const SHARED_WITH = ["444444444444", "555555555555"] as const;

export interface OwnerFixture {
    b: StackBuilder;
    provider: CapturedResource;
    top: CapturedResource;
    vpc: CapturedResource;
    sg: CapturedResource;
    endpoint: CapturedResource;
    share: CapturedResource;
    principals: CapturedResource[];
}

/** A compliant owner stack in miniature, shaped like the real one, to break one thing at a time. */
export function ownerFixture(
    overrides: {
        agentManagement?: string;
        endpoint?: Record<string, unknown>;
        sg?: Record<string, unknown>;
        vpc?: Record<string, unknown>;
        share?: Record<string, unknown>;
        stack?: string;
    } = {},
): OwnerFixture {
    const b = new StackBuilder(overrides.stack ?? "owner");
    const provider = b.provider("owner-aws", { region: "us-east-1", allowedAccountIds: ["333333333333"] });
    const top = b.component("guardduty-shared-vpc:stacks:Owner", "owner");
    b.stackReference("organization/guardduty-shared-vpc/audit", { agentManagement: overrides.agentManagement ?? "manual" });
    const vpc = b.add(
        "aws:ec2/vpc:Vpc",
        "network-vpc",
        { cidrBlock: "10.20.0.0/16", enableDnsSupport: true, enableDnsHostnames: true, ...overrides.vpc },
        { parent: top, id: SHARED_VPC, outputs: { defaultSecurityGroupId: "sg-0d5fa0c1de1a17e0a" } },
    );
    const sg = b.add(
        "aws:ec2/securityGroup:SecurityGroup",
        "endpoints-sg",
        {
            vpcId: vpc.id,
            description: "HTTPS from the VPC",
            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }],
            egress: [],
            ...overrides.sg,
        },
        { parent: top, deps: { vpcId: [vpc] }, id: "sg-b339f47ff1b3e097f" },
    );
    const endpoint = b.add(
        "aws:ec2/vpcEndpoint:VpcEndpoint",
        "endpoints-guardduty-data",
        {
            vpcId: vpc.id,
            serviceName: "com.amazonaws.us-east-1.guardduty-data",
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            securityGroupIds: [sg.id],
            policy: orgScopedEndpointPolicy(),
            ...overrides.endpoint,
        },
        { parent: top, deps: { vpcId: [vpc], securityGroupIds: [sg] } },
    );
    const shareArn = "arn:aws:ram:us-east-1:333333333333:resource-share/6d3b5a0e-4c1f-4f7e-a1b2-9c8d7e6f5a4b";
    const share = b.add(
        "aws:ram/resourceShare:ResourceShare",
        "network-subnets",
        { name: "network-subnets", allowExternalPrincipals: false, ...overrides.share },
        { parent: top, protect: true, id: shareArn, outputs: { arn: shareArn } },
    );
    const principals = SHARED_WITH.map((account) =>
        b.add(
            "aws:ram/principalAssociation:PrincipalAssociation",
            `network-principal-${account}`,
            { resourceShareArn: share.id, principal: account },
            { parent: top, deps: { resourceShareArn: [share] } },
        ),
    );
    return { b, provider, top, vpc, sg, endpoint, share, principals };
}

export interface ParticipantFixture {
    b: StackBuilder;
    provider: CapturedResource;
    top: CapturedResource;
    /** The owner's outputs, read as the program reads them (readOwnerOutputs). */
    ownerRef: CapturedResource;
    sg: CapturedResource;
    instance: CapturedResource;
}

/** A compliant participant stack in miniature. */
export function participantFixture(
    overrides: { instance?: Record<string, unknown>; instanceDeps?: Record<string, CapturedResource[]>; stack?: string; component?: boolean } = {},
): ParticipantFixture {
    const b = new StackBuilder(overrides.stack ?? "participant");
    const provider = b.provider("participant-aws", { region: "us-east-1", allowedAccountIds: ["444444444444"] });
    const top = overrides.component === false ? b.root : b.component("guardduty-shared-vpc:stacks:Participant", "participant");
    const ownerRef = b.stackReference("organization/guardduty-shared-vpc/owner", {
        ownerAccountId: "333333333333",
        vpcId: SHARED_VPC,
        vpcCidr: "10.20.0.0/16",
        sharedSubnetIds: ["subnet-3f797f967adb2f306"],
    });
    const sg = b.add(
        "aws:ec2/securityGroup:SecurityGroup",
        "workloads-sg",
        {
            vpcId: SHARED_VPC,
            ingress: [],
            egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
        },
        { parent: top, id: "sg-cb58e535e51fceca9" },
    );
    const instance = b.add(
        "aws:ec2/instance:Instance",
        "workloads-app-1",
        {
            ami: "ami-50d9a7ae55169d5e3",
            instanceType: "t3.small",
            subnetId: "subnet-3f797f967adb2f306",
            vpcSecurityGroupIds: [sg.id],
            ...overrides.instance,
        },
        { parent: top, deps: overrides.instanceDeps ?? { vpcSecurityGroupIds: [sg] } },
    );
    return { b, provider, top, ownerRef, sg, instance };
}

/** Replaces a captured resource's inputs and outputs (as a cloud with that value would report both). */
export function setProps(resource: CapturedResource, props: Record<string, unknown>): void {
    for (const [key, value] of Object.entries(props)) {
        if (value === undefined) {
            delete resource.inputs[key];
            delete resource.outputs[key];
        } else {
            resource.inputs[key] = value;
            resource.outputs[key] = value;
        }
    }
}
