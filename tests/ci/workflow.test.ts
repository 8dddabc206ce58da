/**
 * The GitHub Actions pipeline cannot run here (no GitHub, Pulumi CLI or AWS), so its structure is
 * what is checked: every shipped stack is covered by preview, up and the drift check, the up jobs
 * follow the deploy order, the policy pack runs, and every action is pinned to a commit.
 */
import * as assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { ROLES } from "../../src/config/roles";
import { ciStacks, githubOutputs } from "../../tools/ci/stacks";
import { PROJECT_DIR } from "../helpers/offline";

const WORKFLOWS = path.join(PROJECT_DIR, ".github", "workflows");
const MAIN = "pulumi.yml";
const STACKS_WORKFLOW = "./.github/workflows/pulumi-stacks.yml";
const VERIFY_WORKFLOW = "./.github/workflows/pulumi-verify.yml";

interface Step {
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
}
interface Job {
    needs?: string | string[];
    if?: string;
    uses?: string;
    with?: Record<string, unknown>;
    permissions?: Record<string, string>;
    outputs?: Record<string, string>;
    steps?: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const text = (file: string) => readFileSync(path.join(WORKFLOWS, file), "utf8");
const workflow = (file: string) => parse(text(file)) as Workflow;
const needsOf = (job: Job): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);
const shippedStacks = () =>
    readdirSync(PROJECT_DIR)
        .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
        .filter((stack): stack is string => stack !== undefined)
        .sort();

