import * as assert from "node:assert/strict";
import { guardDutyEndpointPolicy } from "../../src/net/endpoint";
import { assessEndpointPolicy, Membership } from "../../policy/lib/endpointPolicy";
import { UNKNOWN } from "../../policy/lib/values";

const ORG = "o-a1b2c3d4e5";
const OTHER_ORG = "o-zz99yy88xx";
const OWNER = "333333333333";
const PARTICIPANT = "444444444444";
const STRANGER = "999999999999";
/** What the owner fixture tells: its own account and the accounts it shares with; the organization only from the policy. */
const KNOWN: Membership = { accounts: new Set([OWNER, PARTICIPANT, "555555555555"]), pending: [] };

const allowAll = { Effect: "Allow", Principal: "*", Action: "*", Resource: "*" };
const deny = (condition: unknown, extra: Record<string, unknown> = {}) => ({
    Effect: "Deny",
    Principal: "*",
    Action: "*",
    Resource: "*",
    Condition: condition,
    ...extra,
});
const orgDeny = (extra: Record<string, unknown> = {}) => deny({ StringNotEquals: { "aws:PrincipalOrgID": ORG } }, extra);
const doc = (...statements: unknown[]) => ({ Version: "2012-10-17", Statement: statements });

function verdict(policy: unknown, membership: Membership = KNOWN) {
    return assessEndpointPolicy(policy as never, membership);
}

function expectScoped(policy: unknown, membership: Membership = KNOWN): void {
    assert.deepEqual(verdict(policy, membership), { verdict: "scoped" }, JSON.stringify(policy));
}

function expectUnscoped(policy: unknown, reason: RegExp, membership: Membership = KNOWN): void {
    const result = verdict(policy, membership);
    assert.equal(result.verdict, "unscoped", `${JSON.stringify(policy)} → ${JSON.stringify(result)}`);
    assert.match((result as { reason: string }).reason, reason, JSON.stringify(policy));
}

