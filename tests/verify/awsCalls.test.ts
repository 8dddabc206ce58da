import * as assert from "node:assert/strict";
import { AccessDeniedException } from "@aws-sdk/client-guardduty";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { callAws, principalFromSts, type AwsPrincipal } from "../../tools/verify/awsCalls";
import { VerifyError } from "../../tools/verify/errors";
import { AUDIT_ACCOUNT, AUDIT_CALLER_ARN, AUDIT_ROLE_ARN, FAKE_CREDENTIALS, REGION } from "./support/fixtures";

const sts = mockClient(STSClient);

function sdkError(name: string, message: string, httpStatusCode: number, attempts = 1): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode, requestId: "req-1", attempts } });
}

async function failureOf(principal: AwsPrincipal, error: unknown, action = "guardduty:ListCoverage"): Promise<VerifyError> {
    const failure = await callAws({ action, region: REGION, principal }, () => Promise.reject(error)).then(
        () => assert.fail("callAws must rethrow"),
        (caught: unknown) => caught,
    );
    assert.ok(failure instanceof VerifyError);
    return failure;
}

describe("AWS failures explained", () => {
    let client: STSClient;
    beforeEach(() => {
        sts.reset();
        client = new STSClient({ region: REGION, credentials: FAKE_CREDENTIALS });
    });
    afterEach(() => client.destroy());
    after(() => sts.restore());

    const auditPrincipal = (assumed = true) =>
        principalFromSts("audit account", client, assumed ? { arn: AUDIT_ROLE_ARN, flag: "--audit-role-arn" } : undefined);

    it("names the caller, the role flag it came from, the region and the exact IAM action on AccessDeniedException", async () => {
        sts.on(GetCallerIdentityCommand).resolves({ Arn: AUDIT_CALLER_ARN, Account: AUDIT_ACCOUNT });

        const failure = await failureOf(auditPrincipal(), new AccessDeniedException({ message: "not authorized", $metadata: { httpStatusCode: 403 } }));

        assert.equal(failure.kind, "access-denied");
        assert.equal(failure.exitCode, 3);
        assert.equal(
            failure.message.split("\n")[0],
            `Access denied: the audit account identity ${AUDIT_CALLER_ARN} (account ${AUDIT_ACCOUNT}), assumed from --audit-role-arn ${AUDIT_ROLE_ARN} is not allowed to perform guardduty:ListCoverage in ${REGION}. ` +
                `Grant guardduty:ListCoverage to it (see docs/verify.md, "IAM permissions").`,
        );
        assert.match(failure.message, /AWS said: not authorized/);
    });

    it("prefers the action AWS says it checked over the API being called (e.g. an SCP deny on GetFindings during ListFindings)", async () => {
        sts.on(GetCallerIdentityCommand).resolves({ Arn: AUDIT_CALLER_ARN, Account: AUDIT_ACCOUNT });
        const message = `User: ${AUDIT_CALLER_ARN} is not authorized to perform: guardduty:GetFindings on resource: arn:aws:guardduty:us-east-1:222222222222:detector/x with an explicit deny in a service control policy`;

        const failure = await failureOf(auditPrincipal(), sdkError("AccessDeniedException", message, 403), "guardduty:ListFindings");

        assert.match(failure.message, /is not allowed to perform guardduty:GetFindings in us-east-1/);
    });

    it("explains a refused role assumption as sts:AssumeRole on that role, not as a GuardDuty permission", async () => {
        const failure = await failureOf(
            auditPrincipal(),
            sdkError(
                "AccessDenied",
                `User: arn:aws:iam::999999999999:user/ci is not authorized to perform: sts:AssumeRole on resource: ${AUDIT_ROLE_ARN}`,
                403,
            ),
        );

        assert.equal(failure.kind, "access-denied");
        assert.match(
            failure.message,
            new RegExp(`^Access denied while assuming ${AUDIT_ROLE_ARN.replace(/[/]/g, "\\/")} \\(--audit-role-arn\\) for the audit account`),
        );
        assert.match(failure.message, /trust policy/);
        assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 0, "no point asking who we are with credentials that cannot be obtained");
    });

    it("still reports the denied action when sts:GetCallerIdentity fails too", async () => {
        sts.on(GetCallerIdentityCommand).rejects(sdkError("AccessDenied", "denied", 403));

        const failure = await failureOf(auditPrincipal(false), sdkError("AccessDeniedException", "nope", 403), "guardduty:ListDetectors");

        assert.equal(failure.kind, "access-denied");
        assert.match(
            failure.message,
            /the default-chain identity \(not identifiable: sts:GetCallerIdentity failed too\) is not allowed to perform guardduty:ListDetectors/,
        );
    });

    it("treats any HTTP 403 as access denied, whatever the error name", async () => {
        sts.on(GetCallerIdentityCommand).resolves({ Arn: AUDIT_CALLER_ARN, Account: AUDIT_ACCOUNT });

        const failure = await failureOf(auditPrincipal(false), sdkError("ForbiddenException", "Forbidden", 403));

        assert.equal(failure.kind, "access-denied");
    });

    it("reports missing credentials as a credentials problem with the flag to use", async () => {
        const failure = await failureOf(
            auditPrincipal(),
            Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }),
        );

        assert.equal(failure.kind, "credentials");
        assert.equal(failure.exitCode, 3);
        assert.match(failure.message, /No usable AWS credentials for the audit account/);
        assert.match(failure.message, /--audit-role-arn/);
    });

    it("says throttling outlasted the SDK's retries, as an AWS error rather than an instance's health", async () => {
        const failure = await failureOf(auditPrincipal(false), sdkError("ThrottlingException", "Rate exceeded", 429, 8));

        assert.equal(failure.kind, "aws-error");
        assert.match(failure.message, /kept throttling guardduty:ListCoverage in us-east-1 .* \(HTTP 429, request id req-1, 8 attempt\(s\)\)/);
    });

    it("asks STS who the caller is at most once per principal", async () => {
        sts.on(GetCallerIdentityCommand).resolves({ Arn: AUDIT_CALLER_ARN, Account: AUDIT_ACCOUNT });
        const principal = auditPrincipal(false);

        await failureOf(principal, sdkError("AccessDeniedException", "no", 403));
        await failureOf(principal, sdkError("AccessDeniedException", "no", 403));

        assert.equal(sts.commandCalls(GetCallerIdentityCommand).length, 1);
    });
});
