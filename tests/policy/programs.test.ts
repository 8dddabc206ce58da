import * as assert from "node:assert/strict";
import type { CapturedResource } from "../../tools/offline/runStack";
import { discoverStacks, runStacksInOrder, ShippedStack, StackRunResult } from "../../tools/offline/stacks";
import { asFirstPreview, evaluatePolicies, mandatoryViolations, PolicyVerdict } from "../../tools/policy/evaluate";
import { auditOutputs, FIXTURE_DIR, runStack, fixtureConfig, withConfig } from "../helpers/offline";
import { expectMandatory, setProps } from "./helpers";

/**
 * The pack against the real programs: every resource the fixture stacks register under the mock
 * runtime, as `pulumi up` would report it and as the first `pulumi preview` sees it (IDs unknown).
 * Stacks come from discoverStacks, so a new fixture Pulumi.<stack>.yaml is covered without editing this.
 */
describe("policy pack on the fixture stacks (offline runtime)", function () {
    this.timeout(120000);

    let results: StackRunResult[];
    const run = (stack: string): { stack: ShippedStack; resources: CapturedResource[] } => {
        const result = results.find((r) => r.stack.stack === stack);
        assert.ok(result?.run, `stack ${stack} did not run: ${String(result?.error)}`);
        return { stack: result.stack, resources: structuredClone(result.run.resources) };
    };
    const evaluate = (stack: ShippedStack, resources: CapturedResource[]): Promise<PolicyVerdict[]> =>
        evaluatePolicies(stack.stack, resources, {}, { stackConfig: stack.config, onUnknownValueError: "throw" });
    const byType = (resources: CapturedResource[], type: string, predicate: (r: CapturedResource) => boolean = () => true): CapturedResource => {
        const found = resources.find((r) => r.type === type && predicate(r));
        assert.ok(found, `no ${type}`);
        return found;
    };
    const mandatoryPolicies = (verdicts: PolicyVerdict[]) => [...new Set(mandatoryViolations(verdicts).map((v) => v.policy))].sort();

    before(async () => {
        results = await runStacksInOrder(discoverStacks(FIXTURE_DIR));
    });

    it("runs every fixture stack, owner and participants included", () => {
        for (const result of results) assert.ok(result.run, `${result.stack.stack}: ${String(result.error)}`);
        const roles = new Set(results.map((r) => r.stack.role));
        assert.ok(roles.has("owner") && roles.has("participant"), `roles: ${[...roles].join(", ")}`);
    });

    it("passes every fixture stack with no verdict at all, as deployed and at its first preview", async () => {
        for (const result of results) {
            const { stack, resources } = run(result.stack.stack);
            for (const [when, list] of [
                ["deployed", resources],
                ["first preview", asFirstPreview(resources)],
            ] as const) {
                const verdicts = await evaluate(stack, list);
                assert.deepEqual(
                    verdicts,
                    [],
                    `${stack.stack} (${when}, role ${stack.role}) has verdicts:\n${verdicts.map((v) => `${v.policy}: ${v.message}`).join("\n")}`,
                );
            }
        }
    });

    it("the first preview really hides the IDs the policies would otherwise match on", () => {
        const { resources } = run("owner");
        const preview = asFirstPreview(resources);
        const endpoint = byType(preview, "aws:ec2/vpcEndpoint:VpcEndpoint", (r) => String(r.inputs.serviceName).endsWith("guardduty-data"));
        assert.notEqual(endpoint.outputs.vpcId, byType(resources, "aws:ec2/vpc:Vpc").id);
        assert.ok((endpoint.outputs.securityGroupIds as string[]).every((id) => !id.startsWith("sg-")));
    });

    it("passes the owner's program variants: endpoint policy scoped to accounts, automated agent management (no guardduty endpoint)", async () => {
        const owner = fixtureConfig("owner");
        for (const [changes, mode] of [
            [{ endpointPolicyScope: "accounts" }, "manual"],
            [{}, "automated"],
        ] as const) {
            const variant = await runStack("owner", withConfig(owner, changes), { audit: auditOutputs(mode) });
            const stack = { stack: "owner", role: "owner", config: owner } as ShippedStack;
            assert.deepEqual(await evaluate(stack, variant.resources), [], JSON.stringify(changes));
        }
    });

    describe("seeded violations fail with the right policy, and only that one", () => {
        const seeded = async (stackName: string, seed: (resources: CapturedResource[]) => void, expected: string[], preview = false) => {
            const { stack, resources } = run(stackName);
            seed(resources);
            const verdicts = await evaluate(stack, preview ? asFirstPreview(resources) : resources);
            assert.deepEqual(mandatoryPolicies(verdicts), [...expected].sort(), verdicts.map((v) => `${v.policy}: ${v.message}`).join("\n"));
            return verdicts;
        };

        it("an endpoint added to the participant", async () => {
            for (const preview of [false, true]) {
                const verdicts = await seeded(
                    "participant",
                    (resources) => {
                        const sg = byType(resources, "aws:ec2/securityGroup:SecurityGroup");
                        const component = byType(resources, "guardduty-shared-vpc:compute:MonitoredInstances");
                        resources.push({
                            ...structuredClone(sg),
                            urn: sg.urn.replace("aws:ec2/securityGroup:SecurityGroup::workloads-sg", "aws:ec2/vpcEndpoint:VpcEndpoint::own-guardduty"),
                            type: "aws:ec2/vpcEndpoint:VpcEndpoint",
                            name: "own-guardduty",
                            parent: component.urn,
                            dependencies: [sg.urn],
                            propertyDependencies: {
                                vpcId: [],
                                serviceName: [],
                                vpcEndpointType: [],
                                privateDnsEnabled: [],
                                securityGroupIds: [sg.urn],
                                policy: [],
                            },
                            inputs: {
                                vpcId: sg.inputs.vpcId,
                                serviceName: "com.amazonaws.us-east-1.guardduty-data",
                                vpcEndpointType: "Interface",
                                privateDnsEnabled: true,
                                securityGroupIds: [sg.id],
                                policy: JSON.stringify({
                                    Statement: [
                                        {
                                            Effect: "Deny",
                                            Principal: "*",
                                            Action: "*",
                                            Resource: "*",
                                            Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
                                        },
                                    ],
                                }),
                            },
                            outputs: {},
                            id: "vpce-participant",
                        });
                        const endpoint = resources[resources.length - 1];
                        endpoint.outputs = { ...endpoint.inputs, id: endpoint.id };
                    },
                    ["no-vpc-endpoint-in-participant-stack"],
                    preview,
                );
                expectMandatory(
                    verdicts,
                    "no-vpc-endpoint-in-participant-stack",
                    /participant stack "participant" \(a participant by its guardduty-shared-vpc:stacks:Participant component/,
                );
            }
        });

        it("a participant's security group on the owner's endpoint", async () => {
            const participantSg = String(run("participant").resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup")?.id);
            for (const preview of [false, true]) {
                const verdicts = await seeded(
                    "owner",
                    (resources) => {
                        const endpoint = byType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint", (r) => String(r.inputs.serviceName).endsWith("guardduty-data"));
                        setProps(endpoint, { securityGroupIds: [participantSg] });
                        endpoint.propertyDependencies.securityGroupIds = [];
                    },
                    ["endpoint-security-groups-owned-by-stack"],
                    preview,
                );
                expectMandatory(verdicts, "endpoint-security-groups-owned-by-stack", participantSg);
                // The https-only rule cannot see that group's rules, and says so rather than passing.
                assert.ok(
                    verdicts.some(
                        (v) =>
                            v.policy === "guardduty-endpoint-sg-https-only" &&
                            v.enforcementLevel === "advisory" &&
                            /cannot be checked from this stack/.test(v.message),
                    ),
                );
            }
        });

        it("external principals allowed on the subnet share", async () => {
            const verdicts = await seeded(
                "owner",
                (resources) => setProps(byType(resources, "aws:ram/resourceShare:ResourceShare"), { allowExternalPrincipals: true }),
                ["subnet-share-org-only"],
            );
            assert.equal(verdicts[0].phase, "resource");
        });

        it("0.0.0.0/0 on 443 in the endpoints' security group", async () => {
            for (const preview of [false, true]) {
                await seeded(
                    "owner",
                    (resources) => {
                        const sg = byType(resources, "aws:ec2/securityGroup:SecurityGroup");
                        setProps(sg, {
                            ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"], description: "HTTPS from anywhere" }],
                        });
                    },
                    ["guardduty-endpoint-sg-https-only"],
                    preview,
                );
            }
        });

        it("an unpinned provider, and a resource left on the default provider", async () => {
            await seeded(
                "participant",
                (resources) => {
                    setProps(byType(resources, "pulumi:providers:aws"), { allowedAccountIds: undefined });
                },
                ["stack-account-pinned"],
            );
            const verdicts = await seeded(
                "owner",
                (resources) => {
                    delete byType(resources, "aws:ram/resourceShare:ResourceShare").provider;
                },
                ["stack-account-pinned"],
            );
            expectMandatory(verdicts, "stack-account-pinned", /AWS provider "default" has no allowedAccountIds/);
        });

        it("an allow-all guardduty-data endpoint policy, and a VPC without DNS hostnames", async () => {
            await seeded(
                "owner",
                (resources) => {
                    const endpoint = byType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint", (r) => String(r.inputs.serviceName).endsWith("guardduty-data"));
                    setProps(endpoint, {
                        policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }),
                    });
                },
                ["guardduty-endpoint-policy-scoped"],
            );
            await seeded(
                "owner",
                (resources) => setProps(byType(resources, "aws:ec2/vpc:Vpc"), { enableDnsHostnames: false }),
                ["guardduty-endpoint-private-dns"],
                true,
            );
        });

        it("a participant instance on the owner's endpoint security group (read from the owner's outputs)", async () => {
            const ownerSg = String(run("owner").resources.find((r) => r.type === "aws:ec2/securityGroup:SecurityGroup")?.id);
            for (const preview of [false, true]) {
                await seeded(
                    "participant",
                    (resources) => {
                        const instance = byType(resources, "aws:ec2/instance:Instance");
                        setProps(instance, { vpcSecurityGroupIds: [ownerSg] });
                        instance.propertyDependencies.vpcSecurityGroupIds = [];
                    },
                    ["participant-instances-use-own-security-groups"],
                    preview,
                );
            }
        });

        /** A resource added to a captured stack as the program would register it: URN under `parent`, the stack's provider, dependencies. */
        const add = (
            resources: CapturedResource[],
            type: string,
            name: string,
            inputs: Record<string, unknown>,
            options: { parent?: CapturedResource; deps?: Record<string, CapturedResource[]>; provider?: CapturedResource } = {},
        ): CapturedResource => {
            const parent = options.parent ?? byType(resources, "pulumi:pulumi:Stack");
            const qualified = parent.type === "pulumi:pulumi:Stack" ? type : `${parent.urn.split("::")[2]}$${type}`;
            const [stack, project] = parent.urn.slice("urn:pulumi:".length).split("::");
            const provider = options.provider ?? byType(resources, "pulumi:providers:aws");
            const propertyDependencies = Object.fromEntries(Object.keys(inputs).map((key) => [key, (options.deps?.[key] ?? []).map((dep) => dep.urn)]));
            const id = `${name}-0123abcd`;
            const resource: CapturedResource = {
                urn: `urn:pulumi:${stack}::${project}::${qualified}::${name}`,
                type,
                name,
                custom: true,
                read: false,
                parent: parent.urn,
                protect: false,
                provider: `${provider.urn}::${provider.id}`,
                dependencies: [...new Set(Object.values(propertyDependencies).flat())],
                propertyDependencies,
                inputs,
                outputs: { ...inputs, id },
                id,
            };
            resources.push(resource);
            return resource;
        };
        const guardDutyEndpointOf = (resources: CapturedResource[]) =>
            byType(resources, "aws:ec2/vpcEndpoint:VpcEndpoint", (r) => String(r.inputs.serviceName).endsWith("guardduty-data"));

        it("a second, allow-all VpcEndpointPolicy on the owner's guardduty-data endpoint", async () => {
            for (const preview of [false, true]) {
                const verdicts = await seeded(
                    "owner",
                    (resources) => {
                        const endpoint = guardDutyEndpointOf(resources);
                        add(
                            resources,
                            "aws:ec2/vpcEndpointPolicy:VpcEndpointPolicy",
                            "gd-open",
                            {
                                vpcEndpointId: endpoint.id,
                                policy: JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }] }),
                            },
                            { parent: endpoint, deps: { vpcEndpointId: [endpoint] } },
                        );
                    },
                    ["guardduty-endpoint-policy-scoped"],
                    preview,
                );
                expectMandatory(verdicts, "guardduty-endpoint-policy-scoped", /AWS keeps one policy per endpoint/);
                expectMandatory(
                    verdicts,
                    "guardduty-endpoint-policy-scoped",
                    /VpcEndpointPolicy "gd-open" \(a policy of VpcEndpoint .*\) does not keep other accounts out/,
                );
            }
        });

        it("two halves of the internet in a rule whose group comes from the endpoint's outputs", async () => {
            for (const preview of [false, true]) {
                await seeded(
                    "owner",
                    (resources) => {
                        const endpoint = guardDutyEndpointOf(resources);
                        const groupId = (endpoint.inputs.securityGroupIds as string[])[0];
                        for (const [name, cidr] of [
                            ["lower", "0.0.0.0/1"],
                            ["upper", "128.0.0.0/1"],
                        ]) {
                            add(
                                resources,
                                "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                                `https-${name}`,
                                { securityGroupId: groupId, ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: cidr },
                                { deps: { securityGroupId: [endpoint] } },
                            );
                        }
                    },
                    ["guardduty-endpoint-sg-https-only"],
                    preview,
                );
            }
        });

        it("a participant's Auto Scaling group on a launch template without a security group, and an association into the owner's share", async () => {
            for (const preview of [false, true]) {
                await seeded(
                    "participant",
                    (resources) => {
                        const template = add(resources, "aws:ec2/launchTemplate:LaunchTemplate", "workers", {
                            imageId: "ami-50d9a7ae55169d5e3",
                            instanceType: "t3.small",
                        });
                        add(
                            resources,
                            "aws:autoscaling/group:Group",
                            "workers",
                            {
                                minSize: 1,
                                maxSize: 2,
                                vpcZoneIdentifiers: ["subnet-3f797f967adb2f306"],
                                launchTemplate: { id: template.id, version: "$Latest" },
                            },
                            { deps: { launchTemplate: [template] } },
                        );
                    },
                    ["participant-instances-use-own-security-groups"],
                    preview,
                );
                await seeded(
                    "participant",
                    (resources) => {
                        const owner = byType(resources, "pulumi:pulumi:StackReference");
                        const shareArn = (owner.outputs.outputs as Record<string, unknown>).resourceShareArn;
                        add(
                            resources,
                            "aws:ram/principalAssociation:PrincipalAssociation",
                            "join",
                            { resourceShareArn: shareArn, principal: "666666666666" },
                            { deps: { resourceShareArn: [owner] } },
                        );
                    },
                    ["ram-associations-into-own-shares"],
                    preview,
                );
            }
        });

        it("nothing for a participant's S3 gateway endpoint in a VPC of its own", async () => {
            for (const preview of [false, true]) {
                await seeded(
                    "participant",
                    (resources) => {
                        const vpc = add(resources, "aws:ec2/vpc:Vpc", "tools", { cidrBlock: "10.99.0.0/16" });
                        add(
                            resources,
                            "aws:ec2/vpcEndpoint:VpcEndpoint",
                            "tools-s3",
                            { vpcId: vpc.id, serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
                            { deps: { vpcId: [vpc] } },
                        );
                    },
                    [],
                    preview,
                );
            }
        });
    });
});
