import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import type { AgentManagement } from "../../src/agentManagement";
import type { RawConfig } from "../../src/config/load";
import { NS } from "../../src/config/primitives";
import type { FakeCloudOptions } from "../../tools/offline/fakeCloud";
import { COVERAGE_EVENT_BUS_ARN, publishedAuditOutputs } from "../../tools/offline/publishedOutputs";
import type { CapturedResource, OfflineStackRun } from "../../tools/offline/runStack";
import { readStackConfigFile } from "../../tools/offline/stackConfig";
import { fullyQualifiedStackName, PROJECT, runProjectStack } from "../../tools/offline/stacks";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

/**
 * The tests' own stack files: the manual set beside this, the automated one in `automated/`.
 * Tests assert their values; the project's `Pulumi.<stack>.yaml` and examples/automated/ are
 * examples users edit, which only tests/stacks/shippedStackFiles.test.ts reads.
 */
export const FIXTURE_DIR = path.join(PROJECT_DIR, "tests", "fixtures", "stacks");
export const AUTOMATED_FIXTURE_DIR = path.join(FIXTURE_DIR, "automated");

/** The config a fixture `Pulumi.<stack>.yaml` gives its stack, read as the shipped files are read. */
export function fixtureConfig(stack: string, dir = FIXTURE_DIR): RawConfig {
    return readStackConfigFile(dir, PROJECT, stack);
}

/**
 * A copy of `base` with keys set or (with `undefined`) removed. Short keys get the project
 * namespace; structured values are stored as JSON text, as the engine stores them.
 */
export function withConfig(base: RawConfig, changes: Record<string, unknown>): RawConfig {
    const next: Record<string, string> = { ...base };
    for (const [key, value] of Object.entries(changes)) {
        const fullKey = key.includes(":") ? key : `${NS}:${key}`;
        if (value === undefined) delete next[fullKey];
        else next[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return next;
}

/** What the latest `runStack` registered, kept so a failed run can be checked for side effects. */
let lastRegistered: CapturedResource[] = [];

/** Registrations that are not resources the program creates: the root stack and stack-reference reads. */
const BOOKKEEPING_TYPES = new Set(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"]);

export { COVERAGE_EVENT_BUS_ARN };

/** What an audit stack publishes for the owner to read, under the contract: the organization's agent-management mode and the coverage bus among them. */
export function auditOutputs(agentManagement: AgentManagement): Record<string, unknown> {
    return { ...publishedAuditOutputs(agentManagement) };
}

/** Unless a test says otherwise, owners read an audit stack on the manual path, as the fixture files do. */
const DEFAULT_REFERENCES: Record<string, Record<string, unknown>> = { audit: auditOutputs("manual") };

/**
 * Runs the real program for `stack` under the mock runtime; `others` are outputs of stacks it
 * references by short name; `cloud` changes what the fake cloud holds (e.g. the existing network).
 */
export function runStack(
    stack: string,
    config: RawConfig,
    others: Record<string, Record<string, unknown>> = DEFAULT_REFERENCES,
    options: { preview?: boolean; cloud?: FakeCloudOptions } = {},
): Promise<OfflineStackRun> {
    const published = new Map(Object.entries(others).map(([name, outputs]) => [fullyQualifiedStackName(name), outputs]));
    const registered: CapturedResource[] = (lastRegistered = []);
    return runProjectStack(stack, config, published, { ...options, onRegistered: (resource) => registered.push(resource) });
}

export function ofType(run: OfflineStackRun, type: string): CapturedResource[] {
    return run.resources.filter((resource) => resource.type === type);
}

export function single(run: OfflineStackRun, type: string): CapturedResource {
    const found = ofType(run, type);
    assert.equal(found.length, 1, `expected exactly one ${type}, found ${found.length}`);
    return found[0];
}

/** What a stack that looks AWS up before registering anything has registered by then: its provider, through which it looks. */
export const LOOKUP_PROVIDER = ["pulumi:providers:aws"] as const;

/**
 * Asserts the run fails with a ConfigError that names `key` (and, when given, says `includes`)
 * and that no resource other than the root stack (and stack-reference reads, and the types in
 * `alsoRegistered`) was registered (checked when the failing run went through `runStack`).
 */
export async function expectConfigError(
    run: () => Promise<unknown>,
    key: string,
    includes?: string | RegExp,
    alsoRegistered: readonly string[] = [],
): Promise<ConfigError> {
    let caught: unknown;
    try {
        await run();
    } catch (err) {
        caught = err;
    }
    assert.ok(caught instanceof ConfigError, `expected a ConfigError naming ${key}, got ${caught instanceof Error ? caught.stack : String(caught)}`);
    const fullKey = key.includes(":") ? key : `${NS}:${key}`;
    const problem = caught.problems.find((p) => p.key === fullKey);
    assert.ok(problem, `expected a problem for ${fullKey}; got: ${caught.message}`);
    const created = lastRegistered.filter((resource) => !BOOKKEEPING_TYPES.has(resource.type) && !alsoRegistered.includes(resource.type));
    assert.deepEqual(
        created.map((r) => r.urn),
        [],
        "a config error must stop the program before it registers any resource",
    );
    if (includes !== undefined) {
        const text = `${problem.expected}`;
        if (typeof includes === "string") assert.ok(text.includes(includes), `expected "${text}" to include "${includes}"`);
        else assert.match(text, includes);
    }
    return caught;
}

/**
 * Asserts the stack's shape every role shares: one provider pinned to `accountId`, and every
 * cloud resource below the role component (`guardduty-shared-vpc:stacks:<Role>`) and created
 * through that provider, never a default one. Returns the cloud resources it checked.
 */
export function assertUnderRoleWithPinnedProvider(run: OfflineStackRun, roleType: string, accountId: string): CapturedResource[] {
    const role = single(run, roleType);
    const provider = single(run, "pulumi:providers:aws");
    // Provider inputs reach the engine JSON-encoded, as they do from a real program.
    assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [accountId]);
    const parentOf = new Map(run.resources.map((r) => [r.urn, r.parent]));
    const underRole = (urn: string | undefined): boolean => urn !== undefined && (urn === role.urn || underRole(parentOf.get(urn)));
    const cloud = run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:"));
    for (const resource of cloud) {
        assert.ok(underRole(resource.urn), `${resource.urn} is outside ${roleType}`);
        assert.ok(resource.provider?.startsWith(`${provider.urn}::`), `${resource.urn} does not use the pinned provider`);
    }
    return cloud;
}

/** One config mistake: a change to a fixture stack file, and the key the error must name. */
export interface BadInput {
    name: string;
    stack: string;
    changes: Record<string, unknown>;
    key: string;
    says?: string | RegExp;
}

/**
 * Registers one test per mistake, each refused with a ConfigError before any resource is
 * registered, plus a guard that the table keeps at least `minimum` distinct mistakes.
 * `referenced` supplies outputs of the stacks the programs read (e.g. the owner's).
 */
export function itRefusesEach(
    cases: readonly BadInput[],
    minimum: number,
    referenced: () => Record<string, Record<string, unknown>> = () => DEFAULT_REFERENCES,
): void {
    it(`covers at least ${minimum} distinct mistakes (has ${cases.length})`, () => {
        assert.ok(cases.length >= minimum);
        assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    });
    for (const testCase of cases) {
        it(`${testCase.name} → names ${testCase.key}`, async () => {
            const config = withConfig(fixtureConfig(testCase.stack), testCase.changes);
            await expectConfigError(() => runStack(testCase.stack, config, referenced()), testCase.key, testCase.says);
        });
    }
}
