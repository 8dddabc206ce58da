/**
 * `guardduty-shared-vpc:regions`: one management and one audit stack governing several regions,
 * each through its own provider pinned to the stack's account, while a stack that governs its
 * home region only keeps exactly the resources (URNs, providers, inputs) it had before.
 */
import { contractMetadata } from "guardduty-shared-vpc-contract";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DetectorLookupError } from "../../src/components/guardDutyAdministrator";
import { parseAuditConfig } from "../../src/config/audit";
import { parseManagementConfig } from "../../src/config/management";
import { KNOWN_REGIONS, partitionOf } from "../../src/config/regions";
import { auditOutputsSchema } from "guardduty-shared-vpc-contract";
import type { PolicyDocument, Statement } from "../../src/iam";
import { runProgram } from "../../stacks";
import { existingDetectorId, type FakeCloudOptions } from "../../tools/offline/fakeCloud";
import type { CapturedResource, OfflineStackRun } from "../../tools/offline/runStack";
import { runStackOffline } from "../../tools/offline/runStack";
import { DIY_ORGANIZATION, PROJECT } from "../../tools/offline/stacks";
import { plan } from "../../tools/plan/plan";
import { evaluatePolicies } from "../../tools/policy/evaluate";
import { BadInput, expectConfigError, itRefusesEach, ofType, PROJECT_DIR, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

const MANAGEMENT_ACCOUNT = "111111111111";
const AUDIT_ACCOUNT = "222222222222";
const HOME = "us-east-1";
/** Home, a region enabled by default, and an opt-in region (whose GuardDuty writes as guardduty.me-south-1.amazonaws.com). */
const THREE = [HOME, "eu-west-1", "me-south-1"];

const T = {
    provider: "pulumi:providers:aws",
    admin: "aws:guardduty/organizationAdminAccount:OrganizationAdminAccount",
    ramSharing: "aws:ram/sharingWithOrganization:SharingWithOrganization",
    detector: "aws:guardduty/detector:Detector",
    detectorFeature: "aws:guardduty/detectorFeature:DetectorFeature",
    orgConfig: "aws:guardduty/organizationConfiguration:OrganizationConfiguration",
    orgFeature: "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature",
    destination: "aws:guardduty/publishingDestination:PublishingDestination",
    key: "aws:kms/key:Key",
    bucket: "aws:s3/bucket:Bucket",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    topic: "aws:sns/topic:Topic",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
} as const;
const GET_DETECTOR = "aws:guardduty/getDetector:getDetector";

/** A provider reference is `<urn>::<id>`; resources and invokes are compared by the provider's URN. */
const providerUrnOf = (reference: string | undefined): string | undefined =>
    reference === undefined ? undefined : reference.slice(0, reference.lastIndexOf("::"));
const providers = (run: OfflineStackRun) => ofType(run, T.provider);
const providerIn = (run: OfflineStackRun, region: string): CapturedResource => {
    const found = providers(run).filter((p) => p.inputs.region === region);
    assert.equal(found.length, 1, `expected one provider for ${region}, found ${found.length}`);
    return found[0];
};
const regionOf = (run: OfflineStackRun, resource: CapturedResource): string => {
    const provider = run.resources.find((r) => r.urn === providerUrnOf(resource.provider));
    assert.ok(provider, `${resource.urn} has no provider of its own`);
    return String(provider.inputs.region);
};
const inRegion = (run: OfflineStackRun, type: string, region: string) => ofType(run, type).filter((r) => regionOf(run, r) === region);
const policyOf = (resource: CapturedResource): PolicyDocument => JSON.parse(String(resource.inputs.policy));
const statement = (policy: PolicyDocument, sid: string): Statement => {
    const found = policy.Statement.find((s) => s.Sid === sid);
    assert.ok(found, `no statement ${sid}`);
    return found;
};
const detectorArnIn = (region: string, partition = "aws") =>
    `arn:${partition}:guardduty:${region}:${AUDIT_ACCOUNT}:detector/${existingDetectorId(AUDIT_ACCOUNT, region)}`;

interface Recorded {
    run?: OfflineStackRun;
    error?: unknown;
    registered: CapturedResource[];
    invokes: { token: string; provider: string }[];
}

/** Runs a stack with the fake cloud's options and records every registration and invoke, even when the run fails. */
async function record(stack: string, changes: Record<string, unknown>, cloud: FakeCloudOptions = {}): Promise<Recorded> {
    const result: Recorded = { registered: [], invokes: [] };
    try {
        result.run = await runStackOffline({
            project: PROJECT,
            stack,
            config: withConfig(fixtureConfig(stack), changes),
            program: runProgram,
            stackOutputs: () => undefined,
            organization: DIY_ORGANIZATION,
            onRegistered: (resource) => result.registered.push(resource),
            cloud: { ...cloud, onInvoke: ({ token, provider }) => result.invokes.push({ token, provider }) },
        });
    } catch (error) {
        result.error = error;
    }
    return result;
}

/** Every cloud resource is below the role component and uses one of the stack's providers, each pinned to `accountId`. */
function assertPinnedEverywhere(run: OfflineStackRun, roleType: string, accountId: string, regions: readonly string[]): void {
    const role = single(run, roleType);
    const pinned = providers(run);
    assert.deepEqual(pinned.map((p) => String(p.inputs.region)).sort(), [...regions].sort());
    for (const provider of pinned) assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [accountId], provider.urn);
    const parentOf = new Map(run.resources.map((r) => [r.urn, r.parent]));
    const underRole = (urn: string | undefined): boolean => urn !== undefined && (urn === role.urn || underRole(parentOf.get(urn)));
    const providerUrns = new Set(pinned.map((p) => p.urn));
    for (const resource of run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"))) {
        assert.ok(underRole(resource.urn), `${resource.urn} is outside ${roleType}`);
        assert.ok(providerUrns.has(providerUrnOf(resource.provider) ?? ""), `${resource.urn} does not use one of the pinned providers`);
    }
}

