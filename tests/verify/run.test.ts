import * as assert from "node:assert/strict";
import {
    GetFindingsCommand,
    GuardDutyClient,
    ListCoverageCommand,
    ListDetectorsCommand,
    ListFindingsCommand,
    type CoverageResource,
} from "@aws-sdk/client-guardduty";
import { GetCommandInvocationCommand, SendCommandCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { parseCommandLine } from "../../tools/verify/cli";
import { createAwsAccess, type AwsAccess } from "../../tools/verify/clients";
import { LineProgress } from "../../tools/verify/progress";
import { runVerify, type VerifyOptions } from "../../tools/verify/run";
import {
    AUDIT_ACCOUNT,
    AUDIT_CALLER_ARN,
    capture,
    DETECTOR_ID,
    FAKE_CREDENTIALS,
    fakeClock,
    INSTANCES,
    noPulumi,
    outputsFileReader,
    PARTICIPANT_ACCOUNT,
    PARTICIPANT_CALLER_ARN,
    participantOutputs,
    REGION,
} from "./support/fixtures";

const guardDuty = mockClient(GuardDutyClient);
const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);

const OUTPUTS_FILE = "participant.json";

/** What `npm run verify -- --outputs participant.json` runs with, so these runs see the shipped defaults. */
function options(overrides: Partial<VerifyOptions> = {}): VerifyOptions {
    const parsed = parseCommandLine(["--outputs", OUTPUTS_FILE]);
    assert.equal(parsed.kind, "run");
    return { ...(parsed as Extract<typeof parsed, { kind: "run" }>).options, ...overrides };
}

function ec2(instanceId: string, status: "HEALTHY" | "UNHEALTHY", issue?: string): CoverageResource {
    return {
        AccountId: PARTICIPANT_ACCOUNT,
        ResourceId: instanceId,
        CoverageStatus: status,
        ...(issue ? { Issue: issue } : {}),
        UpdatedAt: new Date("2026-01-01T00:00:00Z"),
        ResourceDetails: {
            ResourceType: "EC2",
            Ec2InstanceDetails: { InstanceId: instanceId, InstanceType: "t3.small", ManagementType: "AUTO_MANAGED", AgentDetails: { Version: "1.9.0" } },
        },
    };
}

const [webA, webB, batch] = INSTANCES as [(typeof INSTANCES)[0], (typeof INSTANCES)[0], (typeof INSTANCES)[0]];
const allHealthy = { Resources: INSTANCES.map((instance) => ec2(instance.id, "HEALTHY")) };

