import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { StackValidationPolicy } from "@pulumi/policy";
import { guardDutyEndpointPolicy } from "../../src/net/endpoint";
import { allPolicies, guardDutyEndpointPolicyScoped, stackAccountPinned, subnetShareOrgOnly } from "../../policy/policies";
import { configProblems } from "../../policy/lib/config";
import { ORG_ID } from "../../policy/lib/endpointPolicy";
import { evaluatePolicies, PolicyPackConfig } from "../../tools/policy/evaluate";
import { resolvePackConfig } from "../../tools/policy/packConfig";
import { orgScopedEndpointPolicy } from "../../tools/policy/synthetic";
import { PROJECT_DIR } from "../helpers/offline";
import { check, expectClean, expectMandatory, ownerFixture, SHARED_WITH } from "./helpers";

const SCOPED = "guardduty-endpoint-policy-scoped";
const ORG = "o-a1b2c3d4e5";
const OTHER_ORG = "o-zzzzzzzzzz";
const OWNER_ACCOUNT = "333333333333";

/** Pack config giving guardduty-endpoint-policy-scoped `settings` (and, optionally, a level). */
function scopedConfig(settings: Record<string, unknown>): PolicyPackConfig {
    return { [SCOPED]: settings };
}

describe("pack configuration: every policy declares a configSchema", () => {
    it("gives every policy a schema, and leaves enforcementLevel out of it (the CLI takes it out before validating; the SDK refuses a schema that declares it)", () => {
        for (const policy of allPolicies) {
            assert.ok(policy.configSchema, `${policy.name} has no configSchema`);
            assert.ok(!("enforcementLevel" in policy.configSchema.properties), `${policy.name} declares enforcementLevel`);
            assert.ok(!(policy.configSchema.required ?? []).includes("enforcementLevel"), `${policy.name} requires enforcementLevel`);
            // Every keyword a schema uses is one the pack checks at run time too (configProblems throws otherwise).
            assert.deepEqual(configProblems(policy.name, policy.configSchema, {}), [], policy.name);
        }
    });

    it("lets guardduty-endpoint-policy-scoped take organizationId, an AWS Organizations ID, and nothing is required", () => {
        assert.deepEqual(Object.keys(guardDutyEndpointPolicyScoped.configSchema!.properties), ["organizationId"]);
        assert.equal(guardDutyEndpointPolicyScoped.configSchema!.properties.organizationId.pattern, ORG_ID.source);
        assert.equal(guardDutyEndpointPolicyScoped.configSchema!.required, undefined);
        const others = allPolicies.filter((policy) => policy !== guardDutyEndpointPolicyScoped);
        assert.ok(
            others.every((policy) => Object.keys(policy.configSchema!.properties).length === 0),
            "only guardduty-endpoint-policy-scoped has settings",
        );
    });

    it("accepts { enforcementLevel } alone for every policy, at every level, on a compliant stack", async () => {
        const { b } = ownerFixture();
        for (const level of ["advisory", "mandatory", "remediate"] as const) {
            const config = Object.fromEntries(allPolicies.map((policy) => [policy.name, { enforcementLevel: level }]));
            expectClean(await check(b.resources, { config }));
        }
    });
});

describe("pack configuration as the CLI resolves it (tools/policy/packConfig.ts)", () => {
    it("resolves docs/policy.md's example policy-config.json, names only policies of the pack, and every policy accepts its settings", () => {
        const docs = readFileSync(path.join(PROJECT_DIR, "docs", "policy.md"), "utf8");
        const section = docs.slice(docs.indexOf("### Pack configuration"), docs.indexOf("### When the checks run"));
        const examples = [...section.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]) as PolicyPackConfig);
        assert.equal(examples.length, 1);
        const [example] = examples;
        const names = new Set(allPolicies.map((policy) => policy.name));
        assert.deepEqual(
            Object.keys(example).filter((key) => key !== "all" && !names.has(key)),
            [],
        );
        assert.equal((example[SCOPED] as { organizationId?: string }).organizationId, ORG);
        const resolved = resolvePackConfig(allPolicies, example);
        for (const policy of allPolicies)
            assert.deepEqual(configProblems(policy.name, policy.configSchema!, resolved[policy.name].properties), [], policy.name);
    });

    const probe = (name: string, configSchema: StackValidationPolicy["configSchema"]): StackValidationPolicy => ({
        name,
        description: "reports what getConfig returns",
        enforcementLevel: "advisory",
        configSchema,
        validateStack: (args, report) => report(JSON.stringify(args.getConfig())),
    });

    it("hands each policy's getConfig its own properties, with its schema's defaults, and never another policy's or all's", async () => {
        const first = probe("first", { properties: { limit: { type: "integer", default: 3 }, label: { type: "string" } } });
        const second = probe("second", { properties: { label: { type: "string" } } });
        const verdicts = await evaluatePolicies(
            "owner",
            ownerFixture().b.resources,
            {
                all: { enforcementLevel: "advisory", label: "from all" } as PolicyPackConfig[string],
                first: { label: "mine" },
                second: "advisory",
            },
            { policies: [first, second] },
        );
        assert.deepEqual(
            verdicts.map((v) => [v.policy, JSON.parse(v.message)]),
            [
                ["first", { limit: 3, label: "mine" }],
                ["second", {}],
            ],
        );
    });

    it("resolves levels as the CLI does: the policy's, then all, then the policy's own entry; and refuses a level that is not one", () => {
        const policies = [{ name: "a", enforcementLevel: "mandatory" as const }, { name: "b" }];
        assert.deepEqual(resolvePackConfig(policies, { all: "advisory", b: { enforcementLevel: "disabled" } }, "mandatory"), {
            a: { enforcementLevel: "advisory", properties: {} },
            b: { enforcementLevel: "disabled", properties: {} },
            all: { enforcementLevel: "advisory", properties: {} },
        });
        assert.throws(() => resolvePackConfig(policies, { a: "warn" as never }), /parsing enforcement level for "a": "warn" is not a valid enforcement level/);
        assert.throws(() => resolvePackConfig(policies, { a: { enforcementLevel: 1 as never } }), /1 is not a valid enforcement level; must be a string/);
        assert.throws(() => resolvePackConfig(policies, { a: 5 as never }), /parsing "a": 5 is not a valid value; must be a string or object/);
    });
});