describe("regions: a three-region audit stack", function () {
    this.timeout(120_000);
    let result: Recorded;
    let run: OfflineStackRun;
    before(async () => {
        result = await record("audit", { regions: THREE, agentManagement: "automated" });
        assert.ok(result.run, String(result.error));
        run = result.run;
    });

    it("has one provider per region, each pinned to the audit account; the home region's keeps its name", () => {
        assertPinnedEverywhere(run, "guardduty-shared-vpc:stacks:Audit", AUDIT_ACCOUNT, THREE);
        assert.deepEqual(
            providers(run)
                .map((p) => p.name)
                .sort(),
            ["audit-aws", "audit-aws-eu-west-1", "audit-aws-me-south-1"],
        );
        assert.equal(providerIn(run, HOME).name, "audit-aws");
    });

    it("looks up each region's detector through that region's provider, and adopts it there", () => {
        const lookups = result.invokes.filter((call) => call.token === GET_DETECTOR);
        assert.deepEqual(lookups.map((call) => providerUrnOf(call.provider)).sort(), THREE.map((region) => providerIn(run, region).urn).sort());
        for (const region of THREE) {
            const [detector] = inRegion(run, T.detector, region);
            assert.equal(inRegion(run, T.detector, region).length, 1, region);
            assert.equal(detector.importId, existingDetectorId(AUDIT_ACCOUNT, region), region);
            assert.equal(detector.protect, true, region);
        }
        assert.equal(new Set(ofType(run, T.detector).map((d) => d.id)).size, 3, "three different detectors");
    });

    it("configures Runtime Monitoring, the organization and its members' features in each region, on that region's detector, in the organization's agent-management mode", () => {
        const automated = ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"];
        for (const region of THREE) {
            const detectorId = existingDetectorId(AUDIT_ACCOUNT, region);
            const [feature] = inRegion(run, T.detectorFeature, region);
            const [organization] = inRegion(run, T.orgConfig, region);
            const [members] = inRegion(run, T.orgFeature, region);
            for (const resource of [feature, organization, members]) assert.equal(resource?.inputs.detectorId, detectorId, `${region}: ${resource?.type}`);
            assert.deepEqual(
                feature.inputs.additionalConfigurations,
                automated.map((name) => ({ name, status: "ENABLED" })),
                region,
            );
            assert.equal(organization.inputs.autoEnableOrganizationMembers, "ALL", region);
            assert.deepEqual(
                members.inputs.additionalConfigurations,
                automated.map((name) => ({ name, autoEnable: "ALL" })),
                region,
            );
            assert.ok(members.dependencies.includes(organization.urn), `${region}: the member feature waits for the organization configuration`);
        }
        for (const type of [T.detectorFeature, T.orgConfig, T.orgFeature]) assert.equal(ofType(run, type).length, 3, type);
    });

    it("keeps one findings bucket and one key, in the home region", () => {
        assert.equal(single(run, T.bucket).inputs.bucket, `guardduty-findings-${AUDIT_ACCOUNT}-${HOME}`);
        assert.equal(regionOf(run, single(run, T.bucket)), HOME);
        assert.equal(regionOf(run, single(run, T.key)), HOME);
        assert.match(String(single(run, T.key).outputs.arn), /^arn:aws:kms:us-east-1:/);
    });

    it("names all three detectors in the key and bucket policies, and GuardDuty's principal of each kind of region", () => {
        const arns = THREE.map((region) => detectorArnIn(region));
        const principals = ["guardduty.amazonaws.com", "guardduty.me-south-1.amazonaws.com"];
        const key = statement(policyOf(single(run, T.key)), "GuardDutyEncryptsExportedFindings");
        const bucket = policyOf(single(run, T.bucketPolicy));
        for (const allow of [key, statement(bucket, "GuardDutyGetBucketLocation"), statement(bucket, "GuardDutyPutFindings")]) {
            assert.deepEqual(allow.Condition, { StringEquals: { "aws:SourceAccount": AUDIT_ACCOUNT, "aws:SourceArn": arns } }, allow.Sid);
            assert.deepEqual(allow.Principal, { Service: principals }, allow.Sid);
        }
        for (const deny of ["DenyUnencryptedFindings", "DenyFindingsUnderAnotherKey"])
            assert.deepEqual(statement(bucket, deny).Principal, { Service: principals }, deny);
    });

    it("exports every region's findings to the home bucket with the home key, each destination in its own region and after the policy and encryption", () => {
        const bucketArn = `arn:aws:s3:::guardduty-findings-${AUDIT_ACCOUNT}-${HOME}`;
        const keyArn = single(run, T.key).outputs.arn;
        for (const region of THREE) {
            const found = inRegion(run, T.destination, region);
            assert.equal(found.length, 1, region);
            const [destination] = found;
            assert.deepEqual(
                [destination.inputs.detectorId, destination.inputs.destinationType, destination.inputs.destinationArn, destination.inputs.kmsKeyArn],
                [existingDetectorId(AUDIT_ACCOUNT, region), "S3", bucketArn, keyArn],
                region,
            );
            assert.ok(destination.dependencies.includes(single(run, T.bucketPolicy).urn), region);
            assert.ok(destination.dependencies.includes(single(run, T.encryption).urn), region);
        }
    });

    it("alerts from every region through the one topic: each other region forwards what the home default bus's rules match to that bus", () => {
        assert.equal(regionOf(run, single(run, T.topic)), HOME);
        assert.deepEqual(
            inRegion(run, T.rule, HOME)
                .map((r) => r.name)
                .sort(),
            ["alerts-findings", "alerts-runtime-unhealthy"],
        );
        // The coverage alert listens on the coverage bus (fed by owners and participants), so only the findings rule is forwarded.
        const homeRules = inRegion(run, T.rule, HOME).filter((r) => r.inputs.eventBusName === undefined);
        assert.deepEqual(
            homeRules.map((r) => r.name),
            ["alerts-findings"],
        );
        const homePatterns = homeRules.map((r) => JSON.parse(String(r.inputs.eventPattern))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        const role = single(run, T.role);
        const homeBus = `arn:aws:events:${HOME}:${AUDIT_ACCOUNT}:event-bus/default`;
        for (const region of THREE.slice(1)) {
            const rules = inRegion(run, T.rule, region);
            const patterns = rules.map((r) => JSON.parse(String(r.inputs.eventPattern))).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
            assert.deepEqual(patterns, homePatterns, `${region} forwards exactly what the home rules alert on`);
            const targets = inRegion(run, T.target, region);
            assert.deepEqual(targets.map((t) => t.inputs.rule).sort(), rules.map((r) => r.outputs.name).sort(), region);
            for (const target of targets) {
                assert.deepEqual([target.inputs.arn, target.inputs.roleArn], [homeBus, role.outputs.arn], target.urn);
                assert.ok(target.dependencies.includes(single(run, T.rolePolicy).urn), "targets wait for the role's permission");
            }
        }
        assert.deepEqual(
            inRegion(run, T.target, HOME).map((t) => t.inputs.arn),
            [single(run, T.topic).outputs.arn, single(run, T.topic).outputs.arn],
        );
    });

    it("the forwarding role can be assumed by EventBridge only and may only put events on the home region's default bus", () => {
        assert.deepEqual(JSON.parse(String(single(run, T.role).inputs.assumeRolePolicy)), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const permission = single(run, T.rolePolicy);
        assert.equal(permission.inputs.role, single(run, T.role).id);
        assert.deepEqual(JSON.parse(String(permission.inputs.policy)).Statement, [
            {
                Sid: "ForwardToHomeRegionBus",
                Effect: "Allow",
                Action: "events:PutEvents",
                Resource: `arn:aws:events:${HOME}:${AUDIT_ACCOUNT}:event-bus/default`,
            },
        ]);
    });

    it("publishes each region's detector by region, and the home region's as detectorId", () => {
        const expected = Object.fromEntries(THREE.map((region) => [region, existingDetectorId(AUDIT_ACCOUNT, region)]));
        assert.deepEqual(run.outputs.detectorIds, expected);
        assert.equal(run.outputs.detectorId, expected[HOME]);
        assert.equal(run.outputs.findingsBucketName, `guardduty-findings-${AUDIT_ACCOUNT}-${HOME}`);
        // What consumers validate the audit stack's outputs with accepts them, and refuses a malformed map.
        assert.deepEqual(auditOutputsSchema.parse(run.outputs).detectorIds, expected);
        assert.equal(auditOutputsSchema.safeParse({ ...run.outputs, detectorIds: { [HOME]: "detector-1" } }).success, false);
    });

    it("passes the policy pack with no verdict", async () => {
        const verdicts = await evaluatePolicies(
            "audit",
            run.resources,
            {},
            { stackConfig: withConfig(fixtureConfig("audit"), { regions: THREE }), onUnknownValueError: "throw" },
        );
        assert.deepEqual(
            verdicts.map((v) => `${v.policy}: ${v.message}`),
            [],
        );
    });
});

describe("regions: audit stack variants", function () {
    this.timeout(120_000);

    it("gives every region's provider the stack's credentials: aws:profile, assumeRoleArn and the default tags", async () => {
        const roleArn = `arn:aws:iam::${AUDIT_ACCOUNT}:role/pulumi-deploy`;
        const run = await runStack("audit", withConfig(fixtureConfig("audit"), { regions: THREE, "aws:profile": "audit-sso", assumeRoleArn: roleArn }));
        const home = providerIn(run, HOME);
        for (const region of THREE) {
            const provider = providerIn(run, region);
            assert.equal(provider.inputs.profile, "audit-sso", region);
            assert.deepEqual(
                JSON.parse(String(provider.inputs.assumeRoles)).map((r: { roleArn: string }) => r.roleArn),
                [roleArn],
                region,
            );
            assert.equal(provider.inputs.defaultTags, home.inputs.defaultTags, region);
        }
    });

    it("existingDetectorId names the home region's detector only: the other regions are still looked up", async () => {
        const named = "00b00fd5aecc0ab60a708659477e9617";
        const { run, invokes } = await record("audit", { regions: THREE, existingDetectorId: named });
        assert.ok(run);
        assert.equal(inRegion(run, T.detector, HOME)[0].importId, named);
        const lookedUp = invokes
            .filter((call) => call.token === GET_DETECTOR)
            .map((call) => providerUrnOf(call.provider))
            .sort();
        assert.deepEqual(
            lookedUp,
            THREE.slice(1)
                .map((region) => providerIn(run, region).urn)
                .sort(),
        );
        assert.deepEqual(run.outputs.detectorIds, {
            [HOME]: named,
            "eu-west-1": existingDetectorId(AUDIT_ACCOUNT, "eu-west-1"),
            "me-south-1": existingDetectorId(AUDIT_ACCOUNT, "me-south-1"),
        });
    });

    it("creates the detector in a region without one and adopts it in the others", async () => {
        const { run } = await record("audit", { regions: THREE }, { guardDutyDetectorByRegion: { "eu-west-1": "none" } });
        assert.ok(run);
        assert.equal(inRegion(run, T.detector, "eu-west-1")[0].importId, undefined);
        assert.equal(inRegion(run, T.detector, HOME)[0].importId, existingDetectorId(AUDIT_ACCOUNT, HOME));
        assert.equal(inRegion(run, T.detector, "me-south-1")[0].importId, existingDetectorId(AUDIT_ACCOUNT, "me-south-1"));
        const created = String(inRegion(run, T.detector, "eu-west-1")[0].id);
        assert.ok(
            JSON.stringify(policyOf(single(run, T.key))).includes(`arn:aws:guardduty:eu-west-1:${AUDIT_ACCOUNT}:detector/${created}`),
            "the created detector is named in the key policy",
        );
    });

    it("a failed lookup in another region stops the stack, names that region and says existingDetectorId cannot skip it, and registers no GuardDuty resource", async () => {
        const { error, registered } = await record(
            "audit",
            { regions: THREE },
            { guardDutyDetectorByRegion: { "me-south-1": { failure: "AccessDeniedException: not authorized to perform guardduty:ListDetectors" } } },
        );
        assert.ok(error instanceof DetectorLookupError, String(error));
        assert.match(error.message, /account 222222222222 in me-south-1/);
        assert.match(error.message, /existingDetectorId names the home region's detector only/);
        assert.deepEqual(
            registered.filter((r) => !["pulumi:pulumi:Stack", T.provider].includes(r.type)).map((r) => r.type),
            [],
        );
    });

    it("without findings export: no bucket and no destination in any region, and no GuardDuty grant on the key; alerts are still forwarded", async () => {
        const run = await runStack("audit", withConfig(fixtureConfig("audit"), { regions: THREE, findingsExport: "false" }));
        for (const type of [T.bucket, T.destination, T.bucketPolicy]) assert.equal(ofType(run, type).length, 0, type);
        assert.ok(!policyOf(single(run, T.key)).Statement.some((s) => s.Sid === "GuardDutyEncryptsExportedFindings"));
        // The two home rules, and one findings rule forwarding from each other region.
        assert.equal(ofType(run, T.rule).length, 2 + 2);
        assert.equal(run.outputs.findingsBucketName, undefined);
    });

    it("in GovCloud, builds every ARN in the aws-us-gov partition and keeps the global GuardDuty principal", async () => {
        const run = await runStack("audit", withConfig(fixtureConfig("audit"), { "aws:region": "us-gov-west-1", regions: ["us-gov-west-1", "us-gov-east-1"] }));
        const allow = statement(policyOf(single(run, T.key)), "GuardDutyEncryptsExportedFindings");
        assert.deepEqual(allow.Principal, { Service: "guardduty.amazonaws.com" });
        assert.deepEqual(
            allow.Condition?.StringEquals["aws:SourceArn"],
            ["us-gov-west-1", "us-gov-east-1"].map((region) => detectorArnIn(region, "aws-us-gov")),
        );
        assert.equal(
            JSON.parse(String(single(run, T.rolePolicy).inputs.policy)).Statement[0].Resource,
            `arn:aws-us-gov:events:us-gov-west-1:${AUDIT_ACCOUNT}:event-bus/default`,
        );
    });
});

describe("regions: the key's default and accepted values", () => {
    it("governs aws:region alone without the key, and the list as written with it", () => {
        for (const parse of [parseManagementConfig, parseAuditConfig]) {
            const role = parse === parseManagementConfig ? "management" : "audit";
            assert.deepEqual(parse(role, fixtureConfig(role)).regions, [HOME]);
            assert.deepEqual(parse(role, withConfig(fixtureConfig(role), { regions: ["eu-west-1", HOME] })).regions, ["eu-west-1", HOME]);
            assert.deepEqual(parse(role, withConfig(fixtureConfig(role), { "aws:region": "eu-west-1" })).regions, ["eu-west-1"]);
        }
    });

    it("keeps every forwarding rule's generated name within EventBridge's 64 characters, even for the longest region name", async function () {
        this.timeout(60_000);
        const longest = KNOWN_REGIONS.filter((region) => partitionOf(region) === "aws").reduce((a, b) => (b.length > a.length ? b : a));
        const run = await runStack("audit", withConfig(fixtureConfig("audit"), { regions: [HOME, longest] }));
        const names = ofType(run, T.rule).map((rule) => String(rule.outputs.name));
        assert.equal(names.length, 3, "the two home rules and the forwarded findings rule");
        for (const name of names) assert.ok(name.length <= 64, `${name} has ${name.length} characters`);
    });
});

describe("regions: a three-region management stack", function () {
    this.timeout(120_000);
    let run: OfflineStackRun;
    before(async () => {
        run = await runStack("management", withConfig(fixtureConfig("management"), { regions: THREE }));
    });

    it("delegates GuardDuty to the audit account in each region, through that region's pinned provider, each protected", () => {
        assertPinnedEverywhere(run, "guardduty-shared-vpc:stacks:Management", MANAGEMENT_ACCOUNT, THREE);
        for (const region of THREE) {
            const admins = inRegion(run, T.admin, region);
            assert.equal(admins.length, 1, region);
            assert.equal(admins[0].inputs.adminAccountId, AUDIT_ACCOUNT, region);
            assert.equal(admins[0].protect, true, region);
        }
        assert.equal(inRegion(run, T.admin, HOME)[0].name, "management-guardduty-admin");
        assert.deepEqual(
            ofType(run, T.admin)
                .map((a) => a.name)
                .sort(),
            ["management-guardduty-admin", "management-guardduty-admin-eu-west-1", "management-guardduty-admin-me-south-1"],
        );
    });

    it("turns RAM sharing with the organization on once, from the home region", () => {
        assert.equal(regionOf(run, single(run, T.ramSharing)), HOME);
    });

    it("publishes the delegated regions, the home region first", () => {
        assert.deepEqual(run.outputs, { delegatedAdminAccountId: AUDIT_ACCOUNT, delegatedRegions: THREE, ...contractMetadata("management") });
    });

    it("lists the home region first whatever the order written", async () => {
        const reordered = await runStack("management", withConfig(fixtureConfig("management"), { regions: ["eu-west-1", HOME] }));
        assert.deepEqual(reordered.outputs.delegatedRegions, [HOME, "eu-west-1"]);
    });

    it("passes the policy pack with no verdict", async () => {
        const verdicts = await evaluatePolicies(
            "management",
            run.resources,
            {},
            { stackConfig: withConfig(fixtureConfig("management"), { regions: THREE }), onUnknownValueError: "throw" },
        );
        assert.deepEqual(
            verdicts.map((v) => `${v.policy}: ${v.message}`),
            [],
        );
    });
});

/**
 * What the single-region stacks registered on main (4af93b4), before `regions` existed: the
 * resource URNs (the engine's identity: a new URN plans a replacement, which `protect` on the
 * detector and delegated administrator turns into a failed `pulumi up`), and a digest of each
 * resource's inputs (any change would plan an update). FindingsAlerts is not ours to freeze
 * (another change works on it), so its resources are held to their URNs and providers only.
 */
const BEFORE_REGIONS: Record<"management" | "audit", { provider: string; resources: Array<[string, string | null]> }> = {
    management: {
        provider: "pulumi:providers:aws::management-aws",
        resources: [
            ["pulumi:providers:aws::management-aws", "57be65ebba100e1e"],
            ["guardduty-shared-vpc:stacks:Management$aws:ram/sharingWithOrganization:SharingWithOrganization::management-ram-sharing", "44136fa355b3678a"],
            [
                "guardduty-shared-vpc:stacks:Management$aws:guardduty/organizationAdminAccount:OrganizationAdminAccount::management-guardduty-admin",
                "c0327e2252ec1f47",
            ],
        ],
    },
    audit: {
        provider: "pulumi:providers:aws::audit-aws",
        resources: [
            ["pulumi:providers:aws::audit-aws", "39c3035973f3d56a"],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:guardduty:GuardDutyAdministrator$aws:guardduty/detector:Detector::guardduty-detector",
                "3147c875520439e1",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:guardduty:GuardDutyAdministrator$aws:guardduty/detectorFeature:DetectorFeature::guardduty-runtime-monitoring",
                "5352b3d717cdecaf",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:guardduty:GuardDutyAdministrator$aws:guardduty/organizationConfiguration:OrganizationConfiguration::guardduty-organization",
                "3666d6cfbb95b459",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:guardduty:GuardDutyAdministrator$aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature::guardduty-members-runtime-monitoring",
                "dbb87527b7d88b5e",
            ],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsKey$aws:kms/key:Key::findings-key-key", "0a7ce57a1c8a1eb1"],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsKey$aws:kms/alias:Alias::findings-key-alias", "1c3c674cb3b0f49e"],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:s3/bucket:Bucket::findings-export-bucket", "cfbeeca001edb081"],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:s3/bucketOwnershipControls:BucketOwnershipControls::findings-export-ownership",
                "d7997bd96150678d",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::findings-export-public-access",
                "fb5a5d5efce4fe65",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:s3/bucketVersioning:BucketVersioning::findings-export-versioning",
                "0b647f5788b1985b",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::findings-export-encryption",
                "81750b53b0e8f505",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:s3/bucketPolicy:BucketPolicy::findings-export-policy",
                "65765aa430e8d8ab",
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsExport$aws:guardduty/publishingDestination:PublishingDestination::findings-export-destination",
                "a3da7f859e5e2870",
            ],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:sns/topic:Topic::alerts-topic", null],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:sns/topicPolicy:TopicPolicy::alerts-topic-policy", null],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:sns/topicSubscription:TopicSubscription::alerts-email", null],
            ["guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:cloudwatch/eventRule:EventRule::alerts-findings", null],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:cloudwatch/eventRule:EventRule::alerts-runtime-unhealthy",
                null,
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:cloudwatch/eventTarget:EventTarget::alerts-findings-to-topic",
                null,
            ],
            [
                "guardduty-shared-vpc:stacks:Audit$guardduty-shared-vpc:findings:FindingsAlerts$aws:cloudwatch/eventTarget:EventTarget::alerts-runtime-unhealthy-to-topic",
                null,
            ],
        ],
    },
};
const PROTECTED_BEFORE = ["::management-guardduty-admin", "::guardduty-detector", "::findings-key-key", "::findings-export-bucket"];

