import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { planNodeArgs } from "../../tools/plan/command";
import { EXIT_CODES, NOTHING_DEPLOYED, plan } from "../../tools/plan/plan";
import { FIXTURE_DIR, PROJECT_DIR } from "../helpers/offline";

async function runPlan(argv: string[], projectDir = FIXTURE_DIR): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await plan(argv, { projectDir, out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A copy of the fixture stack files, so a test can break one without touching the repository. */
function projectCopy(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-plan-"));
    for (const file of readdirSync(FIXTURE_DIR).filter((f) => /^Pulumi\..*ya?ml$/.test(f))) copyFileSync(path.join(FIXTURE_DIR, file), path.join(dir, file));
    return dir;
}

describe("npm run plan", () => {
    it("plans every stack of the directory in deploy order, says nothing was deployed, and passes the policies", async () => {
        const { code, out } = await runPlan(["--json"]);
        assert.equal(code, 0);
        const report = JSON.parse(out);
        assert.equal(report.deployed, false);
        assert.equal(report.note, NOTHING_DEPLOYED);
        assert.deepEqual(
            report.stacks.map((s: { stack: string }) => s.stack),
            ["management", "audit", "owner", "participant", "participant-b"],
        );
        for (const stack of report.stacks) {
            assert.equal(stack.status, "planned", stack.stack);
            assert.deepEqual(stack.policies, [], `${stack.stack}: ${JSON.stringify(stack.policies)}`);
        }
        const participant = report.stacks.find((s: { stack: string }) => s.stack === "participant");
        assert.deepEqual(participant.references, [{ stack: "organization/guardduty-shared-vpc/owner", resolved: true }]);
        const owner = report.stacks.find((s: { stack: string }) => s.stack === "owner");
        assert.equal(
            participant.resources
                .find((r: { type: string }) => r.type === "aws:ec2/securityGroup:SecurityGroup")
                .properties.includes(`vpcId=${owner.outputs.vpcId}`),
            true,
        );
    });

    it("prints resources, outputs and wiring as text", async () => {
        const { code, out } = await runPlan(["--stack", "participant"]);
        assert.equal(code, 0);
        assert.match(out, /=== stack participant \(role participant\)/);
        assert.match(out, /aws:ec2\/instance:Instance {2}workloads-app-1/);
        assert.match(out, /metadataOptions\.httpTokens=required/);
        assert.match(out, /reads organization\/guardduty-shared-vpc\/owner \(outputs from this plan\)/);
        assert.doesNotMatch(out, /=== stack owner/, "--stack limits what is printed");
        assert.match(out, /Nothing was deployed/);
    });

    it("prints each stack's agent-management mode and where it came from", async () => {
        const { code, out } = await runPlan(["--no-policies"]);
        assert.equal(code, 0);
        assert.match(out, /=== stack audit \(role audit\)\nagent management: manual \(from guardduty-shared-vpc:agentManagement in this stack's config\)/);
        assert.match(out, /=== stack owner \(role owner\)\nagent management: manual \(from the output of the audit stack audit\)/);
        assert.match(
            out,
            /=== stack participant-b \(role participant\)\nagent management: manual \(from the output of the owner stack organization\/guardduty-shared-vpc\/owner\)/,
        );
        assert.doesNotMatch(out, /=== stack management \(role management\)\nagent management/);
    });

    it("plans another directory's set with --dir (the automated fixtures), every stack on the automated path", async () => {
        const { code, out } = await runPlan(["--json", "--dir", "automated"]);
        assert.equal(code, 0);
        const report = JSON.parse(out);
        const modes = Object.fromEntries(report.stacks.map((s: { stack: string; agentManagement?: { mode: string } }) => [s.stack, s.agentManagement?.mode]));
        assert.deepEqual(modes, { management: undefined, audit: "automated", owner: "automated", participant: "automated", "participant-b": "automated" });
        assert.deepEqual(
            report.stacks.flatMap((s: { policies: unknown[] }) => s.policies),
            [],
        );
    });

    it("says the audit stack's default when agentManagement is not set", async () => {
        const dir = projectCopy();
        const audit = path.join(dir, "Pulumi.audit.yaml");
        writeFileSync(audit, readFileSync(audit, "utf8").replace(/^ {2}guardduty-shared-vpc:agentManagement: manual\n/m, ""));
        const { out } = await runPlan(["--json", "--no-policies", "--stack", "audit"], dir);
        const [stack] = JSON.parse(out).stacks;
        assert.deepEqual(stack.agentManagement, { mode: "automated", source: "the default (guardduty-shared-vpc:agentManagement is not set)" });
    });

    it("refuses an unknown --stack with the list of shipped stacks (exit 2)", async () => {
        const { code, err } = await runPlan(["--stack", "prod"]);
        assert.equal(code, 2);
        assert.match(err, /shipped stacks: management, audit, owner, participant, participant-b/);
    });

    it("exits 1 with the config error, and plans the other stacks, when one stack's config is bad", async () => {
        const dir = projectCopy();
        writeFileSync(
            path.join(dir, "Pulumi.participant-b.yaml"),
            'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "555555555555"\n  guardduty-shared-vpc:ownerStack: owner\n  guardduty-shared-vpc:acceptShareInvitation: sometimes\n',
        );
        const { code, out } = await runPlan(["--json"], dir);
        assert.equal(code, 1);
        const report = JSON.parse(out);
        const broken = report.stacks.find((s: { stack: string }) => s.stack === "participant-b");
        assert.equal(broken.status, "config-error");
        assert.match(broken.error, /guardduty-shared-vpc:acceptShareInvitation: got "sometimes"; expected true or false/);
        assert.equal(report.stacks.find((s: { stack: string }) => s.stack === "participant").status, "planned");
    });

    it("says nothing was deployed before anything else, and again in the closing summary", async () => {
        const { out } = await runPlan(["--stack", "management", "--no-policies"]);
        const lines = out.split("\n");
        assert.equal(lines[0], NOTHING_DEPLOYED);
        assert.match(lines[lines.length - 1], /^Plan \(offline; nothing was deployed\): management: \d+ resources; 0 mandatory policy violation\(s\)\.$/);
    });

    describe("a participant whose owner failed to plan", () => {
        let dir: string;
        before(() => {
            dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.owner.yaml"), BROKEN_OWNER);
        });

        it("is reported as blocked by its owner stack, not as a wrong ownerStack value", async () => {
            const { code, out } = await runPlan(["--json", "--no-policies"], dir);
            assert.equal(code, 1);
            const stacks: Array<{ stack: string; status: string; blockedBy?: string; error?: string }> = JSON.parse(out).stacks;
            const statuses = Object.fromEntries(stacks.map((s) => [s.stack, s.status]));
            assert.deepEqual(statuses, { management: "planned", audit: "planned", owner: "config-error", participant: "blocked", "participant-b": "blocked" });
            for (const participant of stacks.filter((s) => s.status === "blocked")) {
                assert.equal(participant.blockedBy, "owner");
                assert.match(participant.error ?? "", /its owner stack organization\/guardduty-shared-vpc\/owner failed to plan/);
                assert.doesNotMatch(participant.error ?? "", /ownerStack|unknown stack/, "the participant's own config is not at fault");
            }
        });

        it("prints the owner's error once, without stack traces, and points the participants at it", async () => {
            const { out, err } = await runPlan(["--no-policies"], dir);
            assert.equal(out.split('Stack "owner" has').length - 1, 1, "the owner's error appears exactly once");
            assert.doesNotMatch(out + err, /^\s+at /m, "no stack trace lines");
            assert.match(
                out,
                /=== stack participant \(role participant\)\nblocked:\n {2}not planned: its owner stack .* failed to plan \(its error is above\); fix Pulumi\.owner\.yaml first\./,
            );
            assert.match(out, /participant: not planned \(owner failed\)/);
        });

        it("with --stack participant, says how to see the owner's error, which is not printed", async () => {
            const { out } = await runPlan(["--stack", "participant", "--no-policies"], dir);
            assert.doesNotMatch(out, /=== stack owner/);
            assert.match(out, /`npm run plan -- --stack owner` shows why/);
        });
    });

    it("still blames ownerStack when it names a stack that is not shipped (a typo, not an upstream failure)", async () => {
        const dir = projectCopy();
        writeFileSync(path.join(dir, "Pulumi.participant-b.yaml"), PARTICIPANT_B.replace("guardduty-shared-vpc/owner", "guardduty-shared-vpc/ownr"));
        const { code, out } = await runPlan(["--json", "--no-policies"], dir);
        assert.equal(code, 1);
        const broken = JSON.parse(out).stacks.find((s: { stack: string }) => s.stack === "participant-b");
        assert.equal(broken.status, "config-error");
        assert.equal(broken.blockedBy, undefined);
        assert.match(broken.error, /guardduty-shared-vpc:ownerStack: got "organization\/guardduty-shared-vpc\/ownr"/);
    });

    it("--help describes every option and the exit codes, and exits 0", async () => {
        const { code, out, err } = await runPlan(["--help"]);
        assert.equal(code, 0);
        assert.equal(err, "");
        assert.match(out, /^Usage: npm run plan -- /);
        for (const option of ["--stack <name>", "--json", "--no-policies", "-h, --help"]) assert.ok(out.includes(option), `--help mentions ${option}`);
        assert.ok(out.includes(EXIT_CODES));
        for (const code of [0, 1, 2]) assert.match(out, new RegExp(`^ {2}${code} {2}\\S`, "m"), `exit code ${code} is described`);
        assert.deepEqual(await runPlan(["-h"]), { code, out, err });
    });

    it("refuses an unknown option with exit 2 and points at --help", async () => {
        const { code, out, err } = await runPlan(["--stacks", "owner"]);
        assert.equal(code, 2);
        assert.equal(out, "", "nothing is planned");
        assert.match(err, /unknown option '--stacks'/);
        assert.match(err, /npm run plan -- --help/);
    });

    it("as a process, prints each failure once: no stack traces from the failed programs' leftover promises", function () {
        this.timeout(60_000);
        // The entry point finds the project beside its own file, so the program and tools are
        // copied next to the broken stack files; dependencies are linked, not copied.
        const dir = projectCopy();
        writeFileSync(path.join(dir, "Pulumi.owner.yaml"), BROKEN_OWNER);
        for (const entry of ["index.ts", "tsconfig.json", "src", "stacks", "tools"])
            cpSync(path.join(PROJECT_DIR, entry), path.join(dir, entry), { recursive: true });
        for (const entry of ["node_modules", "policy"]) symlinkSync(path.join(PROJECT_DIR, entry), path.join(dir, entry));
        // Started as `npm run plan` starts it; its transpile cache kept inside the copy.
        const child = spawnSync(process.execPath, [...planNodeArgs(PROJECT_DIR), "--no-policies"], {
            cwd: dir,
            encoding: "utf8",
            env: { ...process.env, GUARDDUTY_SHARED_VPC_TRANSPILE_CACHE: path.join(dir, ".transpile-cache") },
        });
        assert.equal(child.status, 1, child.stderr);
        assert.equal(child.stderr, "", "the failures are in the plan's output, not echoed on stderr");
        assert.equal(child.stdout.split("\n")[0], NOTHING_DEPLOYED);
        assert.equal(child.stdout.split('Stack "owner" has').length - 1, 1);
    });

    describe("stacks the plan cannot read offline", () => {
        type Plan = { stack: string; status: string; unreadable?: string[]; error?: string };
        const statuses = (out: string) => Object.fromEntries((JSON.parse(out).stacks as Plan[]).map((s) => [s.stack, s.status]));

        it("plans the others when one stack file holds a secret, and says what it could not read", async () => {
            const dir = projectCopy();
            writeFileSync(
                path.join(dir, "Pulumi.participant-b.yaml"),
                'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "555555555555"\n  guardduty-shared-vpc:ownerStack: owner\n  guardduty-shared-vpc:assumeRoleArn:\n    secure: AAABAxyz\n',
            );
            const { code, out } = await runPlan(["--json", "--no-policies"], dir);
            assert.equal(code, 0, "a secret is legitimate config: the CLI reads it");
            assert.deepEqual(statuses(out), { management: "planned", audit: "planned", owner: "planned", participant: "planned", "participant-b": "not-read" });
            const unread = (JSON.parse(out).stacks as Plan[]).find((s) => s.stack === "participant-b");
            assert.match(unread?.unreadable?.join("\n") ?? "", /guardduty-shared-vpc:assumeRoleArn is a secret/);
        });

        it("a secret in the audit stack blocks every stack that reads it, directly or through the owner", async () => {
            const dir = projectCopy();
            writeFileSync(
                path.join(dir, "Pulumi.audit.yaml"),
                'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "222222222222"\n  guardduty-shared-vpc:notificationEmail:\n    secure: AAABAxyz\n',
            );
            const { code, out } = await runPlan(["--json", "--no-policies"], dir);
            assert.equal(code, 0);
            assert.deepEqual(statuses(out), {
                management: "planned",
                audit: "not-read",
                owner: "not-read",
                participant: "not-read",
                "participant-b": "not-read",
            });
            const participant = (JSON.parse(out).stacks as Plan[]).find((s) => s.stack === "participant");
            assert.deepEqual(participant?.unreadable, [
                "it reads organization/guardduty-shared-vpc/owner, which the offline plan could not read (see stack audit)",
            ]);
        });

        it("says which stacks read an unreadable one, in text as well", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.owner.yaml"), "environment:\n  - network/owner\nconfig:\n  aws:region: us-east-1\n");
            const json = await runPlan(["--json", "--no-policies"], dir);
            assert.deepEqual(statuses(json.out), {
                management: "planned",
                audit: "planned",
                owner: "not-read",
                participant: "not-read",
                "participant-b": "not-read",
            });
            const participant = (JSON.parse(json.out).stacks as Plan[]).find((s) => s.stack === "participant");
            assert.deepEqual(participant?.unreadable, [
                "it reads organization/guardduty-shared-vpc/owner, which the offline plan could not read (see stack owner)",
            ]);
            const text = await runPlan(["--no-policies"], dir);
            assert.match(text.out, /=== stack owner \(role owner\)\nnot planned offline, because:\n {2}- it imports the ESC environment network\/owner/);
            assert.match(text.out, /participant: not read offline/);
        });

        it("still reports a participant's own config error before the unreadable owner", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.owner.yaml"), "config:\n  guardduty-shared-vpc:organizationId:\n    secure: AAAB\n");
            writeFileSync(
                path.join(dir, "Pulumi.participant-b.yaml"),
                'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "555555555555"\n  guardduty-shared-vpc:ownerStack: organization/guardduty-shared-vpc/owner\n  guardduty-shared-vpc:instance: []\n',
            );
            const { code, out } = await runPlan(["--json", "--no-policies"], dir);
            assert.equal(code, 1);
            assert.equal(statuses(out)["participant-b"], "config-error");
            assert.equal(statuses(out).participant, "not-read");
        });

        it("plans the others when one stack file is not YAML at all", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.participant-b.yaml"), "config:\n  aws:region: [unclosed\n");
            const { out } = await runPlan(["--json", "--no-policies"], dir);
            assert.deepEqual(statuses(out), { management: "planned", audit: "planned", owner: "planned", participant: "planned", "participant-b": "not-read" });
        });
    });

    it("runs the pack with CI's configuration: a policy-config.json naming another organization than the audit stack stops the plan", async () => {
        const dir = projectCopy();
        writeFileSync(path.join(dir, "policy-config.json"), JSON.stringify({ "guardduty-endpoint-policy-scoped": { organizationId: "o-bbbbbbbbbb" } }));
        const { code, err } = await runPlan(["--json"], dir);
        assert.equal(code, 1);
        assert.match(
            err,
            /^plan: policy pack config: policy-config\.json sets guardduty-endpoint-policy-scoped\.organizationId "o-bbbbbbbbbb", but the audit stack declares o-a1b2c3d4e5/,
        );
        // Without the pack, its configuration is not read.
        assert.equal((await runPlan(["--json", "--no-policies"], dir)).code, 0);
    });

    it("refuses an audit stack that is not the account the management stack delegates to", async () => {
        const dir = projectCopy();
        writeFileSync(
            path.join(dir, "Pulumi.management.yaml"),
            'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "111111111111"\n  guardduty-shared-vpc:auditAccountId: "666666666666"\n',
        );
        const { code, out } = await runPlan(["--json", "--no-policies"], dir);
        assert.equal(code, 1);
        const audit = (JSON.parse(out).stacks as Array<{ stack: string; status: string; error: string }>).find((s) => s.stack === "audit");
        assert.equal(audit?.status, "config-error");
        assert.match(
            audit?.error ?? "",
            /guardduty-shared-vpc:accountId: got "222222222222"; expected the account the management stack delegates GuardDuty to in us-east-1 \(management: 666666666666 in us-east-1\)/,
        );
    });
});

const BROKEN_OWNER = 'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "333333333333"\n';
const PARTICIPANT_B =
    'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: "555555555555"\n  guardduty-shared-vpc:ownerStack: organization/guardduty-shared-vpc/owner\n  guardduty-shared-vpc:instances:\n    - name: batch-1\n      subnet: batch-b\n';
