/**
 * Bring your own VPC: the owner adopts an existing VPC and subnets (existingVpcId, subnets by
 * id) instead of creating them. It reads them through its pinned provider before registering
 * anything else, refuses what cannot work, then shares them and creates what the mode needs.
 * The fake cloud holds the network each test describes (WORLD), as AWS would report it.
 */
import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AGENT_MANAGEMENT_MODES, type AgentManagement } from "../../src/agentManagement";
import { NetworkLookupError } from "../../src/components/existingNetwork";
import { ownerOutputsSchema } from "guardduty-shared-vpc-contract";
import { runProgram } from "../../stacks";
import type { FakeNetwork, FakeSubnet, FakeVpc } from "../../tools/offline/fakeCloud";
import { runStackOffline, type CapturedResource } from "../../tools/offline/runStack";
import { DIY_ORGANIZATION, fullyQualifiedStackName, PROJECT } from "../../tools/offline/stacks";
import { plan, type StackPlan } from "../../tools/plan/plan";
import { evaluatePolicies, mandatoryViolations } from "../../tools/policy/evaluate";
import { auditOutputs, expectConfigError, FIXTURE_DIR, fixtureConfig, LOOKUP_PROVIDER, ofType, runStack, single, withConfig } from "../helpers/offline";

const EXISTING = path.join(FIXTURE_DIR, "existing-vpc");
const OWNER_ACCOUNT = "333333333333";
const VPC = "vpc-0e1f2a3b4c5d6e7f8";
const OTHER_VPC = "vpc-0ffffffffffffffff";
const MAIN_ROUTE_TABLE = "rtb-0000000000000000a";
const APP_A_ROUTE_TABLE = "rtb-0000000000000000b";
const TOOLS_ROUTE_TABLE = "rtb-0000000000000000c";
const SUBNET = {
    appA: "subnet-0aa11bb22cc33dd44",
    appB: "subnet-0bb11bb22cc33dd44",
    appB2: "subnet-0bc11bb22cc33dd44",
    tools: "subnet-0dd11bb22cc33dd44",
} as const;

const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    association: "aws:ram/resourceAssociation:ResourceAssociation",
    getVpc: "aws:ec2/getVpc:getVpc",
    getSubnet: "aws:ec2/getSubnet:getSubnet",
    getRouteTables: "aws:ec2/getRouteTables:getRouteTables",
} as const;

/** The network as AWS reports it, matching the fixture: a secondary CIDR, one subnet with its own route table, an unshared one with another. */
function world(): FakeNetwork {
    const vpc = (id: string, cidrBlocks: string[]): FakeVpc => ({
        id,
        cidrBlocks,
        enableDnsSupport: true,
        enableDnsHostnames: true,
        isDefault: false,
        ownerId: OWNER_ACCOUNT,
        mainRouteTableId: MAIN_ROUTE_TABLE,
    });
    const subnet = (id: string, cidrBlock: string, availabilityZoneId: string, routeTableId?: string): FakeSubnet => ({
        id,
        vpcId: VPC,
        cidrBlock,
        availabilityZoneId,
        ownerId: OWNER_ACCOUNT,
        ...(routeTableId ? { routeTableId } : {}),
    });
    return {
        vpcs: [vpc(VPC, ["10.40.0.0/16", "10.41.0.0/16"]), vpc(OTHER_VPC, ["10.99.0.0/16"])],
        subnets: [
            subnet(SUBNET.appA, "10.40.0.0/20", "use1-az1", APP_A_ROUTE_TABLE),
            subnet(SUBNET.appB, "10.41.16.0/20", "use1-az2"),
            subnet(SUBNET.appB2, "10.40.32.0/20", "use1-az2"),
            subnet(SUBNET.tools, "10.40.128.0/20", "use1-az4", TOOLS_ROUTE_TABLE),
        ],
    };
}

const vpcOf = (network: FakeNetwork, id = VPC) => network.vpcs.find((vpc) => vpc.id === id)!;
const subnetOf = (network: FakeNetwork, id: string) => network.subnets.find((subnet) => subnet.id === id)!;
const existingConfig = (changes: Record<string, unknown> = {}) => withConfig(fixtureConfig("owner", EXISTING), changes);

