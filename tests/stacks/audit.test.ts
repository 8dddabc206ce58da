import * as assert from "node:assert/strict";
import { AGENT_MANAGEMENT_MODES } from "../../src/agentManagement";
import { KNOWN_REGIONS } from "../../src/config/regions";
import { CONTRACT_VERSION, type PublishedOutputs } from "guardduty-shared-vpc-contract";
import {
    alertsTopicPolicy,
    detectorArn,
    findingsBucketPolicy,
    findingsEventPattern,
    findingsKeyPolicy,
    runtimeUnhealthyEventPattern,
} from "../../src/components/findingsPolicies";
import type { PolicyDocument, Statement } from "../../src/iam";
import { findingsBucketName } from "../../src/components/findingsExport";
import { detectorOptions } from "../../src/components/guardDutyAdministrator";
import { ADDITIONAL_CONFIGURATION_ORDER, detectorRuntimeMonitoring, organizationRuntimeMonitoring } from "../../src/components/guardDutyFeatures";
import type { CapturedResource, OfflineStackRun } from "../../tools/offline/runStack";
import { assertUnderRoleWithPinnedProvider, ofType, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

const T = {
    detector: "aws:guardduty/detector:Detector",
    detectorFeature: "aws:guardduty/detectorFeature:DetectorFeature",
    orgConfig: "aws:guardduty/organizationConfiguration:OrganizationConfiguration",
    orgFeature: "aws:guardduty/organizationConfigurationFeature:OrganizationConfigurationFeature",
    destination: "aws:guardduty/publishingDestination:PublishingDestination",
    key: "aws:kms/key:Key",
    alias: "aws:kms/alias:Alias",
    bucket: "aws:s3/bucket:Bucket",
    versioning: "aws:s3/bucketVersioning:BucketVersioning",
    encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
    topic: "aws:sns/topic:Topic",
    topicPolicy: "aws:sns/topicPolicy:TopicPolicy",
    subscription: "aws:sns/topicSubscription:TopicSubscription",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
} as const;

const ORDER = ["EKS_ADDON_MANAGEMENT", "ECS_FARGATE_AGENT_MANAGEMENT", "EC2_AGENT_MANAGEMENT"];
const EXISTING = "00b00fd5aecc0ab60a708659477e9617";

const policyOf = (resource: CapturedResource): PolicyDocument => JSON.parse(String(resource.inputs.policy));
const statement = (policy: PolicyDocument, sid: string): Statement => {
    const found = policy.Statement.find((s) => s.Sid === sid);
    assert.ok(found, `no statement ${sid} in ${JSON.stringify(policy)}`);
    return found;
};
const ruleBySuffix = (run: OfflineStackRun, suffix: string) => {
    const found = ofType(run, T.rule).find((r) => r.name.endsWith(suffix));
    assert.ok(found, `no event rule ending ${suffix}`);
    return found;
};
const audit = (changes: Record<string, unknown> = {}) => runStack("audit", withConfig(fixtureConfig("audit"), changes));

describe("audit stack (fixture Pulumi.audit.yaml)", () => {
    let run: OfflineStackRun;
    let detectorId: string;
    let keyArn: string;
    before(async () => {
        run = await runStack("audit", fixtureConfig("audit"));
        detectorId = String(single(run, T.detector).id);
        keyArn = String(single(run, T.key).outputs.arn);
    });

    it("hangs every resource under the Audit role component, deployed through the provider pinned to the audit account", () => {
        const cloud = assertUnderRoleWithPinnedProvider(run, "guardduty-shared-vpc:stacks:Audit", "222222222222");
        assert.ok(cloud.length >= 20, `expected the full audit stack, got ${cloud.length} resources`);
    });

    it("has one detector, enabled and protected (deleting it deletes its findings)", () => {
        const detector = single(run, T.detector);
        assert.equal(detector.inputs.enable, true);
        assert.equal(detector.protect, true);
        assert.match(detectorId, /^[0-9a-f]{32}$/);
    });

    it("enables RUNTIME_MONITORING on the detector with all three additional configurations in the fixed order, EC2 automation off (manual)", () => {
        const feature = single(run, T.detectorFeature);
        assert.equal(feature.inputs.detectorId, detectorId);
        assert.equal(feature.inputs.name, "RUNTIME_MONITORING");
        assert.equal(feature.inputs.status, "ENABLED");
        assert.deepEqual(feature.inputs.additionalConfigurations, [
            { name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" },
            { name: "ECS_FARGATE_AGENT_MANAGEMENT", status: "ENABLED" },
            { name: "EC2_AGENT_MANAGEMENT", status: "DISABLED" },
        ]);
    });

    it("auto-enables GuardDuty and Runtime Monitoring (all three configurations, same order) for ALL member accounts", () => {
        const organization = single(run, T.orgConfig);
        assert.equal(organization.inputs.detectorId, detectorId);
        assert.equal(organization.inputs.autoEnableOrganizationMembers, "ALL");
        const feature = single(run, T.orgFeature);
        assert.equal(feature.inputs.name, "RUNTIME_MONITORING");
        assert.equal(feature.inputs.autoEnable, "ALL");
        assert.deepEqual(feature.inputs.additionalConfigurations, [
            { name: "EKS_ADDON_MANAGEMENT", autoEnable: "ALL" },
            { name: "ECS_FARGATE_AGENT_MANAGEMENT", autoEnable: "ALL" },
            { name: "EC2_AGENT_MANAGEMENT", autoEnable: "NONE" },
        ]);
        assert.ok(feature.dependencies.includes(organization.urn), "the organization feature must wait for the organization configuration");
    });

    it("never registers EKS_RUNTIME_MONITORING, which AWS rejects next to RUNTIME_MONITORING", () => {
        const named = [...ofType(run, T.detectorFeature), ...ofType(run, T.orgFeature)].map((f) => f.inputs.name);
        assert.deepEqual(named, ["RUNTIME_MONITORING", "RUNTIME_MONITORING"]);
    });

    it("creates a protected, rotating customer-managed key with an alias", () => {
        const key = single(run, T.key);
        assert.equal(key.protect, true);
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(single(run, T.alias).inputs.targetKeyId, key.outputs.keyId);
    });

    it("lets GuardDuty generate data keys only for this account's detector, and EventBridge use the key for the topic", () => {
        const policy = policyOf(single(run, T.key));
        assert.deepEqual(statement(policy, "AccountAdministersKey").Principal, { AWS: "arn:aws:iam::222222222222:root" });
        const guardDuty = statement(policy, "GuardDutyEncryptsExportedFindings");
        assert.deepEqual(guardDuty.Principal, { Service: "guardduty.amazonaws.com" });
        assert.equal(guardDuty.Action, "kms:GenerateDataKey");
        assert.deepEqual(guardDuty.Condition, {
            StringEquals: { "aws:SourceAccount": "222222222222", "aws:SourceArn": `arn:aws:guardduty:us-east-1:222222222222:detector/${detectorId}` },
        });
        const events = statement(policy, "EventBridgePublishesToEncryptedTopic");
        assert.deepEqual(events.Principal, { Service: "events.amazonaws.com" });
        assert.deepEqual(events.Action, ["kms:GenerateDataKey", "kms:Decrypt"]);
    });

    it("creates a protected findings bucket: versioned, SSE-KMS with the findings key, public access blocked, ACLs off", () => {
        const bucket = single(run, T.bucket);
        assert.equal(bucket.protect, true);
        assert.equal(bucket.inputs.bucket, "guardduty-findings-222222222222-us-east-1");
        assert.notEqual(bucket.inputs.forceDestroy, true);
        assert.deepEqual(single(run, T.versioning).inputs.versioningConfiguration, { status: "Enabled" });
        assert.deepEqual(single(run, T.encryption).inputs.rules, [
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: keyArn }, bucketKeyEnabled: true },
        ]);
        const block = single(run, T.publicAccess).inputs;
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.deepEqual(single(run, T.ownership).inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
        for (const type of [T.versioning, T.encryption, T.publicAccess, T.ownership, T.bucketPolicy])
            assert.equal(single(run, type).inputs.bucket, bucket.inputs.bucket);
    });

    it("the bucket policy refuses plain HTTP and lets GuardDuty write only our detector's findings under our key", () => {
        const policyResource = single(run, T.bucketPolicy);
        const policy = policyOf(policyResource);
        const bucketArn = "arn:aws:s3:::guardduty-findings-222222222222-us-east-1";
        const tls = statement(policy, "DenyInsecureTransport");
        assert.deepEqual(
            [tls.Effect, tls.Principal, tls.Resource, tls.Condition],
            ["Deny", "*", [bucketArn, `${bucketArn}/*`], { Bool: { "aws:SecureTransport": "false" } }],
        );
        const source = {
            StringEquals: { "aws:SourceAccount": "222222222222", "aws:SourceArn": `arn:aws:guardduty:us-east-1:222222222222:detector/${detectorId}` },
        };
        assert.deepEqual(statement(policy, "GuardDutyPutFindings").Condition, source);
        assert.deepEqual(statement(policy, "GuardDutyGetBucketLocation").Condition, source);
        assert.deepEqual(statement(policy, "DenyFindingsUnderAnotherKey").Condition, {
            StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": keyArn },
        });
        assert.deepEqual(statement(policy, "DenyUnencryptedFindings").Condition, { StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } });
        assert.ok(policyResource.dependencies.includes(single(run, T.publicAccess).urn), "the policy must wait for the public access block");
    });

    it("publishes findings to the bucket with the key, only after the bucket policy and encryption exist", () => {
        const destination = single(run, T.destination);
        assert.deepEqual(
            [destination.inputs.detectorId, destination.inputs.destinationType, destination.inputs.destinationArn, destination.inputs.kmsKeyArn],
            [detectorId, "S3", "arn:aws:s3:::guardduty-findings-222222222222-us-east-1", keyArn],
        );
        assert.ok(destination.dependencies.includes(single(run, T.bucketPolicy).urn));
        assert.ok(destination.dependencies.includes(single(run, T.encryption).urn));
    });

    it("encrypts the alerts topic with the findings key", () => {
        assert.equal(single(run, T.topic).inputs.kmsMasterKeyId, keyArn);
    });

    it("routes findings of severity 7 or more, and runtime coverage turning UNHEALTHY, to the topic", () => {
        assert.deepEqual(JSON.parse(String(ruleBySuffix(run, "-findings").inputs.eventPattern)), {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", 7] }] },
        });
        assert.deepEqual(JSON.parse(String(ruleBySuffix(run, "-runtime-unhealthy").inputs.eventPattern)), {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Runtime Protection Unhealthy"],
        });
        const topic = single(run, T.topic);
        const targets = ofType(run, T.target);
        assert.deepEqual(
            targets.map((t) => t.inputs.rule).sort(),
            ofType(run, T.rule)
                .map((r) => r.outputs.name)
                .sort(),
        );
        const topicPolicy = single(run, T.topicPolicy);
        for (const target of targets) {
            assert.equal(target.inputs.arn, topic.outputs.arn);
            assert.ok(target.dependencies.includes(topicPolicy.urn), "targets must wait for the topic policy");
        }
    });

    it("the topic policy lets EventBridge publish only for the two rules", () => {
        const topicPolicy = single(run, T.topicPolicy);
        const topicArn = single(run, T.topic).outputs.arn;
        assert.equal(topicPolicy.inputs.arn, topicArn);
        const publish = statement(policyOf(topicPolicy), "EventBridgePublishesAlerts");
        assert.deepEqual([publish.Principal, publish.Action, publish.Resource], [{ Service: "events.amazonaws.com" }, "sns:Publish", topicArn]);
        assert.deepEqual(publish.Condition, {
            ArnEquals: { "aws:SourceArn": [ruleBySuffix(run, "-findings").outputs.arn, ruleBySuffix(run, "-runtime-unhealthy").outputs.arn] },
        });
    });

    it("subscribes notificationEmail to the topic", () => {
        const subscription = single(run, T.subscription);
        assert.deepEqual(
            [subscription.inputs.protocol, subscription.inputs.endpoint, subscription.inputs.topic],
            ["email", "secops@example.com", single(run, T.topic).outputs.arn],
        );
    });

    it("publishes exactly the contract's outputs, from the resources above", () => {
        const expected: PublishedOutputs<"audit"> = {
            contractVersion: CONTRACT_VERSION,
            role: "audit",
            agentManagement: "manual",
            detectorId,
            detectorIds: { "us-east-1": detectorId },
            findingsBucketName: "guardduty-findings-222222222222-us-east-1",
            findingsKmsKeyArn: keyArn,
            findingsTopicArn: String(single(run, T.topic).outputs.arn),
            coverageEventBusArn: "arn:aws:events:us-east-1:222222222222:event-bus/guardduty-coverage",
        };
        assert.deepEqual(run.outputs, expected);
    });
});

