/**
 * Building the real AWS SDK clients for the audit and participant accounts.
 *
 * The rest of the tool only sees `AwsAccess`, so tests hand in mocked clients or clients pointed
 * at a loopback server while the CLI gets these, built from the default credential chain or an
 * assumed role.
 */
import { GuardDutyClient, type GuardDutyClientConfig } from "@aws-sdk/client-guardduty";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain, fromTemporaryCredentials } from "@aws-sdk/credential-providers";
import { principalFromSts, type AwsPrincipal } from "./aws-calls";

export type CredentialsSetting = GuardDutyClientConfig["credentials"];

/**
 * Throttling on ListCoverage/ListFindings is common in large organizations; more attempts than the
 * SDK default of 3 let the adaptive strategy back off long enough to ride it out, so a throttle
 * never shows up as a failure of the run.
 */
export const DEFAULT_MAX_ATTEMPTS = 8;

export interface ClientSettings {
    region: string;
    credentials: CredentialsSetting;
    /** Only for tests and local fakes; the SDK also honours AWS_ENDPOINT_URL(_GUARDDUTY|_SSM|_STS). */
    endpoint?: string;
    maxAttempts?: number;
    retryMode?: "standard" | "adaptive";
}

export function sdkClientConfig(settings: ClientSettings) {
    return {
        region: settings.region,
        credentials: settings.credentials,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        maxAttempts: settings.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        retryMode: settings.retryMode ?? "adaptive",
    };
}

export interface AuditAccess {
    guardDuty: GuardDutyClient;
    principal: AwsPrincipal;
}

export interface ParticipantAccess {
    ssm: SSMClient;
    principal: AwsPrincipal;
}

/** Where the tool gets its clients from; one audit and one participant view per region. */
export interface AwsAccess {
    audit(region: string): AuditAccess;
    participant(region: string, accountId: string): ParticipantAccess;
    destroy(): void;
}

export interface AwsAccessOptions {
    auditRoleArn?: string;
    participantRoleArn?: string;
    /** Replaces the default credential chain as the base identity (tests use static fake keys). */
    baseCredentials?: CredentialsSetting;
    endpoint?: string;
    maxAttempts?: number;
    retryMode?: "standard" | "adaptive";
}

const SESSION_NAME = "guardduty-shared-vpc-verify";

export function createAwsAccess(options: AwsAccessOptions): AwsAccess {
    const clients: { destroy(): void }[] = [];
    const track = <C extends { destroy(): void }>(client: C): C => {
        clients.push(client);
        return client;
    };
    let defaultChain: CredentialsSetting | undefined;
    const baseCredentials = (): CredentialsSetting => options.baseCredentials ?? (defaultChain ??= fromNodeProviderChain());

    const credentialsFor = (region: string, roleArn: string | undefined): CredentialsSetting =>
        roleArn
            ? fromTemporaryCredentials({
                  params: { RoleArn: roleArn, RoleSessionName: SESSION_NAME },
                  masterCredentials: baseCredentials(),
                  clientConfig: sdkClientConfig({ ...options, region, credentials: baseCredentials() }),
              })
            : baseCredentials();

    const settingsFor = (region: string, roleArn: string | undefined): ClientSettings => ({
        region,
        credentials: credentialsFor(region, roleArn),
        endpoint: options.endpoint,
        maxAttempts: options.maxAttempts,
        retryMode: options.retryMode,
    });

    const audits = new Map<string, AuditAccess>();
    const participants = new Map<string, ParticipantAccess>();

    return {
        audit(region) {
            let access = audits.get(region);
            if (!access) {
                const settings = settingsFor(region, options.auditRoleArn);
                access = {
                    guardDuty: track(new GuardDutyClient(sdkClientConfig(settings))),
                    principal: principalFromSts(
                        "audit account",
                        track(new STSClient(sdkClientConfig(settings))),
                        options.auditRoleArn ? { arn: options.auditRoleArn, flag: "--audit-role-arn" } : undefined,
                    ),
                };
                audits.set(region, access);
            }
            return access;
        },
        participant(region, accountId) {
            const key = `${region}/${accountId}`;
            let access = participants.get(key);
            if (!access) {
                const settings = settingsFor(region, options.participantRoleArn);
                access = {
                    ssm: track(new SSMClient(sdkClientConfig(settings))),
                    principal: principalFromSts(
                        `participant account ${accountId}`,
                        track(new STSClient(sdkClientConfig(settings))),
                        options.participantRoleArn ? { arn: options.participantRoleArn, flag: "--participant-role-arn" } : undefined,
                    ),
                };
                participants.set(key, access);
            }
            return access;
        },
        destroy() {
            for (const client of clients.splice(0)) {
                client.destroy();
            }
        },
    };
}
