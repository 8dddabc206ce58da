import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parseCommandLine, parseDuration } from "../../tools/verify/cli";

function runOptions(args: string[]) {
    const parsed = parseCommandLine(args);
    assert.equal(parsed.kind, "run", parsed.kind === "exit" ? parsed.stderr : "");
    return (parsed as Extract<typeof parsed, { kind: "run" }>).options;
}

function usageFailure(args: string[]): string {
    const parsed = parseCommandLine(args);
    assert.equal(parsed.kind, "exit");
    const exit = parsed as Extract<typeof parsed, { kind: "exit" }>;
    assert.equal(exit.exitCode, 2, "usage errors exit 2, not commander's default 1");
    return exit.stderr;
}

describe("verify command line", () => {
    it("takes stack names as arguments and --outputs as a repeatable flag", () => {
        const options = runOptions(["organization/guardduty-shared-vpc/participant", "--outputs", "a.json", "--outputs", "b.json"]);

        assert.deepEqual(options.stacks, ["organization/guardduty-shared-vpc/participant"]);
        assert.deepEqual(options.outputsFiles, ["a.json", "b.json"]);
    });

    it("defaults to a single check, 15s polling, 10 coverage queries at once, 15m finding timeout, 2m command timeout and text output", () => {
        const options = runOptions(["--outputs", "a.json"]);

        assert.deepEqual(options, {
            stacks: [],
            outputsFiles: ["a.json"],
            waitMs: 0,
            pollIntervalMs: 15_000,
            concurrency: 10,
            json: false,
            triggerTestFinding: false,
            findingTimeoutMs: 900_000,
            commandTimeoutMs: 120_000,
        });
    });

    it("parses durations with units for --wait, --poll-interval and the timeouts", () => {
        const options = runOptions([
            "--outputs",
            "a.json",
            "--wait",
            "10m",
            "--poll-interval",
            "30s",
            "--trigger-test-finding",
            "--finding-timeout",
            "1h",
            "--command-timeout",
            "90s",
        ]);

        assert.equal(options.waitMs, 600_000);
        assert.equal(options.pollIntervalMs, 30_000);
        assert.equal(options.findingTimeoutMs, 3_600_000);
        assert.equal(options.commandTimeoutMs, 90_000);
        assert.equal(parseDuration("1.5h"), 5_400_000);
    });

    it("takes --concurrency from 1 to 50 and refuses anything else before calling AWS", () => {
        assert.equal(runOptions(["--outputs", "a.json", "--concurrency", "1"]).concurrency, 1);
        assert.equal(runOptions(["--outputs", "a.json", "--concurrency", "50"]).concurrency, 50);
        for (const bad of ["0", "51", "-3", "2.5", "ten", "1e1", ""]) {
            assert.match(
                usageFailure(["--outputs", "a.json", "--concurrency", bad]),
                /--concurrency <n>' argument '.*' is invalid\. Use a whole number from 1 to 50/,
                `--concurrency ${JSON.stringify(bad)}`,
            );
        }
    });

    it("prints the --help that docs/verify.md shows, so a new or changed flag cannot go undocumented", () => {
        const help = parseCommandLine(["--help"]);
        assert.equal(help.kind, "exit");
        const docs = readFileSync(path.join(__dirname, "..", "..", "docs", "verify.md"), "utf8");
        const documented = /```text\n\$ npm run verify -- --help\n([\s\S]*?)```/.exec(docs)?.[1];
        assert.equal(documented, (help as Extract<typeof help, { kind: "exit" }>).stdout);
    });

    it("refuses a bare number for --wait, since it would silently mean milliseconds", () => {
        assert.match(usageFailure(["--outputs", "a.json", "--wait", "10"]), /--wait <duration>' argument '10' is invalid\. Use a number with a unit/);
    });

    it("refuses a poll interval under a second", () => {
        assert.match(usageFailure(["--outputs", "a.json", "--poll-interval", "200ms"]), /at least 1s/);
    });

    it("validates role ARNs and regions", () => {
        assert.match(usageFailure(["--outputs", "a.json", "--audit-role-arn", "GuardDutyVerify"]), /Expected an IAM role ARN/);
        assert.match(usageFailure(["--outputs", "a.json", "--region", "useast1"]), /Expected an AWS region/);
        const options = runOptions([
            "--outputs",
            "a.json",
            "--audit-role-arn",
            "arn:aws:iam::222222222222:role/A",
            "--participant-role-arn",
            "arn:aws-us-gov:iam::444444444444:role/path/B",
            "--region",
            "eu-central-1",
        ]);
        assert.equal(options.auditRoleArn, "arn:aws:iam::222222222222:role/A");
        assert.equal(options.participantRoleArn, "arn:aws-us-gov:iam::444444444444:role/path/B");
        assert.equal(options.region, "eu-central-1");
    });

    it("refuses a China region, where GuardDuty has no Runtime Monitoring and every instance would read as not covered, and takes GovCloud", () => {
        for (const region of ["cn-north-1", "cn-northwest-1"]) {
            assert.match(
                usageFailure(["--outputs", "a.json", "--region", region]),
                new RegExp(
                    `Expected a region with GuardDuty Runtime Monitoring: in ${region} \\(partition aws-cn\\), Runtime Monitoring .* is not supported in the China Regions, so there is no coverage to verify`,
                ),
            );
        }
        assert.equal(runOptions(["--outputs", "a.json", "--region", "us-gov-east-1"]).region, "us-gov-east-1");
    });

    it("requires something to verify", () => {
        assert.match(usageFailure([]), /name at least one participant stack .* or pass --outputs FILE/);
    });

    it("refuses --instance without --trigger-test-finding, which it would otherwise silently ignore", () => {
        assert.match(usageFailure(["--outputs", "a.json", "--instance", "web-a"]), /--instance only selects the instance for --trigger-test-finding/);
        assert.equal(runOptions(["--outputs", "a.json", "--trigger-test-finding", "--instance", "web-a"]).instance, "web-a");
    });

    it("refuses unknown flags with exit code 2", () => {
        assert.match(usageFailure(["--outputs", "a.json", "--wiat", "5m"]), /unknown option '--wiat'/);
    });

    it("prints help with every flag, the test-finding warning and the exit codes, exiting 0", () => {
        const parsed = parseCommandLine(["--help"]);

        assert.equal(parsed.kind, "exit");
        const help = (parsed as Extract<typeof parsed, { kind: "exit" }>).stdout;
        assert.equal((parsed as Extract<typeof parsed, { kind: "exit" }>).exitCode, 0);
        for (const flag of [
            "--outputs",
            "--region",
            "--audit-role-arn",
            "--participant-role-arn",
            "--wait",
            "--poll-interval",
            "--json",
            "--trigger-test-finding",
            "--instance",
            "--finding-timeout",
            "--command-timeout",
        ]) {
            assert.ok(help.includes(flag), `help mentions ${flag}`);
        }
        assert.match(help, /creates a real, harmless GuardDuty finding/);
        assert.match(help, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}3 /);
    });
});