function canonical(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(canonical);
    if (value !== null && typeof value === "object")
        return Object.fromEntries(
            Object.keys(value)
                .sort()
                .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        );
    return value;
}
const digest = (inputs: Record<string, unknown>) =>
    createHash("sha256")
        .update(JSON.stringify(canonical(inputs)))
        .digest("hex")
        .slice(0, 16);

describe("regions: an existing single-region stack plans no replacement", function () {
    this.timeout(120_000);

    for (const stack of ["management", "audit"] as const) {
        const urnOf = (suffix: string) => `urn:pulumi:${stack}::${PROJECT}::${suffix}`;
        const known = BEFORE_REGIONS[stack];

        for (const [label, changes] of [
            ["without regions (the default)", {}],
            [`with regions: [${HOME}]`, { regions: [HOME] }],
        ] as const) {
            it(`${stack}, ${label}: every resource keeps its URN, provider, protection and inputs, and nothing is added to what this change governs`, async () => {
                const run = await runStack(stack, withConfig(fixtureConfig(stack), changes));
                const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
                for (const [suffix, inputs] of known.resources) {
                    const resource = byUrn.get(urnOf(suffix));
                    assert.ok(resource, `${urnOf(suffix)} is gone: an existing stack would plan to replace it`);
                    if (resource.type !== T.provider) assert.equal(providerUrnOf(resource.provider), urnOf(known.provider), `${suffix} changed provider`);
                    assert.equal(
                        resource.protect,
                        PROTECTED_BEFORE.some((name) => suffix.endsWith(name)),
                        `${suffix} changed protection`,
                    );
                    if (inputs !== null) assert.equal(digest(resource.inputs), inputs, `${suffix} changed inputs: ${JSON.stringify(resource.inputs)}`);
                }
                assert.equal(providers(run).length, 1, "one region, one provider");
                const governed = [T.admin, T.detector, T.detectorFeature, T.orgConfig, T.orgFeature, T.destination, T.key, T.bucket, T.role, T.rolePolicy];
                const added = run.resources.filter((r) => governed.includes(r.type as never) && !known.resources.some(([suffix]) => r.urn === urnOf(suffix)));
                assert.deepEqual(
                    added.map((r) => r.urn),
                    [],
                );
                assert.equal(ofType(run, "guardduty-shared-vpc:findings:FindingsForwarding").length, 0);
            });
        }

        it(`${stack}, with two more regions: the home region's resources keep their URNs and provider, the detector and delegated administrator their inputs`, async () => {
            const run = await runStack(stack, withConfig(fixtureConfig(stack), { regions: THREE }));
            const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
            for (const [suffix, inputs] of known.resources) {
                const resource = byUrn.get(urnOf(suffix));
                assert.ok(resource, `${urnOf(suffix)} is gone`);
                if (resource.type !== T.provider) assert.equal(providerUrnOf(resource.provider), urnOf(known.provider), `${suffix} changed provider`);
                // The key and bucket policies now name three detectors: an in-place update, as expected.
                if (/::(guardduty-detector|management-guardduty-admin|audit-aws|management-aws)$/.test(suffix))
                    assert.equal(digest(resource.inputs), inputs, suffix);
            }
        });
    }
});