describe("configProblems: the pack's own check of a policy's settings against its schema", () => {
    const schema = {
        properties: { count: { type: "number" as const }, name: { type: "string" as const, pattern: "^[a-z]+$", description: "lowercase letters" } },
        required: ["name"],
    };

    it("accepts what the schema allows, integers as numbers, as JSON Schema does", () => {
        assert.deepEqual(configProblems("p", schema, { count: 3, name: "abc" }), []);
        assert.deepEqual(configProblems("p", schema, { count: 2.5, name: "abc" }), []);
    });

    it("names the key, the value and the expectation for a wrong type, a pattern not matched, a missing required key and an undeclared one", () => {
        assert.deepEqual(configProblems("p", schema, { count: "3", name: "ABC", extra: true }), [
            `"count" is "3", a string, not a number`,
            `"name" is "ABC", which does not match ^[a-z]+$ (expected lowercase letters)`,
            `"extra" is not a setting of p, which takes "count", "name" and "enforcementLevel"`,
        ]);
        assert.deepEqual(configProblems("p", schema, {}), [`"name" is required`]);
    });

    it("throws on a schema keyword it does not check, so the CLI and the pack cannot enforce different rules", () => {
        assert.throws(
            () => configProblems("p", { properties: { name: { type: "string", minLength: 3 } } }, {}),
            /configSchema of p uses "minLength" for "name", which the pack does not check at run time/,
        );
    });
});

