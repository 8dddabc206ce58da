/**
 * Turning AWS SDK failures into messages that say who was refused what, and where.
 *
 * Every call goes through `callAws` with the IAM action it needs, so an AccessDenied names the
 * exact permission to grant instead of leaving the operator to map API names to IAM actions.
 * Retries are not done here: the SDK's retry strategy already backs off on throttling and 5xx,
 * and an error that reaches this layer has exhausted those retries.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { VerifyError } from "./errors";

export interface CallerIdentity {
    arn: string;
    account: string;
}

/** Whose credentials a call used, described well enough to fix an access problem. */
export interface AwsPrincipal {
    /** e.g. "audit account" or "participant account 444444444444". */
    readonly label: string;
    /** The role assumed for this principal, and the flag it came from. */
    readonly assumedRole?: { arn: string; flag: string };
    /** Undefined when even sts:GetCallerIdentity fails (e.g. the role could not be assumed). */
    callerIdentity(): Promise<CallerIdentity | undefined>;
}

export function principalFromSts(label: string, sts: STSClient, assumedRole?: { arn: string; flag: string }): AwsPrincipal {
    let cached: Promise<CallerIdentity | undefined> | undefined;
    return {
        label,
        assumedRole,
        callerIdentity() {
            cached ??= sts
                .send(new GetCallerIdentityCommand({}))
                .then((identity) => (identity.Arn && identity.Account ? { arn: identity.Arn, account: identity.Account } : undefined))
                // Naming the identity is a courtesy in an error message; failing here would hide the real error.
                .catch(() => undefined);
            return cached;
        },
    };
}

export interface CallContext {
    /** The IAM action the call needs, e.g. "guardduty:ListCoverage". */
    action: string;
    region: string;
    principal: AwsPrincipal;
}

export async function callAws<T>(context: CallContext, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        throw await explainAwsError(error, context);
    }
}

interface SdkErrorShape {
    name?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

const ACCESS_DENIED_NAMES = new Set(["AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnauthorizedException", "AuthorizationError"]);
const BAD_CREDENTIAL_NAMES = new Set([
    "CredentialsProviderError",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
]);
const THROTTLING_NAMES = new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"]);

async function explainAwsError(error: unknown, context: CallContext): Promise<VerifyError> {
    if (error instanceof VerifyError) {
        return error;
    }
    const sdkError = (typeof error === "object" && error !== null ? error : { message: String(error) }) as SdkErrorShape;
    const name = sdkError.name ?? "Error";
    const awsMessage = (sdkError.message ?? "").trim();
    const status = sdkError.$metadata?.httpStatusCode;
    const where = `${context.action} in ${context.region}`;

    if (BAD_CREDENTIAL_NAMES.has(name)) {
        return new VerifyError(
            "credentials",
            `No usable AWS credentials for the ${context.principal.label} (${name} while calling ${where}): ${awsMessage}\n` +
                `Configure the default credential chain (AWS_PROFILE, environment, SSO) or pass ${context.principal.assumedRole?.flag ?? "the matching --…-role-arn flag"}.`,
            { cause: error },
        );
    }

    if (ACCESS_DENIED_NAMES.has(name) || status === 403) {
        return new VerifyError("access-denied", await describeAccessDenied(context, awsMessage), { cause: error });
    }

    const attempts = sdkError.$metadata?.attempts;
    const details = [
        status ? `HTTP ${status}` : undefined,
        sdkError.$metadata?.requestId ? `request id ${sdkError.$metadata.requestId}` : undefined,
        attempts ? `${attempts} attempt(s)` : undefined,
    ]
        .filter(Boolean)
        .join(", ");
    const suffix = details ? ` (${details})` : "";
    if (THROTTLING_NAMES.has(name) || status === 429) {
        return new VerifyError(
            "aws-error",
            `AWS kept throttling ${where} for the ${context.principal.label} even after the SDK's backoff retries${suffix}. Nothing is known about coverage; try again later.`,
            { cause: error },
        );
    }
    return new VerifyError("aws-error", `${where} failed for the ${context.principal.label}: ${name}: ${awsMessage || "(no message)"}${suffix}`, {
        cause: error,
    });
}

async function describeAccessDenied(context: CallContext, awsMessage: string): Promise<string> {
    // AWS's own message names the action it checked (e.g. sts:AssumeRole during role assumption),
    // which can differ from the API we were calling.
    const deniedAction = /perform:\s*([A-Za-z0-9-]+:[A-Za-z0-9*]+)/.exec(awsMessage)?.[1] ?? context.action;
    const { principal } = context;
    const awsSaid = awsMessage ? `\nAWS said: ${awsMessage}` : "";

    if (deniedAction.toLowerCase() === "sts:assumerole" && principal.assumedRole) {
        return (
            `Access denied while assuming ${principal.assumedRole.arn} (${principal.assumedRole.flag}) for the ${principal.label}: ` +
            `the base credentials lack sts:AssumeRole on that role, or its trust policy does not trust them.${awsSaid}`
        );
    }
    const identity = await principal.callerIdentity();
    const who = identity
        ? `${identity.arn} (account ${identity.account})`
        : principal.assumedRole
          ? `role ${principal.assumedRole.arn}`
          : "the default-chain identity (not identifiable: sts:GetCallerIdentity failed too)";
    const via = principal.assumedRole && identity ? `, assumed from ${principal.assumedRole.flag} ${principal.assumedRole.arn}` : "";
    return `Access denied: the ${principal.label} identity ${who}${via} is not allowed to perform ${deniedAction} in ${context.region}. Grant ${deniedAction} to it (see docs/verify.md, "IAM permissions").${awsSaid}`;
}
