/**
 * The shipped entry point, run as a process: proves main.ts wires real clients, credential
 * providers and exit codes, and that the SSM (JSON 1.1) and findings calls are right on the wire.
 */
import * as assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import { startFakeAws, type FakeAwsServer } from "./support/fakeAws";
import { AUDIT_ROLE_ARN, OTHER_PARTICIPANT_ACCOUNT, PARTICIPANT_ACCOUNT } from "./support/fixtures";
import { fakeAwsEnvironment, runCli, type CliResult } from "./support/runCli";
import { DEMO_OUTPUTS_FILES, scenario, type ScenarioName } from "./support/scenarios";

describe("npm run verify as a process, against fake AWS on 127.0.0.1", function () {
    this.timeout(30_000);
    let directory: string;
    const outputsArgs: string[] = [];
    let server: FakeAwsServer | undefined;

    before(async () => {
        directory = await mkdtemp(path.join(os.tmpdir(), "verify-cli-"));
        for (const [file, outputs] of Object.entries(DEMO_OUTPUTS_FILES)) {
            await writeFile(path.join(directory, file), JSON.stringify(outputs, null, 2));
            outputsArgs.push("--outputs", path.join(directory, file));
        }
    });
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });
    after(() => rm(directory, { recursive: true, force: true }));

    async function verify(name: ScenarioName, args: string[]): Promise<CliResult> {
        server = await startFakeAws(scenario(name), { maxRequests: 60, lifetimeMs: 25_000 });
        return runCli([...outputsArgs, ...args], fakeAwsEnvironment(server.url));
    }

    it("exits 1 and prints the JSON report for an unhealthy fleet read from two participants' --outputs files", async () => {
        const result = await verify("unhealthy", ["--json"]);

        assert.equal(result.exitCode, 1, result.stderr);
        const report = JSON.parse(result.stdout);
        assert.deepEqual(report.summary, { expected: 4, healthy: 1, unhealthy: 2, notFound: 1 });
        assert.deepEqual(
            report.instances.map(
                (instance: { participantAccountId: string; name: string; status: string }) =>
                    `${instance.participantAccountId}/${instance.name}:${instance.status}`,
            ),
            [
                `${PARTICIPANT_ACCOUNT}/app-1:HEALTHY`,
                `${PARTICIPANT_ACCOUNT}/app-2:UNHEALTHY`,
                `${PARTICIPANT_ACCOUNT}/app-3:NOT_FOUND`,
                `${OTHER_PARTICIPANT_ACCOUNT}/batch-1:UNHEALTHY`,
            ],
        );
        const coverage = server!.requests.find((request) => request.operation === "ListCoverage")!;
        assert.deepEqual(coverage.body.filterCriteria.filterCriterion[1], {
            criterionKey: "ACCOUNT_ID",
            filterCondition: { equals: [PARTICIPANT_ACCOUNT, OTHER_PARTICIPANT_ACCOUNT] },
        });
        assert.equal(result.stderr, "");
    });

    it("runs the test-finding flow over SSM and GuardDuty findings and exits 0 when the finding arrives", async () => {
        const result = await verify("test-finding", ["--trigger-test-finding", "--poll-interval", "1s", "--finding-timeout", "20s"]);

        assert.equal(result.exitCode, 0, result.stderr);
        assert.match(result.stdout, /^4 expected: 4 HEALTHY, 0 UNHEALTHY, 0 NOT FOUND$/m);
        assert.match(result.stdout, /finding +FOUND Backdoor:Runtime\/C&CActivity\.B!DNS \(severity 8\)/);
        assert.match(result.stderr, /deliberately creates a GuardDuty finding/);
        const send = server!.requests.find((request) => request.operation === "SendCommand")!;
        assert.equal(send.headers["x-amz-target"], "AmazonSSM.SendCommand");
        assert.match(send.body.Parameters.commands.join("\n"), /guarddutyc2activityb\.com/);
        const list = server!.requests.find((request) => request.operation === "ListFindings")!;
        assert.deepEqual(Object.keys(list.body.findingCriteria.criterion).sort(), ["accountId", "resource.instanceDetails.instanceId", "type", "updatedAt"]);
        assert.deepEqual(list.body.findingCriteria.criterion.accountId, { equals: [PARTICIPANT_ACCOUNT] });
        assert.equal(typeof list.body.findingCriteria.criterion.updatedAt.greaterThanOrEqual, "number");
    });

    it("exits 3 and explains a refused --audit-role-arn assumption", async () => {
        const result = await verify("assume-role-denied", ["--audit-role-arn", AUDIT_ROLE_ARN]);

        assert.equal(result.exitCode, 3, result.stderr);
        assert.equal(result.stdout, "");
        assert.match(result.stderr, /Access denied while assuming arn:aws:iam::222222222222:role\/GuardDutyVerify \(--audit-role-arn\) for the audit account/);
        assert.ok(server!.requests.some((request) => request.operation === "AssumeRole" && request.body.RoleArn === AUDIT_ROLE_ARN));
    });
});