interface Trace {
    /** Registrations and invokes in the order the program made them. */
    events: Array<{ kind: "registered"; type: string; urn: string } | { kind: "invoke"; token: string; provider: string; inputs: Record<string, unknown> }>;
    run?: Awaited<ReturnType<typeof runStackOffline>>;
    error?: unknown;
}

async function owner(mode: AgentManagement, options: { changes?: Record<string, unknown>; network?: FakeNetwork | { failure: string } } = {}): Promise<Trace> {
    const trace: Trace = { events: [] };
    try {
        trace.run = await runStackOffline({
            project: PROJECT,
            stack: "owner",
            config: existingConfig(options.changes),
            program: runProgram,
            stackOutputs: (name) => (name === fullyQualifiedStackName("audit") ? auditOutputs(mode) : undefined),
            organization: DIY_ORGANIZATION,
            onRegistered: (resource: CapturedResource) => trace.events.push({ kind: "registered", type: resource.type, urn: resource.urn }),
            cloud: {
                existingNetwork: options.network ?? world(),
                onInvoke: ({ token, provider, inputs }) => trace.events.push({ kind: "invoke", token, provider, inputs }),
            },
        });
    } catch (error) {
        trace.error = error;
    }
    return trace;
}

const invokes = (trace: Trace) => trace.events.flatMap((event) => (event.kind === "invoke" ? [event] : []));
const registeredTypes = (trace: Trace) => trace.events.flatMap((event) => (event.kind === "registered" ? [event.type] : []));

