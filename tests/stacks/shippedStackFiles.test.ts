/**
 * The project's own Pulumi.<stack>.yaml files and examples/automated/ are examples users edit
 * (their account IDs, their subnets, more participants). Whatever they hold, they must plan as
 * a valid set; what a valid set is says nothing about example values. Every other test reads
 * tests/fixtures/stacks instead.
 */
import * as assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { isMap, isPair, isScalar, isSeq, parseDocument, visit, type Scalar } from "yaml";
import { NS } from "../../src/config/primitives";
import { discoverStacks, PROJECT } from "../../tools/offline/stacks";
import { plan, type StackPlan } from "../../tools/plan/plan";
import { PROJECT_DIR } from "../helpers/offline";

const SHIPPED_SETS = [PROJECT_DIR, path.join(PROJECT_DIR, "examples", "automated")];
const stackFiles = (dir: string) => readdirSync(dir).filter((file) => /^Pulumi\.(.+)\.ya?ml$/.test(file));
const label = (dir: string) => path.relative(PROJECT_DIR, dir) || "the project's own stack files";

interface PlanReport {
    code: number;
    stacks: StackPlan[];
}

async function planDir(dir: string): Promise<PlanReport> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await plan(["--json"], { projectDir: dir, out: (line) => out.push(line), err: (line) => err.push(line) });
    assert.equal(err.join("\n"), "", `${label(dir)}: the plan printed errors`);
    return { code, stacks: (JSON.parse(out.join("\n")) as { stacks: StackPlan[] }).stacks };
}

/**
 * What holds for any valid set of stack files, whatever its values: every stack planned (or
 * left to the CLI, with the reason, when it holds secrets or ESC environments), no mandatory
 * policy violation, every stack reference resolved to a stack of the set, and one
 * agent-management mode passed from audit to owner to participants, each acting on it.
 */
function assertValidSet(dir: string, report: PlanReport): void {
    const where = label(dir);
    const problems = report.stacks.filter((s) => s.status !== "planned" && s.status !== "not-read").map((s) => `${s.stack}: ${s.status}: ${s.error}`);
    assert.deepEqual(problems, [], `${where}: stacks that did not plan`);
    assert.deepEqual(
        report.stacks.map((s) => `Pulumi.${s.stack}.yaml`).sort(),
        stackFiles(dir)
            .map((file) => file.replace(/\.yml$/, ".yaml"))
            .sort(),
        `${where}: every stack file is planned or reported`,
    );
    for (const unread of report.stacks.filter((s) => s.status === "not-read"))
        assert.ok((unread.unreadable ?? []).length > 0, `${where}: ${unread.stack} is not read, with no reason`);

    const planned = new Map(report.stacks.filter((s) => s.status === "planned").map((s) => [s.stack, s]));
    const byReference = (name: string) => planned.get(name.split("/").pop() ?? name);
    for (const stack of planned.values()) {
        const mandatory = (stack.policies ?? []).filter((v) => v.enforcementLevel === "mandatory");
        assert.deepEqual(
            mandatory.map((v) => `${v.policy}: ${v.message}`),
            [],
            `${where}: ${stack.stack} has mandatory violations`,
        );
        for (const reference of stack.references ?? [])
            assert.ok(reference.resolved && byReference(reference.stack), `${where}: ${stack.stack} reads ${reference.stack}, which this set does not plan`);

        const outputs = stack.outputs ?? {};
        const mode = outputs.agentManagement;
        if (stack.role === "owner" || stack.role === "participant") {
            const [upstream] = (stack.references ?? []).map((reference) => byReference(reference.stack));
            assert.ok(upstream, `${where}: ${stack.stack} reads no stack`);
            assert.equal(
                mode,
                upstream.outputs?.agentManagement,
                `${where}: ${stack.stack} runs in ${String(mode)}, ${upstream.stack} publishes ${String(upstream.outputs?.agentManagement)}`,
            );
        }
        if (stack.role === "audit") assert.ok(mode === "manual" || mode === "automated", `${where}: ${stack.stack} publishes no mode`);
        if (stack.role === "owner") {
            assert.equal(
                "guardDutyEndpointId" in outputs,
                mode === "manual",
                `${where}: ${stack.stack} creates the guardduty-data endpoint exactly under manual`,
            );
        }
        if (stack.role === "participant") {
            const owner = byReference((stack.references ?? [])[0].stack)!;
            const shared = new Set(((owner.outputs?.sharedSubnets ?? []) as Array<{ name: string }>).map((subnet) => subnet.name));
            const instances = (outputs.instances ?? []) as Array<{ subnet: string; monitored?: boolean }>;
            for (const instance of instances)
                assert.ok(shared.has(instance.subnet), `${where}: ${stack.stack} launches into ${instance.subnet}, which ${owner.stack} does not share`);
            const needsAssociation = mode === "manual" && instances.some((instance) => instance.monitored !== false);
            assert.equal(
                "agentAssociationId" in outputs,
                needsAssociation,
                `${where}: ${stack.stack} installs the agent itself exactly under manual, with a monitored instance`,
            );
        }
    }
}

