/**
 * Builders for resource lists in the shape the offline runtime captures (CapturedResource): for
 * unit tests that need a stack the program cannot produce, and for the benchmark's synthetic
 * stacks of thousands of resources.
 */
import { guardDutyEndpointPolicy } from "../../src/net/endpoint";
import type { CapturedResource } from "../offline/runStack";
import { DIY_ORGANIZATION, PROJECT, roleComponentType } from "guardduty-shared-vpc-contract/vocabulary";

export { PROJECT };

export interface AddOptions {
    parent?: CapturedResource;
    /** The provider resource, or none (the engine's default provider then). */
    provider?: CapturedResource | null;
    /** Property → the resources its value came from. */
    deps?: Record<string, readonly CapturedResource[]>;
    /** Outputs beyond the inputs (the cloud's computed values); `id` is added from `id`. */
    outputs?: Record<string, unknown>;
    id?: string;
    protect?: boolean;
    read?: boolean;
    custom?: boolean;
}

/** Builds a stack's captured resources with URNs, parents, providers and dependencies as the engine records them. */
export class StackBuilder {
    readonly resources: CapturedResource[] = [];
    readonly root: CapturedResource;
    defaultProvider?: CapturedResource;
    private counter = 0;

    constructor(
        readonly stack: string,
        readonly project = PROJECT,
    ) {
        this.root = this.push({
            urn: `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`,
            type: "pulumi:pulumi:Stack",
            name: `${project}-${stack}`,
            custom: false,
            read: false,
            protect: false,
            dependencies: [],
            propertyDependencies: {},
            inputs: {},
            outputs: {},
        });
    }

    private push(resource: CapturedResource): CapturedResource {
        this.resources.push(resource);
        return resource;
    }

    private qualifiedType(type: string, parent?: CapturedResource): string {
        if (!parent || parent.type === "pulumi:pulumi:Stack") return type;
        const parentQualified = parent.urn.split("::")[2];
        return `${parentQualified}$${type}`;
    }

    /** An explicit AWS provider; `allowedAccountIds` as the SDK sends it (JSON text). */
    provider(name: string, inputs: Record<string, unknown>): CapturedResource {
        const encoded = Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
        const provider = this.add("pulumi:providers:aws", name, encoded, { parent: this.root, provider: null, id: `${name}-id` });
        this.defaultProvider ??= provider;
        return provider;
    }

    component(type: string, name: string, parent: CapturedResource = this.root): CapturedResource {
        return this.add(type, name, {}, { parent, custom: false, provider: null });
    }

    add(type: string, name: string, inputs: Record<string, unknown>, options: AddOptions = {}): CapturedResource {
        const parent = options.parent ?? this.root;
        const custom = options.custom ?? true;
        const urn = `urn:pulumi:${this.stack}::${this.project}::${this.qualifiedType(type, parent)}::${name}`;
        const propertyDependencies: Record<string, string[]> = {};
        for (const key of Object.keys(inputs)) propertyDependencies[key] = [];
        for (const [key, deps] of Object.entries(options.deps ?? {})) propertyDependencies[key] = deps.map((dep) => dep.urn);
        const dependencies = [...new Set(Object.values(propertyDependencies).flat())];
        const id = custom ? (options.id ?? `${name}-${(++this.counter).toString(16).padStart(8, "0")}`) : undefined;
        const provider = options.provider === null || !custom || type.startsWith("pulumi:providers:") ? undefined : (options.provider ?? this.defaultProvider);
        return this.push({
            urn,
            type,
            name,
            custom,
            read: options.read ?? false,
            parent: parent.urn,
            protect: options.protect ?? false,
            provider: provider ? `${provider.urn}::${provider.id}` : undefined,
            dependencies,
            propertyDependencies,
            inputs,
            outputs: { ...inputs, ...(options.outputs ?? {}), ...(id ? { id } : {}) },
            id,
        });
    }

    stackReference(name: string, outputs: Record<string, unknown>): CapturedResource {
        return this.add(
            "pulumi:pulumi:StackReference",
            name,
            { name },
            { read: true, provider: null, outputs: { name, outputs, secretOutputNames: [] }, id: name },
        );
    }
}

export type SyntheticRole = "owner" | "participant";

const REGION = "us-east-1";

/** The owner's endpoint policy for an organization, as the program sends it (JSON text). */
export function orgScopedEndpointPolicy(organizationId = "o-a1b2c3d4e5"): string {
    return JSON.stringify(guardDutyEndpointPolicy({ kind: "organization", organizationId }));
}

