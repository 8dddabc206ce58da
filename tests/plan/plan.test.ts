import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { NOTHING_DEPLOYED, plan } from "../../tools/plan/plan";
import { PROJECT_DIR } from "../helpers/offline";

async function runPlan(argv: string[], projectDir = PROJECT_DIR): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await plan(argv, { projectDir, out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

/** A copy of the shipped stack files, so a test can break one without touching the repository. */
function projectCopy(): string {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-plan-"));
    for (const file of readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*ya?ml$/.test(f))) copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
    return dir;
}

describe("npm run plan", () => {
    it("plans every shipped stack in deploy order, says nothing was deployed, and passes the policies", async () => {
        const { code, out } = await runPlan(["--json"]);
        assert.equal(code, 0);
        const report = JSON.parse(out);
        assert.equal(report.deployed, false);
        assert.equal(report.note, NOTHING_DEPLOYED);
        assert.deepEqual(report.stacks.map((s: { stack: string }) => s.stack), ["management", "audit", "owner", "participant", "participant-b"]);
        for (const stack of report.stacks) {
            assert.equal(stack.status, "planned", stack.stack);
            assert.deepEqual(stack.policies, [], `${stack.stack}: ${JSON.stringify(stack.policies)}`);
        }
        const participant = report.stacks.find((s: { stack: string }) => s.stack === "participant");
        assert.deepEqual(participant.references, [{ stack: "organization/guardduty-shared-vpc/owner", resolved: true }]);
        const owner = report.stacks.find((s: { stack: string }) => s.stack === "owner");
        assert.equal(participant.resources.find((r: { type: string }) => r.type === "aws:ec2/securityGroup:SecurityGroup").properties.includes(`vpcId=${owner.outputs.vpcId}`), true);
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
        assert.match(out, /=== stack participant-b \(role participant\)\nagent management: manual \(from the output of the owner stack organization\/guardduty-shared-vpc\/owner\)/);
        assert.doesNotMatch(out, /=== stack management \(role management\)\nagent management/);
    });

    it("plans the automated example set with --dir, every stack on the automated path", async () => {
        const { code, out } = await runPlan(["--json", "--dir", "examples/automated"]);
        assert.equal(code, 0);
        const report = JSON.parse(out);
        const modes = Object.fromEntries(report.stacks.map((s: { stack: string; agentManagement?: { mode: string } }) => [s.stack, s.agentManagement?.mode]));
        assert.deepEqual(modes, { management: undefined, audit: "automated", owner: "automated", participant: "automated", "participant-b": "automated" });
        assert.deepEqual(report.stacks.flatMap((s: { policies: unknown[] }) => s.policies), []);
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
        writeFileSync(path.join(dir, "Pulumi.participant-b.yaml"), "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: \"555555555555\"\n  guardduty-shared-vpc:ownerStack: owner\n  guardduty-shared-vpc:acceptShareInvitation: sometimes\n");
        const { code, out } = await runPlan(["--json"], dir);
        assert.equal(code, 1);
        const report = JSON.parse(out);
        const broken = report.stacks.find((s: { stack: string }) => s.stack === "participant-b");
        assert.equal(broken.status, "config-error");
        assert.match(broken.error, /guardduty-shared-vpc:acceptShareInvitation: got "sometimes"; expected true or false/);
        assert.equal(report.stacks.find((s: { stack: string }) => s.stack === "participant").status, "planned");
    });

    it("reports a participant whose owner failed as not deployable rather than crashing", async () => {
        const dir = projectCopy();
        writeFileSync(path.join(dir, "Pulumi.owner.yaml"), "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: \"333333333333\"\n");
        const { code, out } = await runPlan(["--json", "--no-policies"], dir);
        assert.equal(code, 1);
        const statuses = Object.fromEntries(JSON.parse(out).stacks.map((s: { stack: string; status: string }) => [s.stack, s.status]));
        assert.deepEqual(statuses, { management: "planned", audit: "planned", owner: "config-error", participant: "config-error", "participant-b": "config-error" });
    });

    describe("stacks the plan cannot read offline", () => {
        type Plan = { stack: string; status: string; unreadable?: string[]; error?: string };
        const statuses = (out: string) => Object.fromEntries((JSON.parse(out).stacks as Plan[]).map((s) => [s.stack, s.status]));

        it("plans the others when one stack file holds a secret, and says what it could not read", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.participant-b.yaml"), "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: \"555555555555\"\n  guardduty-shared-vpc:ownerStack: owner\n  guardduty-shared-vpc:assumeRoleArn:\n    secure: AAABAxyz\n");
            const { code, out } = await runPlan(["--json", "--no-policies"], dir);
            assert.equal(code, 0, "a secret is legitimate config: the CLI reads it");
            assert.deepEqual(statuses(out), { management: "planned", audit: "planned", owner: "planned", participant: "planned", "participant-b": "not-read" });
            const unread = (JSON.parse(out).stacks as Plan[]).find((s) => s.stack === "participant-b");
            assert.match(unread?.unreadable?.join("\n") ?? "", /guardduty-shared-vpc:assumeRoleArn is a secret/);
        });

        it("a secret in the audit stack blocks every stack that reads it, directly or through the owner", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.audit.yaml"), "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: \"222222222222\"\n  guardduty-shared-vpc:notificationEmail:\n    secure: AAABAxyz\n");
            const { code, out } = await runPlan(["--json", "--no-policies"], dir);
            assert.equal(code, 0);
            assert.deepEqual(statuses(out), { management: "planned", audit: "not-read", owner: "not-read", participant: "not-read", "participant-b": "not-read" });
            const participant = (JSON.parse(out).stacks as Plan[]).find((s) => s.stack === "participant");
            assert.deepEqual(participant?.unreadable, ["it reads organization/guardduty-shared-vpc/owner, which the offline plan could not read (see stack audit)"]);
        });

        it("says which stacks read an unreadable one, in text as well", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.owner.yaml"), "environment:\n  - network/owner\nconfig:\n  aws:region: us-east-1\n");
            const json = await runPlan(["--json", "--no-policies"], dir);
            assert.deepEqual(statuses(json.out), { management: "planned", audit: "planned", owner: "not-read", participant: "not-read", "participant-b": "not-read" });
            const participant = (JSON.parse(json.out).stacks as Plan[]).find((s) => s.stack === "participant");
            assert.deepEqual(participant?.unreadable, ["it reads organization/guardduty-shared-vpc/owner, which the offline plan could not read (see stack owner)"]);
            const text = await runPlan(["--no-policies"], dir);
            assert.match(text.out, /=== stack owner \(role owner\)\nnot planned offline, because:\n {2}- it imports the ESC environment network\/owner/);
            assert.match(text.out, /participant: not read offline/);
        });

        it("still reports a participant's own config error before the unreadable owner", async () => {
            const dir = projectCopy();
            writeFileSync(path.join(dir, "Pulumi.owner.yaml"), "config:\n  guardduty-shared-vpc:organizationId:\n    secure: AAAB\n");
            writeFileSync(path.join(dir, "Pulumi.participant-b.yaml"), "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: \"555555555555\"\n  guardduty-shared-vpc:ownerStack: organization/guardduty-shared-vpc/owner\n  guardduty-shared-vpc:instance: []\n");
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

    it("refuses an audit stack that is not the account the management stack delegates to", async () => {
        const dir = projectCopy();
        writeFileSync(path.join(dir, "Pulumi.management.yaml"), "config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:accountId: \"111111111111\"\n  guardduty-shared-vpc:auditAccountId: \"666666666666\"\n");
        const { code, out } = await runPlan(["--json", "--no-policies"], dir);
        assert.equal(code, 1);
        const audit = (JSON.parse(out).stacks as Array<{ stack: string; status: string; error: string }>).find((s) => s.stack === "audit");
        assert.equal(audit?.status, "config-error");
        assert.match(audit?.error ?? "", /guardduty-shared-vpc:accountId: got "222222222222"; expected the account the management stack delegates GuardDuty to in us-east-1 \(management: 666666666666 in us-east-1\)/);
    });
});
