import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { allPolicies } from "../../policy/policies";
import { asFirstPreview } from "../../tools/policy/evaluate";
import { orgScopedEndpointPolicy, StackBuilder } from "../../tools/policy/synthetic";
import { AnalyzerConnection, Diagnostic, RunningPack, startPolicyPack } from "../../tools/policy/wire";
import { discoverStacks, runStacksInOrder } from "../../tools/offline/stacks";
import { FIXTURE_DIR, PROJECT_DIR } from "../helpers/offline";
import { ownerFixture, participantFixture, U } from "./helpers";

/** Start-up as the CLI launches the pack (type-checked ts-node) is measured here; the target. */
const STARTUP_TARGET_MS = 4000;
const START_TIMEOUT_MS = 60000;
const SCOPED = "guardduty-endpoint-policy-scoped";

function only(diagnostics: readonly Diagnostic[], policy: string): Diagnostic[] {
    return diagnostics.filter((d) => d.policy === policy);
}

/**
 * The pack as `pulumi preview --policy-pack policy` runs it: a separate process started through
 * @pulumi/pulumi/cmd/run-policy-pack, driven over the Analyzer gRPC protocol with the stubs
 * @pulumi/pulumi ships, in the order the engine calls it.
 */
describe("policy pack over the wire (run-policy-pack + Analyzer gRPC)", function () {
    this.timeout(START_TIMEOUT_MS + 30000);
    let pack: RunningPack;
    let analyzer: AnalyzerConnection;

    before(async () => {
        pack = await startPolicyPack({ timeoutMs: START_TIMEOUT_MS });
        console.log(`      pack start-up (spawn → port, type-checked ts-node): ${pack.startupMs.toFixed(0)} ms`);
        analyzer = new AnalyzerConnection(pack.address);
    });

    after(async () => {
        analyzer?.close();
        await pack?.stop();
    });

    it("starts as the CLI starts it and prints its port", async () => {
        assert.match(pack.address, /^127\.0\.0\.1:\d+$/);
        assert.equal(await analyzer.pluginVersion(), "1.21.0");
        if (pack.startupMs > STARTUP_TARGET_MS) console.log(`      (over the ${STARTUP_TARGET_MS} ms target on this machine)`);
    });

    it("GetAnalyzerInfo lists every policy of the pack, mandatory, with the pack's name and package.json version", async () => {
        const info = await analyzer.info();
        assert.equal(info.name, "guardduty-shared-vpc");
        const version = (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy", "package.json"), "utf8")) as { version: string }).version;
        assert.equal(info.version, version);
        assert.deepEqual(
            info.policies.map((p) => p.name),
            allPolicies.map((p) => p.name),
        );
        assert.ok(
            info.policies.every((p) => p.enforcementLevel === "mandatory"),
            JSON.stringify(info.policies),
        );
        assert.equal(info.policies.find((p) => p.name === "subnet-share-org-only")?.type, "resource");
        for (const name of ["stack-account-pinned", "ram-associations-into-own-shares", "endpoints-shares-instances-via-aws-provider"]) {
            assert.equal(info.policies.find((p) => p.name === name)?.type, "stack", name);
        }
        await analyzer.configureStack("owner", "guardduty-shared-vpc");
    });

    it("Analyze fails a share that allows external principals (mandatory), and waits (advisory) on an unknown one", async () => {
        const { b, share } = ownerFixture({ share: { allowExternalPrincipals: true } });
        const diagnostics = await analyzer.analyze(share, b.resources);
        assert.deepEqual(
            diagnostics.map((d) => [d.policy, d.enforcementLevel]),
            [["subnet-share-org-only", "mandatory"]],
        );
        assert.match(diagnostics[0].message, /Set allowExternalPrincipals: false/);
        const unknown = ownerFixture({ share: { allowExternalPrincipals: U.boolean } });
        const waits = await analyzer.analyze(unknown.share, unknown.b.resources);
        assert.deepEqual(
            waits.map((d) => [d.policy, d.enforcementLevel]),
            [["subnet-share-org-only", "advisory"]],
        );
        assert.match(waits[0].message, /cannot be checked until allowExternalPrincipals is known/);
        assert.deepEqual(await analyzer.analyze(ownerFixture().share), []);
    });

    it("AnalyzeStack passes the fixture stacks and fails seeded ones with mandatory diagnostics from the right policies", async () => {
        for (const result of await runStacksInOrder(discoverStacks(FIXTURE_DIR))) {
            assert.ok(result.run, String(result.error));
            assert.deepEqual(await analyzer.analyzeStack(result.run.resources), [], `${result.stack.stack} over the wire`);
        }

        // A participant that declares an endpoint with the owner's security group, and an unpinned provider.
        const { b, provider } = participantFixture();
        provider.inputs = { region: "us-east-1" };
        provider.outputs = { ...provider.inputs };
        const endpoint = b.add("aws:ec2/vpcEndpoint:VpcEndpoint", "own-endpoint", {
            vpcId: "vpc-0aef6ec2d11fe5f5b",
            serviceName: "com.amazonaws.us-east-1.ssm",
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            securityGroupIds: ["sg-b339f47ff1b3e097f"],
        });
        const diagnostics = await analyzer.analyzeStack(b.resources);
        const mandatory = diagnostics.filter((d) => d.enforcementLevel === "mandatory");
        assert.deepEqual([...new Set(mandatory.map((d) => d.policy))].sort(), [
            "endpoint-security-groups-owned-by-stack",
            "no-vpc-endpoint-in-participant-stack",
            "stack-account-pinned",
        ]);
        assert.equal(only(diagnostics, "no-vpc-endpoint-in-participant-stack")[0].urn, endpoint.urn);
        assert.equal(only(diagnostics, "stack-account-pinned")[0].urn, provider.urn);

        // Two halves of the internet on the owner's endpoint security group; an unknown endpoint policy waits.
        const owner = ownerFixture({
            sg: { ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] },
            endpoint: { policy: U.string },
        });
        const ownerDiagnostics = await analyzer.analyzeStack(owner.b.resources);
        assert.deepEqual(ownerDiagnostics.map((d) => [d.policy, d.enforcementLevel]).sort(), [
            ["guardduty-endpoint-policy-scoped", "advisory"],
            ["guardduty-endpoint-sg-https-only", "mandatory"],
        ]);
        assert.match(only(ownerDiagnostics, "guardduty-endpoint-sg-https-only")[0].message, /together are open to the whole IPv4 internet/);
    });

    it("AnalyzeStack judges what the first preview sends: bypasses fail, a participant's endpoint in its own VPC passes", async () => {
        // Owner: a Deny that only applies with aws:SourceIp, an association into someone else's share,
        // an endpoint through aws-native, and a second provider in another account.
        const owner = ownerFixture({
            endpoint: {
                policy: JSON.stringify({
                    Statement: [
                        { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
                        {
                            Effect: "Deny",
                            Principal: "*",
                            Action: "*",
                            Resource: "*",
                            Condition: { StringNotEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
                        },
                    ],
                }),
            },
        });
        owner.b.add("aws:ram/resourceAssociation:ResourceAssociation", "into-theirs", {
            resourceShareArn: "arn:aws:ram:us-east-1:111111111111:resource-share/0f0f0f0f-0000-4000-a000-000000000000",
            resourceArn: "arn:aws:ec2:us-east-1:333333333333:subnet/subnet-1",
        });
        const native = owner.b.add(
            "pulumi:providers:aws-native",
            "native",
            { region: "us-east-1", allowedAccountIds: '["777777777777"]' },
            { id: "native-id" },
        );
        owner.b.add(
            "aws-native:ec2:VpcEndpoint",
            "native-endpoint",
            { vpcId: owner.vpc.id, serviceName: "com.amazonaws.us-east-1.guardduty-data" },
            { provider: native, deps: { vpcId: [owner.vpc] } },
        );
        const ownerDiagnostics = await analyzer.analyzeStack(asFirstPreview(owner.b.resources));
        assert.deepEqual([...new Set(ownerDiagnostics.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.policy))].sort(), [
            "endpoints-shares-instances-via-aws-provider",
            "guardduty-endpoint-policy-scoped",
            "ram-associations-into-own-shares",
            "stack-account-pinned",
        ]);
        assert.match(only(ownerDiagnostics, "guardduty-endpoint-policy-scoped")[0].message, /aws:SourceIp to match, which the caller controls/);

        // Participant: an S3 gateway endpoint in a VPC of its own passes; an Auto Scaling group on a template without a group fails.
        const participant = participantFixture();
        const vpc = participant.b.add("aws:ec2/vpc:Vpc", "tools-vpc", { cidrBlock: "10.99.0.0/16" });
        participant.b.add(
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "tools-s3",
            { vpcId: vpc.id, serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
            { deps: { vpcId: [vpc] } },
        );
        const template = participant.b.add("aws:ec2/launchTemplate:LaunchTemplate", "workers", { imageId: "ami-50d9a7ae55169d5e3" });
        const group = participant.b.add(
            "aws:autoscaling/group:Group",
            "workers",
            { minSize: 1, maxSize: 1, launchTemplate: { id: template.id } },
            { deps: { launchTemplate: [template] } },
        );
        const participantDiagnostics = await analyzer.analyzeStack(asFirstPreview(participant.b.resources));
        assert.deepEqual(
            participantDiagnostics.map((d) => [d.policy, d.enforcementLevel, d.urn]),
            [["participant-instances-use-own-security-groups", "mandatory", group.urn]],
        );
    });

    it("AnalyzeStack enforces the organization's agent-management mode as the engine shows it through a stack reference", async () => {
        const automated = ownerFixture({ agentManagement: "automated" });
        const violations = await analyzer.analyzeStack(automated.b.resources);
        assert.deepEqual(
            violations.map((d) => [d.policy, d.enforcementLevel, d.urn]),
            [["agent-management-matches-mode", "mandatory", automated.endpoint.urn]],
        );
        assert.match(violations[0].message, /GuardDuty creates its own endpoint/);

        assert.deepEqual(await analyzer.analyzeStack(ownerFixture({ agentManagement: "manual" }).b.resources), []);

        const unknown = ownerFixture({ agentManagement: "manual" });
        const reference = unknown.b.resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        reference.outputs = { ...reference.outputs, outputs: U.object };
        const waits = await analyzer.analyzeStack(unknown.b.resources);
        assert.deepEqual(
            waits.map((d) => [d.policy, d.enforcementLevel]),
            [["agent-management-matches-mode", "advisory"]],
        );
        assert.match(waits[0].message, /cannot be checked until the outputs of stack reference/);
    });

    it("Configure overrides levels as pack config does: advisory downgrades, disabled silences", async () => {
        await analyzer.configure({ "subnet-share-org-only": "advisory", "no-vpc-endpoint-in-participant-stack": "disabled" });
        const { b, share } = ownerFixture({ share: { allowExternalPrincipals: true } });
        assert.deepEqual(
            (await analyzer.analyze(share, b.resources)).map((d) => [d.policy, d.enforcementLevel]),
            [["subnet-share-org-only", "advisory"]],
        );
        const participant = new StackBuilder("participant");
        participant.provider("participant-aws", { region: "us-east-1", allowedAccountIds: ["444444444444"] });
        participant.add("aws:ec2/vpcEndpoint:VpcEndpoint", "e", { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" });
        assert.deepEqual(await analyzer.analyzeStack(participant.resources), []);
        await analyzer.configure({});
    });

    it("GetAnalyzerInfo declares that the pack takes configuration, and every policy's schema: organizationId for guardduty-endpoint-policy-scoped, nothing for the others", async () => {
        const info = await analyzer.info();
        assert.equal(info.supportsConfig, true);
        for (const policy of info.policies) {
            const expected = allPolicies.find((p) => p.name === policy.name)?.configSchema;
            assert.deepEqual(policy.configSchema, expected, policy.name);
        }
        assert.equal(info.policies.find((p) => p.name === SCOPED)?.configSchema?.properties.organizationId.pattern, "^o-[a-z0-9]{10,32}$");
    });

    it("Configure carries organizationId to the policy: another organization's endpoint policy fails, the configured one passes, a bad value or key is refused", async () => {
        const otherOrg = ownerFixture({ endpoint: { policy: orgScopedEndpointPolicy("o-zzzzzzzzzz") } });
        assert.deepEqual(await analyzer.analyzeStack(otherOrg.b.resources), [], "without organizationId the policy's organization is taken as the stack's");

        await analyzer.configure({ [SCOPED]: { organizationId: "o-a1b2c3d4e5" } });
        const violations = await analyzer.analyzeStack(otherOrg.b.resources);
        assert.deepEqual(
            violations.map((d) => [d.policy, d.enforcementLevel, d.urn]),
            [[SCOPED, "mandatory", otherOrg.endpoint.urn]],
        );
        assert.match(violations[0].message, /o-zzzzzzzzzz is not the organization the pack is configured for \(o-a1b2c3d4e5\)/);
        assert.deepEqual(await analyzer.analyzeStack(ownerFixture().b.resources), []);

        await analyzer.configure({
            [SCOPED]: { enforcementLevel: "advisory", organizationId: "123456789012" },
            "subnet-share-org-only": { organisationId: "o-a1b2c3d4e5" },
        });
        const refused = await analyzer.analyzeStack(ownerFixture().b.resources);
        assert.deepEqual(
            refused.map((d) => [d.policy, d.enforcementLevel]),
            [[SCOPED, "mandatory"]],
        );
        assert.match(
            refused[0].message,
            /configuration of guardduty-endpoint-policy-scoped is refused.*"organizationId" is "123456789012", which does not match/,
        );
        const { b, share } = ownerFixture();
        const shareRefused = await analyzer.analyze(share, b.resources);
        assert.deepEqual(
            shareRefused.map((d) => [d.policy, d.enforcementLevel]),
            [["subnet-share-org-only", "mandatory"]],
        );
        assert.match(shareRefused[0].message, /"organisationId" is not a setting of subnet-share-org-only/);
        await analyzer.configure({});
    });
});