describe("audit stack variants", () => {
    it("under automated agent management, enables EC2_AGENT_MANAGEMENT on the detector and for ALL members, and publishes the mode", async () => {
        const run = await audit({ agentManagement: "automated" });
        const feature = single(run, T.detectorFeature);
        assert.equal(feature.inputs.status, "ENABLED");
        assert.deepEqual(
            feature.inputs.additionalConfigurations,
            ORDER.map((name) => ({ name, status: "ENABLED" })),
        );
        assert.deepEqual(
            single(run, T.orgFeature).inputs.additionalConfigurations,
            ORDER.map((name) => ({ name, autoEnable: "ALL" })),
        );
        assert.equal(run.outputs.agentManagement, "automated");
    });

    it("under manual agent management with ECS/EKS automation off, keeps Runtime Monitoring on with every automation off, still listing all three in order", async () => {
        const run = await audit({ agentManagement: "manual", runtimeMonitoring: { ecsFargate: false, eks: false } });
        const feature = single(run, T.detectorFeature);
        // EC2 instances are still monitored: the participants' SSM association installs the agent.
        assert.equal(feature.inputs.status, "ENABLED");
        assert.deepEqual(
            feature.inputs.additionalConfigurations,
            ORDER.map((name) => ({ name, status: "DISABLED" })),
        );
        const members = single(run, T.orgFeature);
        assert.equal(members.inputs.autoEnable, "ALL");
        assert.deepEqual(
            members.inputs.additionalConfigurations,
            ORDER.map((name) => ({ name, autoEnable: "NONE" })),
        );
        assert.equal(single(run, T.orgConfig).inputs.autoEnableOrganizationMembers, "ALL");
    });

    it("under automated agent management with only EKS automation on, automates EKS and EC2 and leaves ECS Fargate off, in the same order", async () => {
        const run = await audit({ agentManagement: "automated", runtimeMonitoring: { ecsFargate: false } });
        assert.deepEqual(single(run, T.detectorFeature).inputs.additionalConfigurations, [
            { name: "EKS_ADDON_MANAGEMENT", status: "ENABLED" },
            { name: "ECS_FARGATE_AGENT_MANAGEMENT", status: "DISABLED" },
            { name: "EC2_AGENT_MANAGEMENT", status: "ENABLED" },
        ]);
        assert.deepEqual(single(run, T.orgFeature).inputs.additionalConfigurations, [
            { name: "EKS_ADDON_MANAGEMENT", autoEnable: "ALL" },
            { name: "ECS_FARGATE_AGENT_MANAGEMENT", autoEnable: "NONE" },
            { name: "EC2_AGENT_MANAGEMENT", autoEnable: "ALL" },
        ]);
    });

    it("with autoEnableOrganizationMembers NEW, auto-enables GuardDuty and the feature for new accounts only", async () => {
        const run = await audit({ autoEnableOrganizationMembers: "NEW" });
        assert.equal(single(run, T.orgConfig).inputs.autoEnableOrganizationMembers, "NEW");
        assert.equal(single(run, T.orgFeature).inputs.autoEnable, "NEW");
    });

    it("with findingsExport false, creates no bucket or destination, omits the output, and grants GuardDuty nothing on the key", async () => {
        const run = await audit({ findingsExport: "false" });
        for (const type of [T.bucket, T.versioning, T.encryption, T.publicAccess, T.ownership, T.bucketPolicy, T.destination]) {
            assert.equal(ofType(run, type).length, 0, `${type} should not exist without findings export`);
        }
        assert.equal(ofType(run, "guardduty-shared-vpc:findings:FindingsExport").length, 0);
        assert.ok(!("findingsBucketName" in run.outputs));
        const policy = policyOf(single(run, T.key));
        assert.ok(!JSON.stringify(policy).includes("guardduty.amazonaws.com"), "the key must not name GuardDuty when nothing is exported");
        assert.equal(single(run, T.topic).inputs.kmsMasterKeyId, single(run, T.key).outputs.arn);
        assert.deepEqual(Object.keys(run.outputs).sort(), [
            "agentManagement",
            "contractVersion",
            "coverageEventBusArn",
            "detectorId",
            "detectorIds",
            "findingsKmsKeyArn",
            "findingsTopicArn",
            "role",
        ]);
    });

    it("without notificationEmail, creates no subscription but keeps the topic and both rules", async () => {
        const run = await audit({ notificationEmail: undefined });
        assert.equal(ofType(run, T.subscription).length, 0);
        assert.equal(ofType(run, T.topic).length, 1);
        assert.equal(ofType(run, T.target).length, 2);
    });

    it("alerts from the configured threshold, fractions included", async () => {
        const run = await audit({ findingsSeverityThreshold: "4.5" });
        assert.deepEqual(JSON.parse(String(ruleBySuffix(run, "-findings").inputs.eventPattern)).detail, { severity: [{ numeric: [">=", 4.5] }] });
    });

    it("with existingDetectorId, adopts that detector (import ID registered, still protected) instead of creating another", async () => {
        const run = await audit({ existingDetectorId: EXISTING });
        const detector = single(run, T.detector);
        // The mock engine answers an import with the import ID; a created detector gets a generated one.
        assert.equal(detector.id, EXISTING);
        assert.equal(detector.protect, true);
        assert.equal(detector.name, "guardduty-detector", "adoption must keep the created detector's URN");
        for (const type of [T.detectorFeature, T.orgConfig, T.orgFeature, T.destination]) assert.equal(single(run, type).inputs.detectorId, EXISTING);
        assert.equal(run.outputs.detectorId, EXISTING);
        assert.deepEqual(run.outputs.detectorIds, { "us-east-1": EXISTING });
        const source = statement(policyOf(single(run, T.key)), "GuardDutyEncryptsExportedFindings").Condition!.StringEquals["aws:SourceArn"];
        assert.equal(source, `arn:aws:guardduty:us-east-1:222222222222:detector/${EXISTING}`);
    });

    // Without existingDetectorId the stack looks the detector up: tests/stacks/auditDetector.test.ts.
});