const REGIONS_CASES: BadInput[] = [
    ...(["management", "audit"] as const).flatMap((stack): BadInput[] => [
        {
            name: `${stack}: a region the provider does not know`,
            stack,
            changes: { regions: [HOME, "eu-west-9"] },
            key: "regions[1]",
            says: "an AWS region the provider knows",
        },
        {
            name: `${stack}: a region name without its dash`,
            stack,
            changes: { regions: [HOME, "euwest1"] },
            key: "regions[1]",
            says: "an AWS region the provider knows",
        },
        {
            name: `${stack}: a region listed twice`,
            stack,
            changes: { regions: [HOME, "eu-west-1", "eu-west-1"] },
            key: "regions[2]",
            says: "already regions[1]",
        },
        { name: `${stack}: the home region listed twice`, stack, changes: { regions: [HOME, HOME] }, key: "regions[1]", says: "each region once" },
        {
            name: `${stack}: a list without the home region`,
            stack,
            changes: { regions: ["eu-west-1", "eu-central-1"] },
            key: "regions",
            says: '["us-east-1","eu-west-1","eu-central-1"]',
        },
        { name: `${stack}: an empty list`, stack, changes: { regions: [] }, key: "regions", says: "a list of AWS regions" },
        {
            name: `${stack}: regions written as one comma-separated word`,
            stack,
            changes: { regions: "us-east-1,eu-west-1" },
            key: "regions",
            says: "a list of AWS regions",
        },
        {
            name: `${stack}: a region in China beside a commercial home region`,
            stack,
            changes: { regions: [HOME, "cn-north-1"] },
            key: "regions[1]",
            // The audit stack would turn Runtime Monitoring on there, which China does not offer.
            says:
                stack === "audit"
                    ? "not supported in the China Regions. Remove cn-north-1 from regions"
                    : "partition aws, the partition of the home region us-east-1",
        },
        {
            name: `${stack}: a GovCloud region beside a commercial home region`,
            stack,
            changes: { regions: [HOME, "us-gov-west-1"] },
            key: "regions[1]",
            says: "(partition aws-us-gov)",
        },
        { name: `${stack}: a number in the list`, stack, changes: { regions: [HOME, 1] }, key: "regions[1]", says: "an AWS region the provider knows" },
    ]),
    {
        name: "audit: an opt-in home region exporting findings of a region enabled by default",
        stack: "audit",
        changes: { "aws:region": "me-south-1", regions: ["me-south-1", "eu-west-1"] },
        key: "regions",
        says: "no region enabled by default (eu-west-1) while findingsExport is true",
    },
];

