import * as assert from "node:assert/strict";
import { GetFindingsCommand, GuardDutyClient, ListFindingsCommand, type Finding } from "@aws-sdk/client-guardduty";
import { GetCommandInvocationCommand, InvalidInstanceId, InvocationDoesNotExist, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { createAwsAccess, type AwsAccess } from "../../tools/verify/clients";
import { VerifyError } from "../../tools/verify/errors";
import { expectedInstances, type ExpectedInstance } from "../../tools/verify/expected";
import {
    CLOCK_SKEW_TOLERANCE_MS,
    chooseTestInstance,
    isSampleFinding,
    TEST_DOMAIN,
    TEST_FINDING_TYPES,
    testFindingNotice,
    triggerTestFinding,
    type TestFindingTimings,
} from "../../tools/verify/testFinding";
import {
    DETECTOR_ID,
    FAKE_CREDENTIALS,
    fakeClock,
    OTHER_PARTICIPANT_ACCOUNT,
    PARTICIPANT_ACCOUNT,
    PARTICIPANT_CALLER_ARN,
    participantOutputs,
    RecordingProgress,
    REGION,
} from "./support/fixtures";

const guardDuty = mockClient(GuardDutyClient);
const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);

const expected = expectedInstances([{ source: "test", outputs: participantOutputs() }]);
const target = expected[1] as ExpectedInstance;
const timings: TestFindingTimings = { commandTimeoutMs: 120_000, findingTimeoutMs: 600_000, pollIntervalMs: 30_000 };

function finding(overrides: Partial<Finding> = {}): Finding {
    return {
        AccountId: PARTICIPANT_ACCOUNT,
        Arn: "arn:aws:guardduty:us-east-1:222222222222:detector/x/finding/f-real",
        CreatedAt: "2026-01-01T00:03:00.000Z",
        UpdatedAt: "2026-01-01T00:03:00.000Z",
        Id: "f-real",
        Region: REGION,
        SchemaVersion: "2.0",
        Severity: 8,
        Title: "Command and Control server domain name queried by EC2 instance",
        Type: TEST_FINDING_TYPES[0],
        Resource: { ResourceType: "Instance", InstanceDetails: { InstanceId: target.instanceId } },
        Service: { Count: 1, AdditionalInfo: { Value: "{}", Type: "default" } },
        ...overrides,
    };
}

