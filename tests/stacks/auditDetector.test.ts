/**
 * The audit stack finds the detector designating the delegated administrator left in its account
 * and adopts it (`import`), creating one only where there is none; `existingDetectorId` skips
 * the lookup. The fake cloud answers the lookup as AWS would after the documented deploy order
 * (a detector exists) unless a test says otherwise.
 */
import * as assert from "node:assert/strict";
import { DetectorLookupError } from "../../src/components/guardDutyAdministrator";
import { runProgram } from "../../stacks";
import { existingDetectorId, type FakeCloudOptions } from "../../tools/offline/fakeCloud";
import { describeResources } from "../../tools/plan/render";
import { runStackOffline, type CapturedResource, type OfflineStackRun } from "../../tools/offline/runStack";
import { DIY_ORGANIZATION, PROJECT } from "../../tools/offline/stacks";
import { fixtureConfig, single, withConfig } from "../helpers/offline";

const DETECTOR = "aws:guardduty/detector:Detector";
const GET_DETECTOR = "aws:guardduty/getDetector:getDetector";
const AUDIT_ACCOUNT = "222222222222";
const REGION = "us-east-1";
const OVERRIDE = "00b00fd5aecc0ab60a708659477e9617";

interface AuditRun {
    run?: OfflineStackRun;
    error?: unknown;
    registered: CapturedResource[];
    invokes: { token: string; provider: string }[];
}

async function audit(cloud: FakeCloudOptions = {}, changes: Record<string, unknown> = {}): Promise<AuditRun> {
    const registered: CapturedResource[] = [];
    const invokes: AuditRun["invokes"] = [];
    const result: AuditRun = { registered, invokes };
    try {
        result.run = await runStackOffline({
            project: PROJECT,
            stack: "audit",
            config: withConfig(fixtureConfig("audit"), changes),
            program: runProgram,
            stackOutputs: () => undefined,
            organization: DIY_ORGANIZATION,
            onRegistered: (resource) => registered.push(resource),
            cloud: { ...cloud, onInvoke: ({ token, provider }) => invokes.push({ token, provider }) },
        });
    } catch (error) {
        result.error = error;
    }
    return result;
}

const lookups = (result: AuditRun) => result.invokes.filter((call) => call.token === GET_DETECTOR);

describe("audit stack: the detector, found and adopted or created", () => {
    it("by default (delegation left a detector): looks it up through the provider pinned to the audit account and adopts it with `import`", async () => {
        const result = await audit();
        const run = result.run!;
        const expectedId = existingDetectorId(AUDIT_ACCOUNT, REGION);

        const provider = single(run, "pulumi:providers:aws");
        assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [AUDIT_ACCOUNT]);
        assert.equal(lookups(result).length, 1, "one lookup per run");
        assert.ok(
            lookups(result)[0]!.provider.startsWith(`${provider.urn}::`),
            `the lookup went through ${lookups(result)[0]!.provider || "the default provider"}, not the pinned one`,
        );

        const detector = single(run, DETECTOR);
        assert.equal(detector.importId, expectedId);
        assert.equal(detector.id, expectedId);
        assert.equal(detector.protect, true);
        assert.equal(detector.name, "guardduty-detector", "adopted under the same URN a created detector gets");
        assert.equal(run.outputs.detectorId, expectedId);
        for (const type of [
            "aws:guardduty/detectorFeature:DetectorFeature",
            "aws:guardduty/organizationConfiguration:OrganizationConfiguration",
            "aws:guardduty/publishingDestination:PublishingDestination",
        ]) {
            assert.equal(single(run, type).inputs.detectorId, expectedId, type);
        }
    });

    it("npm run plan shows the fixture audit stack adopting the detector, as `pulumi preview` shows `= import`", async () => {
        const run = (await audit()).run!;

        const detector = describeResources(run).find((resource) => resource.type === DETECTOR);
        assert.deepEqual(detector?.flags, ["protect", `import ${existingDetectorId(AUDIT_ACCOUNT, REGION)}`]);
        const created = describeResources((await audit({ guardDutyDetector: "none" })).run!).find((resource) => resource.type === DETECTOR);
        assert.deepEqual(created?.flags, ["protect"]);
    });

    it("in an account without a detector: the lookup says none and the stack creates one, importing nothing", async () => {
        const result = await audit({ guardDutyDetector: "none" });
        const run = result.run!;

        assert.equal(lookups(result).length, 1);
        const detector = single(run, DETECTOR);
        assert.equal(detector.importId, undefined);
        assert.notEqual(detector.id, existingDetectorId(AUDIT_ACCOUNT, REGION));
        assert.match(String(detector.id), /^[0-9a-f]{32}$/);
        assert.equal(detector.inputs.enable, true);
        assert.equal(detector.protect, true);
        assert.equal(detector.name, "guardduty-detector");
        assert.equal(run.outputs.detectorId, detector.id);
    });

    it("with existingDetectorId: adopts that detector without looking anything up", async () => {
        // Even where the lookup would fail: the override needs no GuardDuty read permission.
        const result = await audit({ guardDutyDetector: { failure: "must not be asked" } }, { existingDetectorId: OVERRIDE });

        assert.equal(result.error, undefined);
        assert.deepEqual(lookups(result), []);
        assert.equal(single(result.run!, DETECTOR).importId, OVERRIDE);
        assert.equal(result.run!.outputs.detectorId, OVERRIDE);
    });

    it("stops with a clear error, registering no detector, when the lookup fails for another reason than none", async () => {
        const denied =
            "reading this account's single GuardDuty Detector: operation error GuardDuty: ListDetectors, https response error StatusCode: 403, RequestID: 0a1b2c3d, " +
            "AccessDeniedException: User: arn:aws:sts::222222222222:assumed-role/deploy/ci is not authorized to perform: guardduty:ListDetectors";
        const result = await audit({ guardDutyDetector: { failure: denied } });

        assert.ok(result.error instanceof DetectorLookupError, `expected a DetectorLookupError, got ${String(result.error)}`);
        const message = result.error.message;
        assert.match(message, /GuardDuty detector of account 222222222222 in us-east-1 failed/);
        assert.match(message, /guardduty:ListDetectors and guardduty:GetDetector/);
        assert.match(message, /existingDetectorId/);
        assert.ok(message.includes("is not authorized to perform: guardduty:ListDetectors"), "the provider's own words are kept");
        assert.deepEqual(
            result.registered.filter((resource) => !["pulumi:pulumi:Stack", "pulumi:providers:aws"].includes(resource.type)).map((resource) => resource.type),
            [],
            "nothing but the stack and its provider is registered before the lookup",
        );
    });

    it("does not mistake a failure that merely mentions the lookup for 'no detector'", async () => {
        const result = await audit({ guardDutyDetector: { failure: "reading this account's single GuardDuty Detector: too many results: wanted 1, got 2" } });

        assert.ok(result.error instanceof DetectorLookupError);
        assert.equal(result.registered.filter((resource) => resource.type === DETECTOR).length, 0);
    });
});