describe("npm run verify: report, JSON and exit codes (mocked AWS)", () => {
    let aws: AwsAccess;
    let io: ReturnType<typeof capture>;

    beforeEach(() => {
        guardDuty.reset();
        ssm.reset();
        sts.reset();
        guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR_ID] });
        sts.on(GetCallerIdentityCommand).resolves({ Arn: AUDIT_CALLER_ARN, Account: AUDIT_ACCOUNT });
        aws = createAwsAccess({ baseCredentials: FAKE_CREDENTIALS });
        io = capture();
    });
    afterEach(() => aws.destroy());
    after(() => {
        guardDuty.restore();
        ssm.restore();
        sts.restore();
    });

    const verify = (opts: VerifyOptions, files: Record<string, string> = { [OUTPUTS_FILE]: JSON.stringify(participantOutputs()) }, clock = fakeClock()) =>
        runVerify(opts, {
            aws,
            pulumi: noPulumi,
            workDir: "/repo",
            readFile: outputsFileReader(files),
            clock,
            progress: new LineProgress(
                (line) => io.stderr(`${line}\n`),
                () => new Date(clock.now()),
            ),
            stdout: io.stdout,
            stderr: io.stderr,
        });

    it("exits 0 and prints one table row per instance plus the summary line when all are HEALTHY", async () => {
        guardDuty.on(ListCoverageCommand).resolves(allHealthy);

        const exitCode = await verify(options());

        assert.equal(exitCode, 0);
        const text = io.out.join("");
        assert.match(text, /^PARTICIPANT ACCOUNT +INSTANCE +INSTANCE ID +STATUS +MANAGEMENT +ISSUE$/m);
        for (const instance of INSTANCES) {
            assert.match(text, new RegExp(`^${PARTICIPANT_ACCOUNT} +${instance.name} +${instance.id} +HEALTHY +AUTO_MANAGED +-$`, "m"));
        }
        assert.match(text, /^3 expected: 3 HEALTHY, 0 UNHEALTHY, 0 NOT FOUND$/m);
        assert.equal(io.err.join(""), "", "nothing on stderr for a single healthy check");
    });

    it("exits 1 for a mix, showing GuardDuty's issue text and a hint for it", async () => {
        guardDuty
            .on(ListCoverageCommand)
            .resolves({ Resources: [ec2(webA.id, "HEALTHY"), ec2(webB.id, "UNHEALTHY", "VPC endpoint creation not supported for shared VPC vpc-0abc")] });

        const exitCode = await verify(options());

        assert.equal(exitCode, 1);
        const text = io.out.join("");
        assert.match(text, new RegExp(`${webB.id} +UNHEALTHY +AUTO_MANAGED +VPC endpoint creation not supported for shared VPC vpc-0abc`));
        assert.match(text, new RegExp(`${batch.id} +NOT FOUND +- +not in GuardDuty's coverage list`));
        assert.match(text, /^3 expected: 1 HEALTHY, 1 UNHEALTHY, 1 NOT FOUND$/m);
        assert.match(text, /the owner stack creates the guardduty-data endpoint in the shared VPC/);
    });

    it("prints a stable JSON object with --json, and nothing else on stdout", async () => {
        guardDuty.on(ListCoverageCommand).resolves({ Resources: [ec2(webA.id, "HEALTHY"), ec2(webB.id, "UNHEALTHY", "No Agent Reporting")] });

        const exitCode = await verify(options({ json: true }));

        assert.equal(exitCode, 1);
        assert.equal(io.out.length, 1);
        const report = JSON.parse(io.out[0]!);
        assert.deepEqual(Object.keys(report), ["schemaVersion", "ok", "exitCode", "checkedAt", "summary", "detectors", "instances", "testFinding"]);
        assert.deepEqual(
            { ...report, checkedAt: "(time)" },
            {
                schemaVersion: 1,
                ok: false,
                exitCode: 1,
                checkedAt: "(time)",
                summary: { expected: 3, healthy: 1, unhealthy: 1, notFound: 1 },
                detectors: [{ region: REGION, detectorId: DETECTOR_ID }],
                instances: [
                    {
                        participantAccountId: PARTICIPANT_ACCOUNT,
                        region: REGION,
                        name: "web-a",
                        instanceId: webA.id,
                        status: "HEALTHY",
                        managementType: "AUTO_MANAGED",
                        issue: null,
                        agentVersion: "1.9.0",
                        instanceType: "t3.small",
                        updatedAt: "2026-01-01T00:00:00.000Z",
                    },
                    {
                        participantAccountId: PARTICIPANT_ACCOUNT,
                        region: REGION,
                        name: "web-b",
                        instanceId: webB.id,
                        status: "UNHEALTHY",
                        managementType: "AUTO_MANAGED",
                        issue: "No Agent Reporting",
                        agentVersion: "1.9.0",
                        instanceType: "t3.small",
                        updatedAt: "2026-01-01T00:00:00.000Z",
                    },
                    {
                        participantAccountId: PARTICIPANT_ACCOUNT,
                        region: REGION,
                        name: "batch",
                        instanceId: batch.id,
                        status: "NOT_FOUND",
                        managementType: null,
                        issue: null,
                        agentVersion: null,
                        instanceType: null,
                        updatedAt: null,
                    },
                ],
                testFinding: null,
            },
        );
        assert.match(report.checkedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });

    it("with --wait, polls until HEALTHY and keeps progress on stderr so --json stdout stays parseable", async () => {
        guardDuty
            .on(ListCoverageCommand)
            .resolvesOnce({ Resources: [ec2(webA.id, "UNHEALTHY", "No Agent Reporting: Waiting for SSM notification")] })
            .resolves(allHealthy);

        const exitCode = await verify(options({ json: true, waitMs: 600_000 }));

        assert.equal(exitCode, 0);
        assert.equal(JSON.parse(io.out.join("")).summary.healthy, 3);
        const progress = io.err.join("");
        assert.match(progress, /Waiting for GuardDuty agents: 0\/3 HEALTHY, 1 UNHEALTHY, 2 NOT FOUND; 0s elapsed, 10m00s left/);
        assert.match(progress, /Waiting for GuardDuty agents: 3\/3 HEALTHY, 0 UNHEALTHY, 0 NOT FOUND; 15s elapsed, 9m45s left/);
    });

    it("exits 3 with no partial report when a later coverage page fails, in text and JSON mode", async () => {
        for (const json of [false, true]) {
            guardDuty.reset();
            guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [DETECTOR_ID] });
            guardDuty
                .on(ListCoverageCommand)
                .resolvesOnce({ Resources: [ec2(webA.id, "HEALTHY")], NextToken: "t1" })
                .rejectsOnce(Object.assign(new Error("internal"), { name: "InternalServerErrorException", $metadata: { httpStatusCode: 500, attempts: 8 } }));
            io = capture();

            const exitCode = await verify(options({ json }));

            assert.equal(exitCode, 3);
            const stdout = io.out.join("");
            assert.doesNotMatch(stdout, /HEALTHY|expected:/, "no instance status may be printed from an incomplete listing");
            if (json) {
                assert.deepEqual(JSON.parse(stdout), {
                    schemaVersion: 1,
                    ok: false,
                    exitCode: 3,
                    error: {
                        kind: "aws-error",
                        message:
                            "guardduty:ListCoverage in us-east-1 failed for the audit account: InternalServerErrorException: internal (HTTP 500, 8 attempt(s))",
                    },
                });
            } else {
                assert.equal(stdout, "");
            }
            assert.match(io.err.join(""), /^verify: guardduty:ListCoverage in us-east-1 failed/);
        }
    });

    it("exits 3 naming the identity and permission when ListCoverage is denied", async () => {
        guardDuty.on(ListCoverageCommand).rejects(Object.assign(new Error("no"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }));

        const exitCode = await verify(options());

        assert.equal(exitCode, 3);
        assert.match(
            io.err.join(""),
            /Access denied: the audit account identity arn:aws:sts::222222222222:assumed-role\/GuardDutyVerify\/.* is not allowed to perform guardduty:ListCoverage in us-east-1/,
        );
    });

    it("exits 3 when the region has no detector", async () => {
        guardDuty.on(ListDetectorsCommand).resolves({ DetectorIds: [] });

        assert.equal(await verify(options()), 3);
        assert.match(io.err.join(""), /No GuardDuty detector in us-east-1/);
    });

    it("exits 2 for an outputs file with a missing key, before calling AWS", async () => {
        const { region: _region, ...incomplete } = participantOutputs();

        const exitCode = await verify(options(), { [OUTPUTS_FILE]: JSON.stringify(incomplete) });

        assert.equal(exitCode, 2);
        assert.match(io.err.join(""), /outputs file participant\.json .*\n {2}- missing output key "region"/);
        assert.equal(guardDuty.calls().length, 0);
    });

    it("exits 2 for an --instance that is not expected, before any coverage call", async () => {
        const exitCode = await verify(options({ triggerTestFinding: true, instance: "nope" }));

        assert.equal(exitCode, 2);
        assert.equal(guardDuty.calls().length, 0);
    });

    describe("with --trigger-test-finding", () => {
        beforeEach(() => {
            guardDuty.on(ListCoverageCommand).resolves(allHealthy);
            ssm.on(SendCommandCommand).resolves({ Command: { CommandId: "cmd-1" } });
            ssm.on(GetCommandInvocationCommand).resolves({ Status: "Success", StandardOutputContent: "resolved guarddutyc2activityb.com with getent" });
            // The STS mock answers for both accounts; the participant principal must see the participant account.
            sts.on(GetCallerIdentityCommand).resolves({ Arn: PARTICIPANT_CALLER_ARN, Account: PARTICIPANT_ACCOUNT });
        });

        it("exits 0 when all are HEALTHY and the finding arrives, warning on stderr that it creates a test finding", async () => {
            guardDuty.on(ListFindingsCommand).resolves({ FindingIds: ["f-1"] });
            guardDuty.on(GetFindingsCommand).resolves({
                Findings: [
                    {
                        Id: "f-1",
                        Type: "Backdoor:Runtime/C&CActivity.B!DNS",
                        Severity: 8,
                        UpdatedAt: "2026-01-01T00:04:00.000Z",
                        AccountId: PARTICIPANT_ACCOUNT,
                        Arn: "arn:f-1",
                        CreatedAt: "2026-01-01T00:04:00.000Z",
                        Region: REGION,
                        SchemaVersion: "2.0",
                        Resource: { InstanceDetails: { InstanceId: webA.id } },
                    },
                ],
            });

            const exitCode = await verify(options({ triggerTestFinding: true, json: true }));

            assert.equal(exitCode, 0);
            assert.match(io.err.join(""), /NOTE: --trigger-test-finding .*\n.*deliberately creates a GuardDuty finding/);
            const report = JSON.parse(io.out.join(""));
            assert.deepEqual(report.testFinding, {
                participantAccountId: PARTICIPANT_ACCOUNT,
                instanceName: "web-a",
                instanceId: webA.id,
                triggeredAt: "2026-01-01T00:00:00.000Z",
                commandId: "cmd-1",
                commandStatus: "Success",
                found: true,
                waitedSeconds: 0,
                finding: { id: "f-1", type: "Backdoor:Runtime/C&CActivity.B!DNS", severity: 8, title: null, updatedAt: "2026-01-01T00:04:00.000Z" },
            });
            assert.equal(guardDuty.commandCalls(ListDetectorsCommand).length, 1, "the detector found for coverage is reused for findings");
        });

        it("still triggers on a chosen instance that is not HEALTHY, warning that the finding may not come", async () => {
            guardDuty.on(ListCoverageCommand).resolves({ Resources: [ec2(webA.id, "HEALTHY"), ec2(webB.id, "UNHEALTHY", "No Agent Reporting")] });
            guardDuty.on(ListFindingsCommand).resolves({ FindingIds: [] });

            const exitCode = await verify(options({ triggerTestFinding: true, instance: "web-b", findingTimeoutMs: 30_000, pollIntervalMs: 30_000 }));

            assert.equal(exitCode, 1);
            assert.match(io.err.join(""), /warning: web-b \(i-0bbbbbbbbbbbbbbb2\) is UNHEALTHY; a Runtime finding needs a reporting agent/);
            assert.deepEqual(ssm.commandCalls(SendCommandCommand)[0]!.args[0].input.InstanceIds, [webB.id]);
        });

        it("exits 1 when every instance is HEALTHY but the finding never arrives", async () => {
            guardDuty.on(ListFindingsCommand).resolves({ FindingIds: [] });

            const exitCode = await verify(options({ triggerTestFinding: true, findingTimeoutMs: 60_000, pollIntervalMs: 30_000 }));

            assert.equal(exitCode, 1);
            const text = io.out.join("");
            assert.match(text, /^3 expected: 3 HEALTHY, 0 UNHEALTHY, 0 NOT FOUND$/m);
            assert.match(text, /finding +NOT FOUND within 1m00s \(3 check\(s\)\)/);
        });
    });

    describe("participants in two regions (one management and audit stack governing both)", () => {
        const EU = "eu-west-1";
        const EU_ACCOUNT = "666666666666";
        const euInstance = { name: "eu-app", id: "i-0eeeeeeeeeeeeeee5", subnet: "app-a", azId: "euw1-az1" };
        const files = {
            "us.json": JSON.stringify(participantOutputs()),
            "eu.json": JSON.stringify(
                participantOutputs({ participantAccountId: EU_ACCOUNT, region: EU, instances: [euInstance], instanceIds: [euInstance.id] }),
            ),
        };
        const detectorIn = (region: string) => `${region === EU ? "e" : "a"}`.repeat(32);

        /** GuardDuty per region: each region's detector sees only the instances that run there. */
        beforeEach(() => {
            guardDuty.on(ListDetectorsCommand).callsFake(async (_input, getClient) => ({ DetectorIds: [detectorIn(await getClient().config.region())] }));
            guardDuty.on(ListCoverageCommand).callsFake(async (input, getClient) => {
                const region = await getClient().config.region();
                assert.equal(input.DetectorId, detectorIn(region), `ListCoverage in ${region} must name that region's detector`);
                const resources =
                    region === EU ? [{ ...ec2(euInstance.id, "HEALTHY"), AccountId: EU_ACCOUNT }] : INSTANCES.map((instance) => ec2(instance.id, "HEALTHY"));
                return { Resources: resources };
            });
        });

        it("checks each participant in its own region, against that region's detector, and reports both", async () => {
            const exitCode = await verify(options({ outputsFiles: ["us.json", "eu.json"], json: true }), files);

            assert.equal(exitCode, 0, io.err.join(""));
            const report = JSON.parse(io.out.join(""));
            assert.deepEqual(report.detectors, [
                { region: REGION, detectorId: detectorIn(REGION) },
                { region: EU, detectorId: detectorIn(EU) },
            ]);
            assert.deepEqual(report.summary, { expected: 4, healthy: 4, unhealthy: 0, notFound: 0 });
            assert.deepEqual(
                report.instances.map((i: { region: string; participantAccountId: string; instanceId: string }) => [
                    i.region,
                    i.participantAccountId,
                    i.instanceId,
                ]),
                [...INSTANCES.map((instance) => [REGION, PARTICIPANT_ACCOUNT, instance.id]), [EU, EU_ACCOUNT, euInstance.id]],
            );
        });

        it("refuses --region across participants of different regions (one detector would report the others NOT FOUND), naming each region's outputs", async () => {
            const exitCode = await verify(options({ outputsFiles: ["us.json", "eu.json"], region: EU }), files);

            assert.equal(exitCode, 2);
            const message = io.err.join("");
            assert.match(
                message,
                /--region eu-west-1 would check every participant in eu-west-1, but these are in different regions: us-east-1 \(outputs file us\.json\); eu-west-1 \(outputs file eu\.json\)/,
            );
            assert.match(message, /Leave --region out/);
            assert.equal(guardDuty.commandCalls(ListCoverageCommand).length, 0, "nothing is asked of AWS");
        });

        it("still accepts --region for participants that all share one region", async () => {
            const exitCode = await verify(options({ outputsFiles: ["eu.json"], region: EU }), files);
            assert.equal(exitCode, 0, io.err.join(""));
        });
    });
});