describe("audit building blocks (pure, no mocks)", () => {
    it("lists the three additional configurations in one fixed order", () => {
        assert.deepEqual([...ADDITIONAL_CONFIGURATION_ORDER], ORDER);
    });

    const everySetting = AGENT_MANAGEMENT_MODES.flatMap((agentManagement) =>
        [true, false].flatMap((ecsFargate) => [true, false].map((eks) => ({ agentManagement, runtimeMonitoring: { ecsFargate, eks } }))),
    );

    it("detector feature: always ENABLED, EC2 automation from the mode, ECS/EKS from their flags, always all three in order", () => {
        for (const settings of everySetting) {
            const feature = detectorRuntimeMonitoring(settings);
            assert.equal(feature.name, "RUNTIME_MONITORING");
            assert.equal(feature.status, "ENABLED", JSON.stringify(settings));
            assert.deepEqual(
                feature.additionalConfigurations.map((c) => c.name),
                ORDER,
            );
            assert.deepEqual(
                feature.additionalConfigurations.map((c) => c.status === "ENABLED"),
                [settings.runtimeMonitoring.eks, settings.runtimeMonitoring.ecsFargate, settings.agentManagement === "automated"],
                JSON.stringify(settings),
            );
        }
    });

    it("organization feature: carries the organization's auto-enable value, NONE for each automation that is off", () => {
        for (const autoEnable of ["ALL", "NEW", "NONE"] as const) {
            for (const settings of everySetting) {
                const feature = organizationRuntimeMonitoring(settings, autoEnable);
                assert.equal(feature.autoEnable, autoEnable);
                assert.deepEqual(
                    feature.additionalConfigurations,
                    [
                        { name: "EKS_ADDON_MANAGEMENT", autoEnable: settings.runtimeMonitoring.eks ? autoEnable : "NONE" },
                        { name: "ECS_FARGATE_AGENT_MANAGEMENT", autoEnable: settings.runtimeMonitoring.ecsFargate ? autoEnable : "NONE" },
                        { name: "EC2_AGENT_MANAGEMENT", autoEnable: settings.agentManagement === "automated" ? autoEnable : "NONE" },
                    ],
                    JSON.stringify(settings),
                );
            }
        }
    });

    it("detector options: always protected; adoption imports the ID and ignores only the tags the import would trip on", () => {
        assert.deepEqual(detectorOptions(undefined), { protect: true });
        assert.deepEqual(detectorOptions(EXISTING), { protect: true, import: EXISTING, ignoreChanges: ["tags", "tagsAll"] });
    });

    it("event patterns match GuardDuty's event shapes exactly", () => {
        assert.deepEqual(findingsEventPattern(7), {
            source: ["aws.guardduty"],
            "detail-type": ["GuardDuty Finding"],
            detail: { severity: [{ numeric: [">=", 7] }] },
        });
        assert.deepEqual(runtimeUnhealthyEventPattern(), { source: ["aws.guardduty"], "detail-type": ["GuardDuty Runtime Protection Unhealthy"] });
    });

    it("builds detector ARNs in the region's partition", () => {
        assert.equal(detectorArn("aws", "us-east-1", "222222222222", EXISTING), `arn:aws:guardduty:us-east-1:222222222222:detector/${EXISTING}`);
        assert.equal(detectorArn("aws-cn", "cn-north-1", "222222222222", EXISTING), `arn:aws-cn:guardduty:cn-north-1:222222222222:detector/${EXISTING}`);
    });

    it("key policy: no Allow to everyone, GuardDuty only with export and only with source conditions", () => {
        const detector = detectorArn("aws", "us-east-1", "222222222222", EXISTING);
        const detectors = [{ region: "us-east-1", arn: detector }];
        const withExport = findingsKeyPolicy({ region: "us-east-1", accountId: "222222222222", detectors, findingsExport: true });
        const without = findingsKeyPolicy({ region: "us-east-1", accountId: "222222222222", detectors, findingsExport: false });
        for (const policy of [withExport, without]) assert.ok(policy.Statement.every((s) => s.Principal !== "*"));
        assert.deepEqual(
            withExport.Statement.map((s) => s.Sid),
            ["AccountAdministersKey", "GuardDutyEncryptsExportedFindings", "EventBridgePublishesToEncryptedTopic"],
        );
        assert.deepEqual(
            without.Statement.map((s) => s.Sid),
            ["AccountAdministersKey", "EventBridgePublishesToEncryptedTopic"],
        );
        // The SNS guide: aws:Source* condition keys are not supported for EventBridge delivery to encrypted topics.
        assert.equal(statement(withExport, "EventBridgePublishesToEncryptedTopic").Condition, undefined);
    });

    it("bucket policy: nothing is allowed to '*', every GuardDuty Allow is conditioned on our detector", () => {
        const policy = findingsBucketPolicy({
            bucketArn: "arn:aws:s3:::b",
            accountId: "222222222222",
            detectors: [{ region: "us-east-1", arn: "arn:aws:guardduty:us-east-1:222222222222:detector/x" }],
            kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/k",
        });
        const allows = policy.Statement.filter((s) => s.Effect === "Allow");
        assert.ok(
            allows.length === 2 &&
                allows.every(
                    (s) => s.Principal !== "*" && s.Condition?.StringEquals?.["aws:SourceArn"] === "arn:aws:guardduty:us-east-1:222222222222:detector/x",
                ),
        );
        assert.deepEqual(allows.map((s) => s.Action).sort(), ["s3:GetBucketLocation", "s3:PutObject"]);
    });

    it("topic policy: EventBridge may publish for the given rules only", () => {
        const policy = alertsTopicPolicy("arn:aws:sns:us-east-1:222222222222:t", ["arn:r1", "arn:r2"]);
        assert.equal(policy.Statement.length, 1);
        assert.deepEqual(policy.Statement[0].Condition, { ArnEquals: { "aws:SourceArn": ["arn:r1", "arn:r2"] } });
    });

    it("findings bucket names are valid S3 names in every region the provider knows", () => {
        for (const region of KNOWN_REGIONS) {
            const name = findingsBucketName("222222222222", region);
            assert.ok(name.length >= 3 && name.length <= 63 && /^[a-z0-9][a-z0-9-]*[a-z0-9]$/.test(name), `${name} is not a valid bucket name`);
        }
    });
});