/**
 * A compliant stack of exactly `count` resources (count ≥ 6) of the types the policies read, for
 * timing: VPCs with subnets, a security group and guardduty-data/SSM endpoints for an owner;
 * security groups, IAM and instances for a participant. Every stack rule has real work to do on it.
 */
export function syntheticStack(count: number, role: SyntheticRole = "owner", stack = `${role}-synthetic`): CapturedResource[] {
    const b = new StackBuilder(stack);
    const account = role === "owner" ? "333333333333" : "444444444444";
    b.provider(`${stack}-aws`, { region: REGION, allowedAccountIds: [account] });
    const top = b.component(roleComponentType(role), stack);
    // The reference the program reads its agent-management mode through: manual, since the owner creates guardduty-data endpoints.
    b.stackReference(`${DIY_ORGANIZATION}/${PROJECT}/${role === "owner" ? "audit" : "owner"}`, { agentManagement: "manual" });
    const full = () => b.resources.length >= count;
    let cell = 0;
    while (!full()) {
        const c = cell++;
        if (role === "owner") {
            const vpc = b.add(
                "aws:ec2/vpc:Vpc",
                `vpc-${c}`,
                { cidrBlock: "10.20.0.0/16", enableDnsSupport: true, enableDnsHostnames: true },
                { parent: top, outputs: { arn: `arn:vpc-${c}`, defaultSecurityGroupId: `sg-default-${c}` } },
            );
            const subnets: CapturedResource[] = [];
            for (let s = 0; s < 2 && !full(); s++) {
                subnets.push(
                    b.add(
                        "aws:ec2/subnet:Subnet",
                        `subnet-${c}-${s}`,
                        { vpcId: vpc.id, cidrBlock: `10.20.${s * 16}.0/20`, availabilityZoneId: `use1-az${s + 1}` },
                        { parent: top, deps: { vpcId: [vpc] }, outputs: { arn: `arn:subnet-${c}-${s}` } },
                    ),
                );
            }
            if (full()) break;
            const sg = b.add(
                "aws:ec2/securityGroup:SecurityGroup",
                `endpoints-sg-${c}`,
                {
                    vpcId: vpc.id,
                    description: "HTTPS from the VPC",
                    ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] }],
                    egress: [],
                },
                { parent: top, deps: { vpcId: [vpc] } },
            );
            for (const service of ["guardduty-data", "ssm", "ssmmessages", "ec2messages"]) {
                if (full()) break;
                b.add(
                    "aws:ec2/vpcEndpoint:VpcEndpoint",
                    `endpoint-${c}-${service}`,
                    {
                        vpcId: vpc.id,
                        serviceName: `com.amazonaws.${REGION}.${service}`,
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds: subnets.map((subnet) => subnet.id),
                        securityGroupIds: [sg.id],
                        ...(service === "guardduty-data" ? { policy: orgScopedEndpointPolicy() } : {}),
                    },
                    { parent: top, deps: { vpcId: [vpc], subnetIds: subnets, securityGroupIds: [sg] } },
                );
            }
            if (!full())
                b.add(
                    "aws:ram/resourceShare:ResourceShare",
                    `share-${c}`,
                    { name: `share-${c}`, allowExternalPrincipals: false },
                    { parent: top, protect: true, outputs: { arn: `arn:share-${c}` } },
                );
        } else {
            const sg = b.add(
                "aws:ec2/securityGroup:SecurityGroup",
                `workloads-sg-${c}`,
                {
                    vpcId: "vpc-0aef6ec2d11fe5f5b",
                    ingress: [],
                    egress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
                },
                { parent: top },
            );
            if (full()) break;
            const role_ = b.add(
                "aws:iam/role:Role",
                `workloads-role-${c}`,
                { assumeRolePolicy: "{}" },
                { parent: top, outputs: { arn: `arn:role-${c}`, name: `workloads-role-${c}` } },
            );
            for (let i = 0; i < 3 && !full(); i++) {
                b.add(
                    "aws:ec2/instance:Instance",
                    `workloads-${c}-${i}`,
                    {
                        ami: "ami-0123456789abcdef0",
                        instanceType: "t3.small",
                        subnetId: "subnet-3f797f967adb2f306",
                        vpcSecurityGroupIds: [sg.id],
                        iamInstanceProfile: role_.name,
                    },
                    { parent: top, deps: { vpcSecurityGroupIds: [sg], iamInstanceProfile: [role_] } },
                );
            }
        }
    }
    return b.resources.slice(0, count);
}