describe("regions: bad values are refused before anything is registered", function () {
    this.timeout(120_000);
    itRefusesEach(REGIONS_CASES, 20);

    it("reports a duplicate and a region of another partition together, each by its position", async () => {
        const error = await expectConfigError(
            () => runStack("audit", withConfig(fixtureConfig("audit"), { regions: [HOME, "us-gov-west-1", "eu-west-1", "eu-west-1"] })),
            "regions[1]",
        );
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["guardduty-shared-vpc:regions[1]", "guardduty-shared-vpc:regions[3]"]);
    });

    it("an opt-in home region may govern other regions when findings are not exported", async () => {
        const run = await runStack(
            "audit",
            withConfig(fixtureConfig("audit"), { "aws:region": "me-south-1", regions: ["me-south-1", "eu-west-1"], findingsExport: "false" }),
        );
        assert.deepEqual(Object.keys(run.outputs.detectorIds as object).sort(), ["eu-west-1", "me-south-1"]);
    });
});

describe("regions: npm run plan over the whole set of stacks", function () {
    this.timeout(240_000);

    /** The shipped stack files, with `regions` added to the management and audit stacks (and any extra files). */
    function project(regions: readonly string[], extra: Record<string, string> = {}): string {
        const dir = mkdtempSync(path.join(tmpdir(), "gdsv-regions-"));
        for (const file of readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*ya?ml$/.test(f)))
            copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
        for (const stack of ["management", "audit"]) {
            const file = path.join(dir, `Pulumi.${stack}.yaml`);
            writeFileSync(
                file,
                `${readFileSync(file, "utf8").trimEnd()}\n  guardduty-shared-vpc:regions:\n${regions.map((region) => `    - ${region}\n`).join("")}`,
            );
        }
        for (const [file, text] of Object.entries(extra)) writeFileSync(path.join(dir, file), text);
        return dir;
    }
    const runPlan = async (dir: string) => {
        const out: string[] = [];
        const code = await plan(["--json"], { projectDir: dir, out: (line) => out.push(line), err: () => undefined });
        return { code, stacks: JSON.parse(out.join("\n")).stacks as Array<{ stack: string; status: string; error?: string }> };
    };

    it("plans management and audit stacks governing three regions next to the single-region owner and participants, policies included", async () => {
        const { code, stacks } = await runPlan(project(THREE));
        assert.deepEqual(Object.fromEntries(stacks.map((s) => [s.stack, s.status])), {
            management: "planned",
            audit: "planned",
            owner: "planned",
            participant: "planned",
            "participant-b": "planned",
        });
        assert.equal(code, 0);
    });

    it("refuses a per-region audit stack left in place for a region the audit stack now governs", async () => {
        const auditEu =
            'config:\n  aws:region: eu-west-1\n  guardduty-shared-vpc:accountId: "222222222222"\n  guardduty-shared-vpc:organizationId: o-a1b2c3d4e5\n';
        const { code, stacks } = await runPlan(project(THREE, { "Pulumi.audit-eu.yaml": auditEu }));
        assert.equal(code, 1);
        const refused = stacks.find((s) => s.stack === "audit-eu");
        assert.equal(refused?.status, "config-error");
        assert.match(
            refused?.error ?? "",
            /aws:region: got "eu-west-1"; expected a region no other audit stack governs: stack audit already manages the detector of account 222222222222 in eu-west-1/,
        );
    });
});
