import * as assert from "node:assert/strict";
import { guardDutyEndpointPolicy } from "../../src/net/endpoint";
import { assessEndpointPolicy } from "../../policy/lib/endpointPolicy";
import { UNKNOWN } from "../../policy/lib/values";

const ORG = "o-a1b2c3d4e5";
const allowAll = { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" };
const deny = (condition: unknown, extra: Record<string, unknown> = {}) => ({ Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition: condition, ...extra });
const doc = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });

function verdict(policy: unknown) {
    return assessEndpointPolicy(policy as never);
}

describe("guardduty-data endpoint policy assessment", () => {
    it("accepts the policies the owner writes, for an organization or a list of accounts, as JSON text or as an object", () => {
        const org = guardDutyEndpointPolicy({ kind: "organization", organizationId: ORG });
        const accounts = guardDutyEndpointPolicy({ kind: "accounts", accountIds: ["444444444444", "555555555555"] });
        for (const policy of [org, accounts]) {
            assert.deepEqual(verdict(policy), { verdict: "scoped" });
            assert.deepEqual(verdict(JSON.stringify(policy)), { verdict: "scoped" });
        }
    });

    it("matches condition operators and keys case-insensitively, with ForAnyValue:/ForAllValues: and IfExists on a Deny", () => {
        for (const condition of [
            { stringnotequals: { "AWS:PRINCIPALORGID": ORG } },
            { "ForAnyValue:StringNotEquals": { "aws:PrincipalOrgID": ORG } },
            { "forallvalues:stringnotequalsignorecase": { "aws:principalaccount": ["444444444444"] } },
            { StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG } },
            { StringNotLike: { "aws:PrincipalOrgPaths": [`${ORG}/r-ab12/ou-ab12-11111111/*`] } },
        ]) {
            assert.deepEqual(verdict(doc(allowAll, deny(condition))), { verdict: "scoped" }, JSON.stringify(condition));
        }
        // Single statement object instead of a list, {"AWS": "*"} principal, action list.
        assert.deepEqual(verdict({ Statement: deny({ StringNotEquals: { "aws:PrincipalOrgID": ORG } }, { Principal: { AWS: "*" }, Action: ["guardduty:*"] }) }), { verdict: "scoped" });
    });

    it("accepts an Allow restricted to the organization when nothing else allows everyone", () => {
        assert.deepEqual(verdict(doc({ ...allowAll, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } })), { verdict: "scoped" });
        // …but not when another statement still allows everyone, nor with IfExists (lets in principals with no org).
        assert.equal(verdict(doc(allowAll, { ...allowAll, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } })).verdict, "unscoped");
        assert.equal(verdict(doc({ ...allowAll, Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG } } })).verdict, "unscoped");
    });

    it("rejects a missing policy, allow-all only, bad JSON and a Deny that does not restrict by organization or account", () => {
        const cases: Array<[unknown, RegExp]> = [
            [undefined, /no policy/],
            ["", /no policy/],
            [doc(allowAll), /allows every principal/],
            [JSON.stringify(doc(allowAll)), /allows every principal/],
            ["{not json", /not valid JSON/],
            [doc(), /no statements/],
            [doc(allowAll, deny({ StringNotEquals: { "aws:SourceVpc": "vpc-1" } })), /Deny statement does not single out principals outside/],
            [doc(allowAll, deny({ StringEquals: { "aws:PrincipalOrgID": ORG } })), /Deny statement/],
            [doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": "*" } })), /Deny statement/],
            [doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": ORG } }, { Action: "s3:GetObject" })), /Deny statement/],
            [doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": ORG } }, { Principal: { AWS: "arn:aws:iam::111111111111:root" } })), /Deny statement/],
            [doc(allowAll, deny(undefined)), /Deny statement/],
        ];
        for (const [policy, reason] of cases) {
            const result = verdict(policy);
            assert.equal(result.verdict, "unscoped", JSON.stringify(policy));
            assert.match((result as { reason: string }).reason, reason);
        }
    });

    it("waits on unknown parts that decide the verdict, and does not wait on ones that do not", () => {
        assert.equal(verdict(UNKNOWN).verdict, "unknown");
        assert.equal(verdict({ Statement: UNKNOWN }).verdict, "unknown");
        assert.equal(verdict(doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": UNKNOWN } }))).verdict, "unknown");
        assert.equal(verdict(doc(allowAll, deny({ StringNotEquals: UNKNOWN }))).verdict, "unknown");
        // A Deny that is definitely not scoped stays a violation even with unknown bits elsewhere in it.
        assert.equal(verdict(doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": UNKNOWN } }, { Action: "s3:GetObject" }))).verdict, "unscoped");
        // A scoped Deny decides, whatever else is unknown.
        assert.equal(verdict(doc(UNKNOWN, deny({ StringNotEquals: { "aws:PrincipalOrgID": ORG } }))).verdict, "scoped");
    });
});
