import type { CapturedResource, OfflineStackRun } from "../offline/runStack";

/** The properties worth a reviewer's eye per resource type; everything else stays in --json. */
const KEY_PROPERTIES: Record<string, readonly string[]> = {
    "pulumi:providers:aws": ["region", "profile", "allowedAccountIds", "assumeRoles"],
    "aws:ec2/vpc:Vpc": ["cidrBlock", "enableDnsSupport", "enableDnsHostnames"],
    "aws:ec2/subnet:Subnet": ["cidrBlock", "availabilityZoneId"],
    "aws:ram/resourceShare:ResourceShare": ["name", "allowExternalPrincipals"],
    "aws:ram/resourceAssociation:ResourceAssociation": ["resourceArn"],
    "aws:ram/principalAssociation:PrincipalAssociation": ["principal"],
    "aws:ram/resourceShareAccepter:ResourceShareAccepter": ["shareArn"],
    "aws:ec2/securityGroup:SecurityGroup": ["vpcId", "ingress", "egress"],
    "aws:ec2/vpcEndpoint:VpcEndpoint": ["serviceName", "vpcEndpointType", "privateDnsEnabled", "subnetIds", "securityGroupIds", "routeTableIds"],
    "aws:ec2/instance:Instance": [
        "instanceType",
        "ami",
        "subnetId",
        "vpcSecurityGroupIds",
        "metadataOptions.httpTokens",
        "rootBlockDevice.encrypted",
        "tags.GuardDutyManaged",
    ],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["policyArn"],
    "aws:ssm/association:Association": ["name", "parameters", "targets"],
    // Where coverage events go: the forwarding target names the audit account's bus.
    "aws:cloudwatch/eventRule:EventRule": ["eventBusName", "eventPattern"],
    "aws:cloudwatch/eventTarget:EventTarget": ["eventBusName", "arn", "roleArn"],
    "pulumi:pulumi:StackReference": ["name"],
};

function at(value: unknown, path: string): unknown {
    return path
        .split(".")
        .reduce<unknown>((current, key) => (current !== null && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined), value);
}

function compact(value: unknown): string {
    if (typeof value === "string") {
        // Provider inputs reach the engine JSON-encoded; show them decoded.
        if (/^[[{]/.test(value)) {
            try {
                return compact(JSON.parse(value));
            } catch {
                return value;
            }
        }
        return value;
    }
    if (Array.isArray(value)) return `[${value.map(compact).join(", ")}]`;
    if (value !== null && typeof value === "object") {
        const rule = value as Record<string, unknown>;
        if ("fromPort" in rule && "protocol" in rule) return `${rule.protocol}/${rule.fromPort}-${rule.toPort} ${compact(rule.cidrBlocks ?? [])}`;
        return `{${Object.entries(value)
            .map(([k, v]) => `${k}: ${compact(v)}`)
            .join(", ")}}`;
    }
    return String(value);
}

export function keyProperties(resource: CapturedResource): string {
    const keys = KEY_PROPERTIES[resource.type];
    if (!keys) return "";
    return keys
        .map((key) => [key, at(resource.inputs, key)] as const)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${compact(value)}`)
        .join("  ");
}

/** Everything the stack creates or reads, in registration order, with the flags that matter. */
export function describeResources(run: OfflineStackRun): Array<{ type: string; name: string; flags: string[]; properties: string }> {
    return run.resources
        .filter((resource) => resource.type !== "pulumi:pulumi:Stack")
        .map((resource) => ({
            type: resource.type,
            name: resource.name,
            flags: [
                resource.custom ? undefined : "component",
                resource.read ? "read" : undefined,
                resource.protect ? "protect" : undefined,
                // What `pulumi preview` shows as `= import`: an existing resource adopted, not created.
                resource.importId ? `import ${resource.importId}` : undefined,
            ].filter((f): f is string => f !== undefined),
            properties: keyProperties(resource),
        }));
}

export function formatOutputs(outputs: Record<string, unknown>): string[] {
    return Object.entries(outputs).map(([name, value]) => `${name} = ${compact(value)}`);
}