for (const mode of AGENT_MANAGEMENT_MODES) {
    describe(`owner with an existing VPC, ${mode} agent management`, () => {
        let trace: Trace;
        const run = () => {
            assert.ok(trace.run, `the owner did not plan: ${String(trace.error)}`);
            return trace.run;
        };
        before(async () => {
            trace = await owner(mode);
        });

        it("reads the VPC and every subnet through the pinned provider before registering anything but that provider", () => {
            const provider = single(run(), "pulumi:providers:aws");
            const lookups = invokes(trace).filter((call) => call.token === T.getVpc || call.token === T.getSubnet);
            assert.deepEqual(lookups.map((call) => call.inputs.id).sort(), [VPC, ...Object.values(SUBNET)].sort());
            for (const call of invokes(trace))
                assert.ok(call.provider.startsWith(`${provider.urn}::`), `${call.token} went through ${call.provider || "the default provider"}`);
            const lastLookup = Math.max(...invokes(trace).map((call) => trace.events.indexOf(call)));
            const before = trace.events.slice(0, lastLookup).flatMap((event) => (event.kind === "registered" ? [event.type] : []));
            assert.deepEqual(before, ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "pulumi:providers:aws"]);
        });

        it("creates no VPC and no subnet, and shares the shared subnets by the ARNs AWS reports", () => {
            assert.deepEqual([...ofType(run(), T.vpc), ...ofType(run(), T.subnet)], []);
            const shared = ofType(run(), T.association)
                .map((association) => association.inputs.resourceArn)
                .sort();
            assert.deepEqual(shared, [SUBNET.appA, SUBNET.appB, SUBNET.appB2].map((id) => `arn:aws:ec2:us-east-1:${OWNER_ACCOUNT}:subnet/${id}`).sort());
            assert.equal(single(run(), "aws:ram/resourceShare:ResourceShare").protect, true);
        });

        it(`${mode === "manual" ? "creates the guardduty-data endpoint" : "leaves the guardduty-data endpoint to GuardDuty"} and the SSM endpoints, one shared subnet per AZ as AWS reports the zones`, () => {
            const interfaces = ofType(run(), T.endpoint).filter((endpoint) => endpoint.inputs.vpcEndpointType === "Interface");
            const services = interfaces.map((endpoint) => String(endpoint.inputs.serviceName).split(".").pop()).sort();
            assert.deepEqual(services, [...(mode === "manual" ? ["guardduty-data"] : []), "ec2messages", "ssm", "ssmmessages"].sort());
            for (const endpoint of interfaces) {
                assert.equal(endpoint.inputs.vpcId, VPC);
                // app-b2 shares use1-az2 with app-b, which comes first.
                assert.deepEqual(endpoint.inputs.subnetIds, [SUBNET.appA, SUBNET.appB], String(endpoint.inputs.serviceName));
            }
        });

        it("lets HTTPS into the endpoints from every CIDR block AWS reports for the VPC, secondary included", () => {
            const sg = single(run(), T.sg);
            assert.equal(sg.inputs.vpcId, VPC);
            assert.deepEqual((sg.inputs.ingress as Array<{ cidrBlocks: string[] }>)[0].cidrBlocks, ["10.40.0.0/16", "10.41.0.0/16"]);
        });

        it("puts the S3 gateway on the route tables the shared subnets use (their own, else the main one), not on an unshared subnet's", () => {
            const gateway = ofType(run(), T.endpoint).find((endpoint) => endpoint.inputs.vpcEndpointType === "Gateway");
            assert.deepEqual([...(gateway?.inputs.routeTableIds as string[])].sort(), [APP_A_ROUTE_TABLE, MAIN_ROUTE_TABLE].sort());
            const asked = invokes(trace)
                .filter((call) => call.token === T.getRouteTables)
                .flatMap((call) => (call.inputs.filters as Array<{ values: string[] }>)[0].values);
            assert.deepEqual(asked.sort(), [SUBNET.appA, SUBNET.appB, SUBNET.appB2].sort(), "only the shared subnets' route tables are looked up");
        });

        it("publishes the owner contract with AWS's facts: the existing IDs, the primary CIDR, each shared subnet's zone and CIDR", () => {
            const outputs = ownerOutputsSchema.parse(run().outputs);
            assert.equal(outputs.vpcId, VPC);
            assert.equal(outputs.vpcCidr, "10.40.0.0/16");
            assert.equal(outputs.agentManagement, mode);
            assert.deepEqual(
                outputs.sharedSubnets.map((s) => [s.name, s.id, s.azId, s.cidr]),
                [
                    ["app-a", SUBNET.appA, "use1-az1", "10.40.0.0/20"],
                    ["app-b", SUBNET.appB, "use1-az2", "10.41.16.0/20"],
                    ["app-b2", SUBNET.appB2, "use1-az2", "10.40.32.0/20"],
                ],
            );
            assert.deepEqual(outputs.sharedSubnetIds, [SUBNET.appA, SUBNET.appB, SUBNET.appB2]);
            assert.equal("guardDutyEndpointId" in outputs, mode === "manual");
        });

        it("passes the policy pack with no mandatory violation", async () => {
            const verdicts = await evaluatePolicies("owner", run().resources, {}, { stackConfig: existingConfig() });
            assert.deepEqual(mandatoryViolations(verdicts), []);
        });

        it("serves a participant, which launches into the adopted subnets by name", async () => {
            const participant = await runStack("participant", withConfig(fixtureConfig("participant"), { instances: [{ name: "app-1", subnet: "app-b" }] }), {
                owner: run().outputs,
            });
            const instance = single(participant, "aws:ec2/instance:Instance");
            assert.equal(instance.inputs.subnetId, SUBNET.appB);
            assert.equal(single(participant, T.sg).inputs.vpcId, VPC);
        });

        it("with ssmEndpoints false, looks up no route tables and creates no S3 gateway", async () => {
            const quiet = await owner(mode, { changes: { ssmEndpoints: "false" } });
            assert.ok(quiet.run, String(quiet.error));
            assert.deepEqual(
                invokes(quiet).filter((call) => call.token === T.getRouteTables),
                [],
            );
            assert.deepEqual(
                ofType(quiet.run, T.endpoint).map((endpoint) => String(endpoint.inputs.serviceName).split(".").pop()),
                mode === "manual" ? ["guardduty-data"] : [],
            );
        });

        describe("refuses what cannot work, naming the key, before registering anything but the provider", () => {
            interface Refusal {
                name: string;
                world?: (network: FakeNetwork) => void;
                changes?: Record<string, unknown>;
                key: string;
                says: RegExp;
            }
            const refusals: Refusal[] = [
                {
                    name: "a VPC AWS does not report here (a typo, another account or region)",
                    changes: { existingVpcId: "vpc-0123456789abcdef0" },
                    key: "existingVpcId",
                    says: /a VPC of account 333333333333 in us-east-1: AWS reports none with this ID \("no matching EC2 VPC found"\)/,
                },
                {
                    name: "the account's default VPC",
                    world: (n) => void (vpcOf(n).isDefault = true),
                    key: "existingVpcId",
                    says: /not the account's default VPC: AWS does not share subnets of a default VPC/,
                },
                {
                    name: "DNS hostnames off",
                    world: (n) => void (vpcOf(n).enableDnsHostnames = false),
                    key: "existingVpcId",
                    says: /\(enableDnsHostnames is false\).*modify-vpc-attribute --vpc-id vpc-0e1f2a3b4c5d6e7f8 --enable-dns-hostnames/,
                },
                {
                    name: "DNS support off",
                    world: (n) => void (vpcOf(n).enableDnsSupport = false),
                    key: "existingVpcId",
                    says: /\(enableDnsSupport is false\).*Enabling private DNS requires both.*--enable-dns-support/,
                },
                {
                    name: "a VPC another account owns and shares with this one",
                    world: (n) => void (vpcOf(n).ownerId = "999999999999"),
                    key: "existingVpcId",
                    says: /belongs to 999999999999 .*only a VPC's owner can share its subnets/,
                },
                {
                    name: "a subnet AWS does not report here",
                    changes: {
                        subnets: [
                            { name: "app-a", id: SUBNET.appA },
                            { name: "app-b", id: "subnet-01234567" },
                        ],
                    },
                    key: "subnets[1].id",
                    says: /AWS reports none with this ID \("no matching EC2 Subnet found"\)/,
                },
                {
                    name: "a subnet of another VPC",
                    world: (n) => void (subnetOf(n, SUBNET.appB).vpcId = OTHER_VPC),
                    key: "subnets[1].id",
                    says: new RegExp(`a subnet of existingVpcId ${VPC}: ${SUBNET.appB} is in ${OTHER_VPC}`),
                },
                {
                    name: "a subnet another account owns",
                    world: (n) => void (subnetOf(n, SUBNET.appB2).ownerId = "999999999999"),
                    key: "subnets[2].id",
                    says: /999999999999 owns this one, and only a subnet's owner can share it/,
                },
                {
                    name: "an AZ ID other than AWS reports",
                    world: (n) => void (subnetOf(n, SUBNET.appA).availabilityZoneId = "use1-az6"),
                    key: "subnets[0].azId",
                    says: /use1-az6, the AZ ID AWS reports for subnet-0aa11bb22cc33dd44/,
                },
                {
                    name: "a CIDR other than AWS reports",
                    world: (n) => void (subnetOf(n, SUBNET.appA).cidrBlock = "10.40.64.0/20"),
                    key: "subnets[0].cidr",
                    says: /10\.40\.64\.0\/20, the CIDR AWS reports for subnet-0aa11bb22cc33dd44/,
                },
                {
                    name: "a shared subnet AWS reports in a Local Zone",
                    world: (n) => void (subnetOf(n, SUBNET.appB).availabilityZoneId = "use1-bos1-az1"),
                    key: "subnets[1].id",
                    says: /AWS reports it in Local Zone use1-bos1-az1; the interface endpoints participants use are placed in the shared subnets/,
                },
            ];

            for (const refusal of refusals) {
                it(`${refusal.name} → names ${refusal.key}`, async () => {
                    const network = world();
                    refusal.world?.(network);
                    await expectConfigError(
                        () => runStack("owner", existingConfig(refusal.changes), { audit: auditOutputs(mode) }, { cloud: { existingNetwork: network } }),
                        refusal.key,
                        refusal.says,
                        LOOKUP_PROVIDER,
                    );
                });
            }

            it("a Local Zone subnet kept out of the share is accepted", async () => {
                const network = world();
                subnetOf(network, SUBNET.tools).availabilityZoneId = "use1-bos1-az1";
                const result = await owner(mode, { network });
                assert.ok(result.run, String(result.error));
            });

            it("reports every problem of the network in one pass", async () => {
                const network = world();
                vpcOf(network).enableDnsHostnames = false;
                subnetOf(network, SUBNET.appA).cidrBlock = "10.40.64.0/20";
                subnetOf(network, SUBNET.appB2).vpcId = OTHER_VPC;
                const error = await expectConfigError(
                    () => runStack("owner", existingConfig(), { audit: auditOutputs(mode) }, { cloud: { existingNetwork: network } }),
                    "existingVpcId",
                    undefined,
                    LOOKUP_PROVIDER,
                );
                assert.deepEqual(error.problems.map((p) => p.key).sort(), [
                    "guardduty-shared-vpc:existingVpcId",
                    "guardduty-shared-vpc:subnets[0].cidr",
                    "guardduty-shared-vpc:subnets[2].id",
                ]);
            });

            it("stops with the permissions to grant, and the provider's words, when a lookup fails for another reason", async () => {
                const denied =
                    "reading EC2 VPC: operation error EC2: DescribeVpcs, https response error StatusCode: 403, api error UnauthorizedOperation: You are not authorized to perform this operation. User: arn:aws:sts::333333333333:assumed-role/deploy/ci is not authorized to perform: ec2:DescribeVpcs";
                const result = await owner(mode, { network: { failure: denied } });
                assert.ok(result.error instanceof NetworkLookupError, `expected a NetworkLookupError, got ${String(result.error)}`);
                assert.match(result.error.message, /VPC vpc-0e1f2a3b4c5d6e7f8 in account 333333333333 \(us-east-1\) failed/);
                assert.match(result.error.message, /ec2:DescribeVpcs, ec2:DescribeVpcAttribute, ec2:DescribeSubnets and ec2:DescribeRouteTables/);
                assert.ok(result.error.message.includes("is not authorized to perform: ec2:DescribeVpcs"), "the provider's own words are kept");
                assert.deepEqual(registeredTypes(result), ["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference", "pulumi:providers:aws"]);
            });
        });
    });
}