describe("--trigger-test-finding (mocked SSM and GuardDuty)", () => {
    let aws: AwsAccess;

    beforeEach(() => {
        guardDuty.reset();
        ssm.reset();
        sts.reset();
        sts.on(GetCallerIdentityCommand).resolves({ Arn: PARTICIPANT_CALLER_ARN, Account: PARTICIPANT_ACCOUNT });
        ssm.on(SendCommandCommand).resolves({ Command: { CommandId: "cmd-1" } });
        aws = createAwsAccess({ baseCredentials: FAKE_CREDENTIALS });
    });
    afterEach(() => aws.destroy());
    after(() => {
        guardDuty.restore();
        ssm.restore();
        sts.restore();
    });

    const run = (clock = fakeClock(), progress = new RecordingProgress()) =>
        triggerTestFinding(target, aws.participant(REGION, PARTICIPANT_ACCOUNT), aws.audit(REGION), DETECTOR_ID, timings, clock, progress);

    it("resolves the test domain via AWS-RunShellScript, waits for the command, then finds the finding on that instance", async () => {
        ssm.on(GetCommandInvocationCommand)
            .rejectsOnce(new InvocationDoesNotExist({ message: "not yet", $metadata: {} }))
            .resolvesOnce({ Status: "InProgress" })
            .resolves({ Status: "Success", StatusDetails: "Success", StandardOutputContent: "127.0.0.1\nresolved guarddutyc2activityb.com with dig\n" });
        guardDuty
            .on(ListFindingsCommand)
            .resolvesOnce({ FindingIds: [] })
            .resolves({ FindingIds: ["f-sample", "f-real"] });
        guardDuty.on(GetFindingsCommand).resolves({
            Findings: [finding({ Id: "f-sample", Service: { AdditionalInfo: { Value: '{"sample":true}', Type: "default" } } }), finding()],
        });
        const clock = fakeClock();
        const triggeredAt = clock.now();

        const result = await run(clock);

        const send = ssm.commandCalls(SendCommandCommand)[0]!.args[0].input;
        assert.equal(send.DocumentName, "AWS-RunShellScript");
        assert.deepEqual(send.InstanceIds, [target.instanceId]);
        const script = send.Parameters!.commands!.join("\n");
        assert.match(script, new RegExp(TEST_DOMAIN.replace(/\./g, "\\.")));
        for (const resolver of ["dig", "nslookup", "getent hosts"]) {
            assert.ok(script.includes(resolver), `script falls back through ${resolver}`);
        }
        assert.ok(send.Comment!.length <= 100, "SSM rejects comments over 100 characters");

        assert.equal(ssm.commandCalls(GetCommandInvocationCommand).length, 3);
        const listInput = guardDuty.commandCalls(ListFindingsCommand)[0]!.args[0].input;
        assert.equal(listInput.DetectorId, DETECTOR_ID);
        assert.deepEqual(listInput.FindingCriteria, {
            Criterion: {
                type: { Equals: [...TEST_FINDING_TYPES] },
                "resource.instanceDetails.instanceId": { Equals: [target.instanceId] },
                accountId: { Equals: [PARTICIPANT_ACCOUNT] },
                updatedAt: { GreaterThanOrEqual: triggeredAt - CLOCK_SKEW_TOLERANCE_MS },
            },
        });
        assert.deepEqual(guardDuty.commandCalls(GetFindingsCommand)[0]!.args[0].input, { DetectorId: DETECTOR_ID, FindingIds: ["f-sample", "f-real"] });

        assert.equal(result.found, true);
        assert.equal(result.finding?.id, "f-real", "a CreateSampleFindings sample is never taken as proof");
        assert.equal(result.finding?.type, "Backdoor:Runtime/C&CActivity.B!DNS");
        assert.equal(result.commandStatus, "Success");
        assert.equal(result.commandOutput, "127.0.0.1\nresolved guarddutyc2activityb.com with dig");
        assert.equal(result.findingChecks, 2);
        assert.equal(result.waitedMs, timings.pollIntervalMs);
    });

    it("reports NOT FOUND when no finding arrives before --finding-timeout, having polled at the interval", async () => {
        ssm.on(GetCommandInvocationCommand).resolves({ Status: "Success" });
        guardDuty.on(ListFindingsCommand).resolves({ FindingIds: [] });
        const clock = fakeClock();
        const progress = new RecordingProgress();

        const result = await run(clock, progress);

        assert.equal(result.found, false);
        assert.equal(result.finding, undefined);
        assert.equal(result.waitedMs, timings.findingTimeoutMs);
        assert.equal(guardDuty.commandCalls(ListFindingsCommand).length, timings.findingTimeoutMs / timings.pollIntervalMs + 1);
        assert.equal(progress.events[0], "begin Waiting for the test finding /600");
        assert.match(progress.events[1]!, /no finding yet after 1 check\(s\); 0s elapsed, 10m00s left/);
        assert.equal(progress.events.at(-1), "end");
    });

    it("does not wait for a finding when the SSM command failed, and reports why", async () => {
        ssm.on(GetCommandInvocationCommand).resolves({ Status: "Failed", StatusDetails: "Undeliverable", StandardErrorContent: "sh: line 1: boom" });

        const result = await run();

        assert.equal(result.found, false);
        assert.equal(result.commandStatus, "Failed (Undeliverable)");
        assert.equal(guardDuty.commandCalls(ListFindingsCommand).length, 0);
    });

    it("gives up on a command that never finishes within --command-timeout", async () => {
        ssm.on(GetCommandInvocationCommand).resolves({ Status: "InProgress" });

        const result = await run();

        assert.equal(result.commandStatus, "InProgress (gave up after 2m00s)");
        assert.equal(result.found, false);
        assert.equal(guardDuty.commandCalls(ListFindingsCommand).length, 0);
    });

    it("refuses participant credentials from another account before running anything", async () => {
        sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:sts::${OTHER_PARTICIPANT_ACCOUNT}:assumed-role/x/y`, Account: OTHER_PARTICIPANT_ACCOUNT });

        await assert.rejects(run(), (error: unknown) => {
            assert.ok(error instanceof VerifyError);
            assert.equal(error.exitCode, 2);
            assert.match(
                error.message,
                new RegExp(`are for account ${OTHER_PARTICIPANT_ACCOUNT}, but web-b \\(${target.instanceId}\\) is in account ${PARTICIPANT_ACCOUNT}`),
            );
            assert.match(error.message, /--participant-role-arn/);
            return true;
        });
        assert.equal(ssm.commandCalls(SendCommandCommand).length, 0);
    });

    it("explains SSM's InvalidInstanceId as an instance SSM does not manage", async () => {
        ssm.on(SendCommandCommand).rejects(new InvalidInstanceId({ message: "Instances not in a valid state", $metadata: { httpStatusCode: 400 } }));

        await assert.rejects(
            run(),
            (error: unknown) => error instanceof VerifyError && error.kind === "aws-error" && /not an SSM managed instance/.test(error.message),
        );
    });

    it("names ssm:SendCommand and the participant when SendCommand is denied", async () => {
        ssm.on(SendCommandCommand).rejects(Object.assign(new Error("not authorized"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } }));

        await assert.rejects(run(), (error: unknown) => {
            assert.ok(error instanceof VerifyError);
            assert.equal(error.kind, "access-denied");
            assert.match(error.message, new RegExp(`the participant account ${PARTICIPANT_ACCOUNT} identity ${PARTICIPANT_CALLER_ARN.replace(/[/]/g, "\\/")}`));
            assert.match(error.message, /is not allowed to perform ssm:SendCommand in us-east-1/);
            return true;
        });
    });

    it("chooses the first expected instance by default, or the one --instance names by name or ID", () => {
        assert.equal(chooseTestInstance(expected, undefined).name, "web-a");
        assert.equal(chooseTestInstance(expected, "batch").instanceId, expected[2]!.instanceId);
        assert.equal(chooseTestInstance(expected, expected[1]!.instanceId).name, "web-b");
        assert.throws(
            () => chooseTestInstance(expected, "nope"),
            (error: unknown) => error instanceof VerifyError && error.exitCode === 2 && /matches no expected instance.*web-a/.test(error.message),
        );
    });

    it("says plainly, before anything runs, that it creates a harmless test finding on which instance", () => {
        const notice = testFindingNotice(target);

        assert.match(notice, /deliberately creates a GuardDuty finding/);
        assert.match(notice, /harmless/);
        assert.ok(notice.includes(target.instanceId) && notice.includes(TEST_DOMAIN));
    });

    it("recognises CreateSampleFindings output by service.additionalInfo.sample", () => {
        assert.equal(isSampleFinding(finding({ Service: { AdditionalInfo: { Value: '{"sample":true}', Type: "default" } } })), true);
        assert.equal(isSampleFinding(finding()), false);
        assert.equal(isSampleFinding(finding({ Service: { AdditionalInfo: { Value: "not json", Type: "default" } } })), false);
    });
});