describe("shipped stack files (examples users edit): they plan as a valid set, whatever their values", function () {
    this.timeout(120_000);

    for (const dir of SHIPPED_SETS) {
        it(`${label(dir)}: every stack plans, no mandatory violation, references resolved, one mode throughout`, async () => {
            const report = await planDir(dir);
            assertValidSet(dir, report);
            assert.equal(report.code, 0);
        });
    }

    it("the check fails a set that is not valid (a participant reading an owner the set lacks)", async () => {
        const dir = copyOf(PROJECT_DIR);
        const participant = discoverStacks(dir).find((stack) => stack.role === "participant");
        assert.ok(participant, "the shipped set has a participant");
        const file = path.join(dir, `Pulumi.${participant.stack}.yaml`);
        writeFileSync(file, readFileSync(file, "utf8").replace(/(guardduty-shared-vpc:ownerStack:\s*)(\S+)/, "$1elsewhere"));
        const report = await planDir(dir);
        assert.throws(() => assertValidSet(dir, report), /did not plan/);
    });

    for (const dir of SHIPPED_SETS) {
        it(`${label(dir)} with every account ID, CIDR, subnet and instance name changed consistently, and one more participant, still plans`, async () => {
            const before = discoverStacks(dir);
            const copy = copyOf(dir);
            const renamed = renameConsistently(copy);
            const report = await planDir(copy);
            assertValidSet(copy, report);
            assert.equal(report.code, 0);

            assert.ok(
                report.stacks.some((s) => s.stack === renamed.addedParticipant && s.status === "planned"),
                `${renamed.addedParticipant} planned`,
            );
            const everything = JSON.stringify(report.stacks);
            for (const old of [...renamed.accounts.keys(), ...renamed.names.keys()]) {
                assert.ok(!new RegExp(`\\b${old}\\b`).test(everything), `${old} from the example files still shows in the plan`);
            }
            for (const old of renamed.networks.keys())
                assert.ok(
                    !new RegExp(`"${old.replace(".", "\\.")}\\.\\d+\\.\\d+/\\d+"`).test(everything),
                    `address blocks of ${old}.x.x still show in the plan`,
                );
            for (const stack of before) {
                const account = stack.config[`${NS}:accountId`];
                const plannedAs = report.stacks.find((s) => s.stack === stack.stack);
                if (account && plannedAs?.role === "owner") assert.equal(plannedAs.outputs?.ownerAccountId, renamed.accounts.get(account));
            }
        });
    }
});

/** A copy of a directory's stack files in a temporary directory. */
function copyOf(dir: string): string {
    const copy = mkdtempSync(path.join(tmpdir(), "gdsv-shipped-"));
    for (const file of stackFiles(dir)) copyFileSync(path.join(dir, file), path.join(copy, file));
    return copy;
}

interface Renamed {
    accounts: Map<string, string>;
    /** Subnet and instance names. */
    names: Map<string, string>;
    /** First two octets of address blocks, "10.20" → "10.101". */
    networks: Map<string, string>;
    addedParticipant: string;
}

/**
 * Rewrites the stack files of `dir` in place: each account ID (alone or inside an ARN), the
 * first two octets of each address block, each subnet name (where the owner defines it and
 * where participants name it), each instance name and each existing VPC or subnet ID, every
 * occurrence alike; then adds a participant in a new account that the owner shares with.
 */