describe("guardduty-data endpoint policy assessment: what it allows to principals outside the organization", () => {
    it("accepts the policies the owner writes, for an organization or for the accounts it shares with, as JSON text or as an object", () => {
        const org = guardDutyEndpointPolicy({ kind: "organization", organizationId: ORG });
        const accounts = guardDutyEndpointPolicy({ kind: "accounts", accountIds: [OWNER, PARTICIPANT, "555555555555"] });
        for (const policy of [org, accounts]) {
            expectScoped(policy);
            expectScoped(JSON.stringify(policy));
        }
    });

    it('accepts every spelling of a Deny that applies to all outsiders: case, ForAllValues:, IfExists, OU paths, NotAction, AWS "*", one statement object', () => {
        for (const statement of [
            deny({ stringnotequals: { "AWS:PRINCIPALORGID": ORG } }),
            deny({ "ForAllValues:StringNotEquals": { "aws:PrincipalOrgID": ORG } }),
            deny({ "forallvalues:stringnotequalsignorecase": { "aws:principalaccount": [PARTICIPANT] } }),
            deny({ StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG } }),
            deny({ StringNotLike: { "aws:PrincipalOrgPaths": [`${ORG}/r-ab12/ou-ab12-11111111/*`] } }),
            deny({ ArnNotLike: { "aws:PrincipalArn": [`arn:aws:iam::${PARTICIPANT}:*`] } }),
            orgDeny({ Action: undefined, NotAction: ["s3:*", "ec2:*"] }),
            orgDeny({ Principal: { AWS: "*" }, Action: ["guardduty:*"] }),
            orgDeny({ Action: "GuardDuty:SendSecurityTelemetry" }),
            orgDeny({ Resource: undefined }),
            // The data-perimeter shape: only principals that are not AWS services, which every outsider is not.
            deny({ StringNotEqualsIfExists: { "aws:PrincipalOrgID": ORG }, BoolIfExists: { "aws:PrincipalIsAWSService": "false" } }),
            // No condition at all: it denies everyone, outsiders included (what it does to participants is not this rule's concern).
            deny(undefined),
        ]) {
            expectScoped(doc(allowAll, statement));
        }
        expectScoped({ Statement: orgDeny() });
    });

    it("accepts a Deny for everyone except principals of the organization's accounts (NotPrincipal)", () => {
        expectScoped(doc(allowAll, { Effect: "Deny", NotPrincipal: { AWS: [`arn:aws:iam::${PARTICIPANT}:root`, OWNER] }, Action: "*", Resource: "*" }));
    });

    it("accepts Allows that only principals of the organization can satisfy, or that allow nothing the agent calls", () => {
        expectScoped(doc({ ...allowAll, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } }));
        expectScoped(doc({ ...allowAll, Condition: { "ForAnyValue:StringEquals": { "aws:PrincipalOrgID": ORG } } }));
        expectScoped(
            doc({ ...allowAll, Condition: { StringEquals: { "aws:PrincipalAccount": [OWNER, PARTICIPANT] }, IpAddress: { "aws:SourceIp": "10.0.0.0/8" } } }),
        );
        expectScoped(doc({ ...allowAll, Condition: { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${PARTICIPANT}:role/*` } } }));
        expectScoped(doc({ ...allowAll, Principal: { AWS: [`arn:aws:iam::${PARTICIPANT}:root`, OWNER] } }));
        expectScoped(doc({ ...allowAll, Principal: { Service: "ec2.amazonaws.com" } }));
        expectScoped(doc({ ...allowAll, Action: ["s3:GetObject"] }));
        expectScoped(doc({ ...allowAll, Action: undefined, NotAction: "guardduty:*" }));
    });

    it("accepts the organization the stack shares with, and only that one when it names one", () => {
        const sharesWithOrg: Membership = { accounts: new Set([OWNER]), organizations: new Set([ORG]), pending: [] };
        expectScoped(doc(allowAll, orgDeny()), sharesWithOrg);
        expectUnscoped(
            doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": OTHER_ORG } })),
            new RegExp(`${OTHER_ORG} is not the organization this stack shares with \\(${ORG}\\)`),
            sharesWithOrg,
        );
        // Without the stack naming one, a policy naming two organizations admits one that is not the stack's.
        expectUnscoped(doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": [ORG, OTHER_ORG] } })), /several organizations the policy names/);
    });

    it("rejects a missing policy, allow-all only, bad JSON and no statements", () => {
        expectUnscoped(undefined, /no policy, so AWS attaches the default full-access policy/);
        expectUnscoped("", /no policy/);
        expectUnscoped(
            doc(allowAll),
            /Allow statement 1 lets principals outside the organization use the endpoint \(Principal "\*"; no condition restricts it to the organization\), and no Deny keeps principals outside the organization out/,
        );
        expectUnscoped(JSON.stringify(doc(allowAll)), /Principal "\*"/);
        expectUnscoped("{not json", /not valid JSON/);
        expectUnscoped(doc(), /no statements/);
    });

    it("rejects a Deny that only applies together with a condition the caller controls", () => {
        for (const [condition, mentions] of [
            [{ StringNotEquals: { "aws:PrincipalOrgID": ORG, "aws:SourceVpc": "vpc-1" } }, /aws:SourceVpc/],
            [
                { StringNotEquals: { "aws:PrincipalOrgID": ORG }, IpAddress: { "aws:SourceIp": "203.0.113.0/24" } },
                /IpAddress on aws:SourceIp to match, which the caller controls/,
            ],
            [{ StringNotEquals: { "aws:PrincipalOrgID": ORG }, StringEquals: { "aws:RequestTag/team": "x" } }, /aws:RequestTag\/team/],
            [{ StringNotEquals: { "aws:PrincipalOrgID": ORG }, DateGreaterThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } }, /aws:CurrentTime/],
        ] as const) {
            expectUnscoped(doc(allowAll, deny(condition)), mentions);
        }
    });

    it("rejects a Deny that leaves some outsiders out: ForAnyValue:, a positive operator, another account or organization, wildcards, part of the actions or resources", () => {
        const cases: Array<[unknown, RegExp]> = [
            [
                deny({ "ForAnyValue:StringNotEquals": { "aws:PrincipalOrgID": ORG } }),
                /belongs to no organization \(ForAnyValue: is false when the key is missing\)/,
            ],
            [deny({ StringEquals: { "aws:PrincipalOrgID": ORG } }), /applies only to principals whose aws:PrincipalOrgID matches/],
            [deny({ StringNotEquals: { "aws:PrincipalOrgID": "*" } }), /"\*" is not an organization ID/],
            [deny({ StringNotLike: { "aws:PrincipalAccount": "4444*" } }), /pattern "4444\*" matches principals of any account/],
            [
                deny({ StringNotEquals: { "aws:PrincipalAccount": [PARTICIPANT, STRANGER] } }),
                new RegExp(`account ${STRANGER} is neither this stack's account nor one it shares the subnets with`),
            ],
            [orgDeny({ Action: "s3:GetObject" }), /does not include guardduty:SendSecurityTelemetry/],
            [orgDeny({ Action: undefined, NotAction: "guardduty:Send*" }), /NotAction exempts guardduty:SendSecurityTelemetry/],
            [orgDeny({ Resource: "arn:aws:guardduty:us-east-1:333333333333:detector/x" }), /applies only to Resource/],
            [orgDeny({ Resource: undefined, NotResource: "arn:aws:guardduty:*" }), /NotResource exempts/],
            [orgDeny({ Principal: { AWS: `arn:aws:iam::${STRANGER}:root` } }), /applies only to the principals it names/],
            [{ Effect: "Deny", NotPrincipal: { AWS: [OWNER, STRANGER] }, Action: "*", Resource: "*" }, new RegExp(`exempts ${STRANGER}`)],
        ];
        for (const [statement, reason] of cases) expectUnscoped(doc(allowAll, statement), reason);
    });

    it("rejects any Allow a principal outside the organization satisfies, even beside one that is scoped", () => {
        const scopedAllow = { ...allowAll, Condition: { StringEquals: { "aws:PrincipalOrgID": ORG } } };
        const cases: Array<[unknown, RegExp]> = [
            [
                { ...allowAll, Principal: { AWS: `arn:aws:iam::${STRANGER}:root` } },
                new RegExp(`it allows arn:aws:iam::${STRANGER}:root: account ${STRANGER} is neither`),
            ],
            [{ ...allowAll, Principal: { AWS: STRANGER } }, new RegExp(STRANGER)],
            [{ ...allowAll, Principal: undefined, NotPrincipal: { AWS: OWNER } }, /NotPrincipal allows every principal it does not list/],
            [{ ...allowAll, Principal: { Federated: "cognito-identity.amazonaws.com" } }, /federated or canonical-user principals/],
            [{ ...allowAll, Condition: { StringEqualsIfExists: { "aws:PrincipalOrgID": ORG } } }, /IfExists is true when the key is missing/],
            [{ ...allowAll, Condition: { "ForAllValues:StringEquals": { "aws:PrincipalOrgID": ORG } } }, /ForAllValues: is true when the key is missing/],
            [{ ...allowAll, Condition: { StringLike: { "aws:PrincipalOrgID": "o-*" } } }, /pattern "o-\*" matches principals of any account/],
            [{ ...allowAll, Condition: { StringEquals: { "aws:PrincipalAccount": STRANGER } } }, new RegExp(`account ${STRANGER}`)],
            [{ ...allowAll, Condition: { StringNotEquals: { "aws:PrincipalAccount": OWNER } } }, /admits every principal not listed/],
            [{ ...allowAll, Condition: { StringEquals: { "aws:SourceVpc": "vpc-0aef6ec2d11fe5f5b" } } }, /aws:SourceVpc is up to the caller/],
            [{ ...allowAll, Action: "guardduty:*", Resource: undefined, NotResource: "arn:aws:s3:::x" }, /Principal "\*"/],
        ];
        for (const [statement, reason] of cases) expectUnscoped(doc(scopedAllow, statement), reason);
    });

    it("waits on unknown parts that could decide, and on who is in the organization while that is unknown; decides when they cannot", () => {
        assert.equal(verdict(UNKNOWN).verdict, "unknown");
        assert.equal(verdict({ Statement: UNKNOWN }).verdict, "unknown");
        assert.equal(verdict(doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": UNKNOWN } }))).verdict, "unknown");
        assert.equal(verdict(doc(allowAll, deny({ StringNotEquals: UNKNOWN }))).verdict, "unknown");
        assert.equal(verdict(doc(allowAll, orgDeny({ Principal: UNKNOWN }))).verdict, "unknown");
        assert.equal(verdict(doc(UNKNOWN)).verdict, "unknown");
        // A Deny that definitely does not scope stays a violation even with unknown bits in it.
        expectUnscoped(
            doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalOrgID": UNKNOWN } }, { Action: "s3:GetObject" })),
            /does not include guardduty:SendSecurityTelemetry/,
        );
        // A scoped Deny decides, whatever else is unknown.
        expectScoped(doc(UNKNOWN, orgDeny()));
        // An account the stack may yet turn out to share with (a principal unknown in preview).
        const pending: Membership = { accounts: new Set([OWNER]), pending: ['the principal of PrincipalAssociation "p"'] };
        assert.deepEqual(verdict(doc(allowAll, deny({ StringNotEquals: { "aws:PrincipalAccount": [OWNER, PARTICIPANT] } })), pending), {
            verdict: "unknown",
            what: 'the principal of PrincipalAssociation "p"',
        });
    });
});