describe("GitHub Actions pipeline (.github/workflows, structure only: it cannot run here)", () => {
    const main = workflow(MAIN);
    const jobs = Object.entries(main.jobs);
    const callsTo = (file: string) => jobs.filter(([, job]) => job.uses === file);
    const stackJobs = callsTo(STACKS_WORKFLOW);
    const stacksInput = (job: Job) => String(job.with?.stacks);
    const upJobs = stackJobs.filter(([, job]) => job.with?.command === "up");

    it("runs on pull requests, pushes to main and a schedule (drift), and on demand", () => {
        assert.deepEqual(Object.keys(main.on).sort(), ["pull_request", "push", "schedule", "workflow_dispatch"]);
        assert.deepEqual((main.on.push as { branches: string[] }).branches, ["main"]);
        assert.ok(Array.isArray(main.on.schedule) && main.on.schedule.length > 0);
        assert.deepEqual(main.permissions, { contents: "read" }, "nothing beyond read by default; jobs ask for id-token themselves");
    });

    it("takes its stacks from tools/ci/stacks.ts, one output per role and one for all", () => {
        const discovery = main.jobs.stacks;
        assert.ok(discovery.steps?.some((step) => step.run?.includes("tools/ci/stacks.ts") && step.run.includes("$GITHUB_OUTPUT")));
        assert.deepEqual(Object.keys(discovery.outputs ?? {}).sort(), ["all", ...ROLES].sort());
        for (const [name, value] of Object.entries(discovery.outputs ?? {})) assert.equal(value, `\${{ steps.stacks.outputs.${name} }}`);
    });

    it("every shipped Pulumi.<stack>.yaml is in the discovery, under the role the program gives it", () => {
        const groups = ciStacks(PROJECT_DIR);
        assert.deepEqual(groups.all.map((s) => s.stack).sort(), shippedStacks());
        for (const role of ROLES)
            assert.deepEqual(
                groups[role],
                groups.all.filter((s) => s.role === role),
            );
        for (const entry of groups.all) {
            // Empty only when an ESC environment supplies the account (the job then assumes no role).
            assert.match(entry.accountId, /^(\d{12})?$/, `${entry.stack}: the deploy role's account comes from its accountId`);
            assert.notEqual(entry.region, "");
        }
        const lines = githubOutputs(groups).split("\n");
        assert.deepEqual(lines.map((line) => line.slice(0, line.indexOf("="))).sort(), ["all", ...ROLES].sort());
        for (const line of lines) assert.doesNotThrow(() => JSON.parse(line.slice(line.indexOf("=") + 1)), "each output is one line of JSON");
    });

    it("a new stack file is covered without editing the workflow (a participant-c lands in the participants' group)", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "gdsv-ci-"));
        for (const stack of shippedStacks()) copyFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
        writeFileSync(path.join(dir, "Pulumi.participant-c.yaml"), 'config:\n  aws:region: eu-west-1\n  guardduty-shared-vpc:accountId: "666666666666"\n');
        const participants = ciStacks(dir).participant;
        assert.ok(participants.some((s) => s.stack === "participant-c" && s.accountId === "666666666666" && s.region === "eu-west-1"));
    });

    it("on pull requests: npm test on Node 22 and 24 (.ci/run) and npm run plan, then a policy-checked preview of every stack", () => {
        const test = main.jobs.test;
        const runs = (test.steps ?? []).map((step) => step.run ?? "");
        assert.ok(runs.includes(".ci/run") && runs.includes("npm run plan"), JSON.stringify(runs));
        const ci = readFileSync(path.join(PROJECT_DIR, ".ci", "run"), "utf8");
        assert.match(ci, /^NODE_MAJORS=\(22 24\)$/m);
        assert.match(ci, /npm ci .*\n[\s\S]*npm test/);
        const previews = stackJobs.filter(([, job]) => job.with?.command === "preview" && job.with?.refresh === undefined);
        assert.equal(previews.length, 1);
        const [name, preview] = previews[0];
        assert.equal(stacksInput(preview), "${{ needs.stacks.outputs.all }}", `${name} previews every stack`);
        assert.ok(needsOf(preview).includes("test"), "previews wait for the tests");
        assert.match(String(preview.if), /github\.event_name == 'pull_request'/);
    });

    it("on push to main: up in dependency order management → audit → owner → participants, then npm run verify", () => {
        const roleOf = (job: Job) => /^\$\{\{ needs\.stacks\.outputs\.(\w+) \}\}$/.exec(stacksInput(job))?.[1];
        assert.deepEqual(upJobs.map(([, job]) => roleOf(job)).sort(), [...ROLES].sort(), "one up job per role, so every stack is deployed");
        // Walk the needs chain from the first up job: each role's job needs the previous role's.
        const byRole = new Map(upJobs.map(([name, job]) => [roleOf(job), { name, job }]));
        ROLES.forEach((role, index) => {
            const { name, job } = byRole.get(role)!;
            assert.ok(needsOf(job).includes("stacks"));
            if (index === 0) {
                assert.ok(needsOf(job).includes("test"), `${name} waits for the tests`);
                assert.match(String(job.if), /github\.event_name == 'push'/);
            } else {
                assert.ok(needsOf(job).includes(byRole.get(ROLES[index - 1])!.name), `${name} needs ${byRole.get(ROLES[index - 1])!.name}`);
            }
        });
        const [, verify] = callsTo(VERIFY_WORKFLOW).find(([, job]) => needsOf(job).includes(byRole.get("participant")!.name)) ?? [];
        assert.ok(verify, "a verify job runs after the participants are up");
        assert.equal(stacksInput(verify), "${{ needs.stacks.outputs.all }}");
    });

    it("on schedule: a drift check of every stack (preview --refresh --expect-no-changes) and npm run verify", () => {
        const drift = stackJobs.filter(([, job]) => job.with?.refresh === true);
        assert.equal(drift.length, 1);
        const [, job] = drift[0];
        assert.equal(job.with?.command, "preview");
        assert.equal(job.with?.["expect-no-changes"], true);
        assert.equal(stacksInput(job), "${{ needs.stacks.outputs.all }}");
        assert.match(String(job.if), /github\.event_name == 'schedule'/);
        assert.ok(
            callsTo(VERIFY_WORKFLOW).some(([, verify]) => /github\.event_name == 'schedule'/.test(String(verify.if))),
            "verify also runs on the schedule",
        );
    });

    it("every job that assumes AWS roles has id-token: write, and only those", () => {
        for (const [name, job] of jobs) {
            const assumesRoles = job.uses === STACKS_WORKFLOW || job.uses === VERIFY_WORKFLOW;
            assert.equal(job.permissions?.["id-token"] === "write", assumesRoles, name);
        }
    });

    describe("the reusable workflows", () => {
        const stacks = workflow("pulumi-stacks.yml");
        const verify = workflow("pulumi-verify.yml");
        const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((job) => job.steps ?? []);
        const pulumiStep = (wf: Workflow) => steps(wf).find((step) => step.uses?.startsWith("pulumi/actions@"));

        it("preview and up run the policy pack (policy/), with the command, refresh and expect-no-changes passed through", () => {
            const pulumi = pulumiStep(stacks)!;
            assert.equal(pulumi.with?.policyPacks, "policy");
            assert.ok(existsSync(path.join(PROJECT_DIR, "policy", "PulumiPolicy.yaml")));
            assert.equal(pulumi.with?.command, "${{ inputs.command }}");
            assert.equal(pulumi.with?.refresh, "${{ inputs.refresh }}");
            assert.equal(pulumi.with?.["expect-no-changes"], "${{ inputs.expect-no-changes }}");
            assert.match(String(pulumi.with?.["stack-name"]), /\/guardduty-shared-vpc\/\$\{\{ matrix\.stack \}\}$/);
        });

        it("preview and up get the pack configuration tools/ci/policyConfig.ts writes, before the Pulumi step runs", () => {
            const all = steps(stacks);
            const pulumi = pulumiStep(stacks)!;
            const configFile = String(pulumi.with?.policyPackConfigs);
            assert.equal(configFile, "${{ runner.temp }}/policy-config.json");
            const writer = all.findIndex((step) => step.run?.includes("tools/ci/policyConfig.ts") && step.run.includes('> "$RUNNER_TEMP/policy-config.json"'));
            assert.ok(writer >= 0, "a step writes the configuration");
            assert.ok(writer < all.indexOf(pulumi), "it is written before the Pulumi step reads it");
            assert.ok(existsSync(path.join(PROJECT_DIR, "tools", "ci", "policyConfig.ts")));
        });

        it("each stack's job assumes a role in that stack's account, pinned to it", () => {
            const deploy = steps(stacks).find((step) => String(step.with?.["role-to-assume"]).includes("matrix.accountId"))!;
            assert.equal(deploy.with?.["role-to-assume"], "arn:aws:iam::${{ matrix.accountId }}:role/${{ inputs.role-name }}");
            assert.equal(deploy.with?.["allowed-account-ids"], "${{ matrix.accountId }}");
            assert.equal(deploy.with?.["aws-region"], "${{ matrix.region }}");
            const state = steps(stacks).find((step) => step.with?.["aws-profile"] === "pulumi-state");
            assert.ok(state, "state credentials go to their own profile, not the deploy role");
        });

        it("install the Pulumi CLI of the SDK's version, and Node from .nvmrc", () => {
            const sdk = JSON.parse(readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
            for (const wf of [stacks, verify]) assert.equal(pulumiStep(wf)?.with?.["pulumi-version"], sdk);
            for (const wf of [main, stacks, verify]) {
                const setups = steps(wf).filter((step) => step.uses?.startsWith("actions/setup-node@"));
                assert.ok(setups.length > 0);
                for (const setup of setups) assert.equal(setup.with?.["node-version-file"], ".nvmrc");
            }
        });

        it("verify reads every participant stack and runs npm run verify with the audit account's credentials", () => {
            const run = steps(verify)
                .map((step) => step.run ?? "")
                .join("\n");
            assert.match(run, /s\.role === "participant"/);
            assert.match(run, /npm run verify -- "\$\{participants\[@\]\}"/);
            assert.ok(
                steps(verify).some(
                    (step) =>
                        step.with?.["role-to-assume"] ===
                        "arn:aws:iam::${{ steps.audit.outputs.accountId }}:role/${{ vars.PULUMI_PREVIEW_ROLE_NAME || 'pulumi-preview' }}",
                ),
            );
        });
    });

    it("every action is pinned to a full commit SHA with its version in a comment; local workflows exist", () => {
        const files = readdirSync(WORKFLOWS).filter((file) => /\.ya?ml$/.test(file));
        assert.ok(files.length >= 3);
        let seen = 0;
        for (const file of files) {
            for (const line of text(file).split("\n")) {
                const uses = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/.exec(line);
                if (!uses) continue;
                seen++;
                const [, target, rest] = uses;
                if (target.startsWith("./")) {
                    assert.ok(existsSync(path.join(PROJECT_DIR, target)), `${file}: ${target} exists`);
                    continue;
                }
                assert.match(target, /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/, `${file}: ${target} is pinned to a commit`);
                assert.match(rest, /^\s+# v\d+\.\d+\.\d+$/, `${file}: ${target} names its version`);
            }
        }
        assert.ok(seen >= 10, `found ${seen} uses: lines`);
    });

    it("says in its header that it has not run yet", () => {
        for (const file of readdirSync(WORKFLOWS)) assert.match(text(file), /^# NOT RUN YET: /m, file);
    });
});