describe("policy guardduty-endpoint-policy-scoped with organizationId", () => {
    const policy = guardDutyEndpointPolicyScoped;

    it("fails a policy scoped to another organization, which without organizationId passes as the stack's own", async () => {
        // The fixture shares with accounts only, so without configuration the organization comes from the policy itself.
        const { b, endpoint } = ownerFixture({ endpoint: { policy: orgScopedEndpointPolicy(OTHER_ORG) } });
        expectClean(await check(b.resources, { policy }));
        const verdicts = await check(b.resources, { policy, config: scopedConfig({ organizationId: ORG }) });
        expectMandatory(verdicts, SCOPED, `${OTHER_ORG} is not the organization the pack is configured for (${ORG})`, endpoint);
        expectMandatory(verdicts, SCOPED, `aws:PrincipalOrgID: ${ORG}`, endpoint);
    });

    it("passes the configured organization's policy, and one scoped to the accounts the stack shares with, which admits no one outside it", async () => {
        expectClean(await check(ownerFixture().b.resources, { policy, config: scopedConfig({ organizationId: ORG }) }));
        const accounts = JSON.stringify(guardDutyEndpointPolicy({ kind: "accounts", accountIds: [OWNER_ACCOUNT, ...SHARED_WITH] }));
        expectClean(await check(ownerFixture({ endpoint: { policy: accounts } }).b.resources, { policy, config: scopedConfig({ organizationId: ORG }) }));
    });

    it("fails a policy that admits the configured organization and another, and AWS's full-access default", async () => {
        const both = JSON.stringify({
            Statement: [
                { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" },
                { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: { StringNotEquals: { "aws:PrincipalOrgID": [ORG, OTHER_ORG] } } },
            ],
        });
        const config = scopedConfig({ organizationId: ORG });
        expectMandatory(await check(ownerFixture({ endpoint: { policy: both } }).b.resources, { policy, config }), SCOPED, /does not keep other accounts out/);
        expectMandatory(await check(ownerFixture({ endpoint: { policy: undefined } }).b.resources, { policy, config }), SCOPED, `aws:PrincipalOrgID: ${ORG}`);
    });

    it("fails a stack that shares the subnets with another organization than the configured one, on the association; the configured one passes", async () => {
        const { b, share } = ownerFixture({ endpoint: { policy: orgScopedEndpointPolicy(OTHER_ORG) } });
        const foreign = b.add(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "network-principal-org",
            { resourceShareArn: share.id, principal: `arn:aws:organizations::111111111111:organization/${OTHER_ORG}` },
            { deps: { resourceShareArn: [share] } },
        );
        // Without configuration the stack's principal decides the organization, and the policy matches it.
        expectClean(await check(b.resources, { policy }));
        const verdicts = await check(b.resources, { policy, config: scopedConfig({ organizationId: ORG }) });
        expectMandatory(verdicts, SCOPED, `in organization ${OTHER_ORG}, but the pack is configured for organization ${ORG}`, foreign);

        const same = ownerFixture();
        same.b.add(
            "aws:ram/principalAssociation:PrincipalAssociation",
            "network-principal-org",
            { resourceShareArn: same.share.id, principal: `arn:aws:organizations::111111111111:organization/${ORG}` },
            { deps: { resourceShareArn: [same.share] } },
        );
        expectClean(await check(same.b.resources, { policy, config: scopedConfig({ organizationId: ORG }) }));
    });

    it("keeps its configured level: advisory reports the violation without failing", async () => {
        const { b } = ownerFixture({ endpoint: { policy: orgScopedEndpointPolicy(OTHER_ORG) } });
        const verdicts = await check(b.resources, { policy, config: scopedConfig({ enforcementLevel: "advisory", organizationId: ORG }) });
        assert.deepEqual(
            verdicts.map((v) => [v.policy, v.enforcementLevel]),
            [[SCOPED, "advisory"]],
        );
    });
});

describe("invalid pack configuration is refused, naming the key, the value and what was expected", () => {
    const violating = () => ownerFixture({ endpoint: { policy: orgScopedEndpointPolicy(OTHER_ORG) } });

    it("refuses an organizationId that is not an organization ID, and does not run the policy with it", async () => {
        for (const value of ["123456789012", "O-A1B2C3D4E5", "o-short", ` ${ORG}`, "arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5"]) {
            const verdicts = await check(violating().b.resources, { config: scopedConfig({ organizationId: value }) });
            const own = verdicts.filter((v) => v.policy === SCOPED);
            assert.equal(own.length, 1, `${value}: ${JSON.stringify(own)}`);
            expectMandatory(
                own,
                SCOPED,
                `"organizationId" is ${JSON.stringify(value)}, which does not match ${ORG_ID.source} (expected the ID of your AWS Organization`,
            );
            assert.match(own[0].message, /is refused, so the policy did not run/);
            assert.equal(own[0].urn, undefined, "a stack policy's refusal is about the stack");
        }
    });

    it("refuses an organizationId of the wrong type", async () => {
        for (const value of [123, null, [ORG], { id: ORG }]) {
            const verdicts = await check(ownerFixture().b.resources, { config: scopedConfig({ organizationId: value }) });
            expectMandatory(verdicts, SCOPED, /"organizationId" is .*, an? (integer|null|array|object), not a string/);
        }
    });

    it("refuses a setting the policy does not have (a misspelt key would otherwise do nothing), listing what it takes", async () => {
        const verdicts = await check(violating().b.resources, { config: scopedConfig({ organisationId: ORG }) });
        expectMandatory(verdicts, SCOPED, `"organisationId" is not a setting of ${SCOPED}, which takes "organizationId" and "enforcementLevel"`);
        const pinned = await check(ownerFixture().b.resources, { config: { [stackAccountPinned.name]: { organizationId: ORG } } });
        expectMandatory(
            pinned,
            stackAccountPinned.name,
            `"organizationId" is not a setting of ${stackAccountPinned.name}, which takes nothing but "enforcementLevel"`,
        );
    });

    it("refuses on each resource a resource policy checks, and lets a valid level through", async () => {
        const { b, share } = ownerFixture();
        const verdicts = await check(b.resources, { config: { [subnetShareOrgOnly.name]: { enforcementLevel: "advisory", allowExternal: true } } });
        assert.deepEqual(
            verdicts.map((v) => [v.policy, v.enforcementLevel, v.urn, v.phase]),
            [[subnetShareOrgOnly.name, "mandatory", share.urn, "resource"]],
        );
    });

    it("refuses at mandatory even when the policy runs at advisory, and says nothing when it is disabled", async () => {
        const advisory = await check(ownerFixture().b.resources, { config: scopedConfig({ enforcementLevel: "advisory", organizationId: "not-an-org" }) });
        expectMandatory(advisory, SCOPED, /"organizationId" is "not-an-org"/);
        expectClean(await check(ownerFixture().b.resources, { config: scopedConfig({ enforcementLevel: "disabled", organizationId: "not-an-org" }) }));
    });
});