describe("owner network config: creating and adopting do not mix (refused before any lookup)", () => {
    const created = () => fixtureConfig("owner");
    const cases: Array<{ name: string; config: () => Record<string, string>; key: string; says: RegExp }> = [
        {
            name: "existingVpcId together with vpcCidr",
            config: () => withConfig(created(), { existingVpcId: VPC }),
            key: "vpcCidr",
            says: /nothing while existingVpcId is set \(vpc-0e1f2a3b4c5d6e7f8\): the existing VPC's CIDR is read from AWS/,
        },
        {
            name: "neither vpcCidr nor existingVpcId",
            config: () => withConfig(created(), { vpcCidr: undefined }),
            key: "vpcCidr",
            says: /for the VPC this stack creates, or existingVpcId to adopt an existing VPC/,
        },
        {
            name: "a subnet to create in an adopted VPC",
            config: () =>
                existingConfig({
                    subnets: [
                        { name: "app-a", id: SUBNET.appA },
                        { name: "new", cidr: "10.40.200.0/24", azId: "use1-az1" },
                    ],
                }),
            key: "subnets[1].id",
            says: /in an adopted VPC this stack creates no subnets/,
        },
        {
            name: "an existing subnet in a VPC this stack creates",
            config: () => withConfig(created(), { subnets: [{ name: "workloads-a", id: SUBNET.appA, cidr: "10.20.0.0/20", azId: "use1-az1" }] }),
            key: "subnets[0].id",
            says: /can be named only together with its VPC, existingVpcId/,
        },
        {
            name: "a subnet to create without a CIDR",
            config: () => withConfig(created(), { subnets: [{ name: "workloads-a", azId: "use1-az1" }] }),
            key: "subnets[0].cidr",
            says: /inside vpcCidr, for the subnet this stack creates/,
        },
        {
            name: "a subnet to create without an AZ ID",
            config: () => withConfig(created(), { subnets: [{ name: "workloads-a", cidr: "10.20.0.0/20" }] }),
            key: "subnets[0].azId",
            says: /for the subnet this stack creates/,
        },
        {
            name: "one existing subnet named twice",
            config: () =>
                existingConfig({
                    subnets: [
                        { name: "app-a", id: SUBNET.appA },
                        { name: "app-a-again", id: SUBNET.appA },
                    ],
                }),
            key: "subnets[1].id",
            says: /a subnet not already named by subnets\[0\]/,
        },
        {
            name: "a VPC ID that is not one",
            config: () => existingConfig({ existingVpcId: "vpc-XYZ" }),
            key: "existingVpcId",
            says: /such as vpc-0a1b2c3d4e5f67890/,
        },
        {
            name: "a subnet ID that is not one",
            config: () => existingConfig({ subnets: [{ name: "app-a", id: "sn-1" }] }),
            key: "subnets[0].id",
            says: /such as subnet-0a1b2c3d4e5f67890/,
        },
        {
            name: "a stated AZ ID of another region",
            config: () => existingConfig({ subnets: [{ name: "app-a", id: SUBNET.appA, azId: "euw1-az1" }] }),
            key: "subnets[0].azId",
            says: /an availability-zone ID of us-east-1/,
        },
        {
            name: "an unknown key on a subnet",
            config: () => existingConfig({ subnets: [{ name: "app-a", subnetId: SUBNET.appA }] }),
            key: "subnets[0].subnetId",
            says: /./,
        },
    ];
    for (const testCase of cases) {
        it(`${testCase.name} → names ${testCase.key}`, async () => {
            await expectConfigError(
                () => runStack("owner", testCase.config(), { audit: auditOutputs("manual") }, { cloud: { existingNetwork: world() } }),
                testCase.key,
                testCase.says,
            );
        });
    }

    it("the offline plan takes an existing network to be as configured, and says so", async () => {
        const run = await runStack("owner", existingConfig());
        assert.equal(run.outputs.vpcId, VPC);
        assert.equal(run.outputs.vpcCidr, "10.40.0.0/16", "the /16 around the stated subnet CIDR");
        const appA = (run.outputs.sharedSubnets as Array<{ name: string; azId: string; cidr: string }>).find((s) => s.name === "app-a");
        assert.deepEqual([appA?.azId, appA?.cidr], ["use1-az1", "10.40.0.0/20"]);
        assert.ok(
            run.notes.some((note) => note.includes(`the existing VPC ${VPC} and its subnets are taken to be as the config describes them`)),
            run.notes.join("\n"),
        );
    });

    it("npm run plan plans a set whose owner adopts a VPC, and says what it took as given", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "gdsv-existing-"));
        for (const file of readdirSync(FIXTURE_DIR).filter((f) => /^Pulumi\..+\.yaml$/.test(f)))
            copyFileSync(path.join(FIXTURE_DIR, file), path.join(dir, file));
        copyFileSync(path.join(EXISTING, "Pulumi.owner.yaml"), path.join(dir, "Pulumi.owner.yaml"));
        for (const participant of ["Pulumi.participant.yaml", "Pulumi.participant-b.yaml"]) {
            const file = path.join(dir, participant);
            writeFileSync(file, readFileSync(file, "utf8").replace(/subnet: \S+/g, "subnet: app-b"));
        }
        const out: string[] = [];
        const code = await plan(["--json"], { projectDir: dir, out: (line) => out.push(line), err: (line) => out.push(line) });
        const stacks = (JSON.parse(out.join("\n")) as { stacks: StackPlan[] }).stacks;
        assert.equal(code, 0, out.join("\n"));
        const ownerPlan = stacks.find((s) => s.stack === "owner");
        assert.ok(
            ownerPlan?.notes?.some((note) => /existing VPC vpc-0e1f2a3b4c5d6e7f8 and its subnets are taken to be as the config describes them/.test(note)),
            JSON.stringify(ownerPlan?.notes),
        );
        const text: string[] = [];
        await plan(["--stack", "owner", "--no-policies"], { projectDir: dir, out: (line) => text.push(line), err: (line) => text.push(line) });
        assert.match(text.join("\n"), /offline, taken as given:\n {2}- the existing VPC vpc-0e1f2a3b4c5d6e7f8/);
    });

    it("a stack that creates its VPC looks nothing up", async () => {
        const calls: string[] = [];
        await runStack("owner", fixtureConfig("owner"), undefined, { cloud: { onInvoke: ({ token }) => void calls.push(token) } });
        assert.deepEqual(
            calls.filter((token) => token.startsWith("aws:ec2/")),
            [],
        );
    });
});