function renameConsistently(dir: string): Renamed {
    const renamed: Renamed = { accounts: new Map(), names: new Map(), networks: new Map(), addedParticipant: "participant-renamed" };
    const ids = new Map<string, string>();
    const account = (old: string) =>
        renamed.accounts.get(old) ?? renamed.accounts.set(old, `7${String(renamed.accounts.size + 1).padStart(11, "0")}`).get(old)!;
    const name = (old: string, kind: string) => renamed.names.get(old) ?? renamed.names.set(old, `${kind}-${renamed.names.size + 1}`).get(old)!;
    const network = (old: string) => renamed.networks.get(old) ?? renamed.networks.set(old, `10.${101 + renamed.networks.size}`).get(old)!;
    const id = (old: string) => ids.get(old) ?? ids.set(old, `${old.split("-")[0]}-${String(ids.size + 1).padStart(17, "0")}`).get(old)!;

    const rewriteText = (text: string): string =>
        text
            .replace(/\b\d{12}\b/g, (digits) => account(digits))
            .replace(/^(\d{1,3}\.\d{1,3})(\.\d{1,3}\.\d{1,3}\/\d{1,2})$/, (_all, head: string, tail: string) => `${network(head)}${tail}`)
            .replace(/^(vpc|subnet)-[0-9a-f]{8,17}$/, (old) => id(old));

    const files = stackFiles(dir);
    // Subnet names first, so participants' references to them get the same new names.
    const documents = files.map((file) => ({ file, document: parseDocument(readFileSync(path.join(dir, file), "utf8")) }));
    const fieldOf = (ancestors: readonly unknown[]): { key?: string; field?: string } => {
        const pairs = ancestors.filter(isPair).map((pair) => (isScalar(pair.key) ? String(pair.key.value) : ""));
        return { key: pairs[1], field: pairs.length > 2 ? pairs[pairs.length - 1] : undefined };
    };
    for (const pass of ["definitions", "everything"] as const) {
        for (const { document } of documents) {
            visit(document, {
                Scalar(key, node: Scalar, ancestors) {
                    if (key === "key") return;
                    const { key: configKey, field } = fieldOf(ancestors);
                    const value = node.value;
                    const isSubnetName = configKey === `${NS}:subnets` && field === "name";
                    if (pass === "definitions" || isSubnetName) {
                        if (pass === "definitions" && isSubnetName && typeof value === "string") node.value = name(value, "net");
                    } else if (configKey === `${NS}:instances` && field === "subnet" && typeof value === "string") {
                        node.value = renamed.names.get(value) ?? value;
                    } else if (configKey === `${NS}:instances` && field === "name" && typeof value === "string") {
                        node.value = name(value, "vm");
                    } else if (typeof value === "number" && /^\d{12}$/.test(String(value))) {
                        node.value = Number(account(String(value)));
                    } else if (typeof value === "string") {
                        node.value = rewriteText(value);
                    }
                },
            });
        }
    }

    // One more participant: a copy of the first, in a new account the owner shares with, naming
    // the owner as a Pulumi Cloud organization's stack would.
    const participant = documents.find(({ file }) => /^Pulumi\.participant[.-]/.test(file));
    const owner = documents.find(({ file }) => /^Pulumi\.owner\./.test(file));
    assert.ok(participant && owner, "the set has an owner and a participant");
    const added = parseDocument(participant.document.toString());
    const newAccount = "799999999999";
    added.setIn(["config", `${NS}:accountId`], newAccount);
    added.setIn(["config", `${NS}:ownerStack`], `acme/${PROJECT}/${/^Pulumi\.(.+)\.ya?ml$/.exec(owner.file)?.[1]}`);
    const shareWith = owner.document.getIn(["config", `${NS}:shareWith`]);
    if (isSeq(shareWith)) shareWith.add(owner.document.createNode(newAccount));
    else if (!isMap(shareWith)) owner.document.setIn(["config", `${NS}:shareWith`], [newAccount]);
    for (const { file, document } of documents) writeFileSync(path.join(dir, file), document.toString());
    writeFileSync(path.join(dir, `Pulumi.${renamed.addedParticipant}.yaml`), added.toString());
    return renamed;
}
