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
import { principalFromSts, type AwsPrincipal } from "./awsCalls";

export type CredentialsSetting = GuardDutyClientConfig["credentials"];

/**
 * Throttling on ListCoverage/ListFindings is common in large organizations; more attempts than the
 * SDK default of 3 let the adaptive strategy back off long enough to ride it out, so a throttle
 * never shows up as a failure of the run.
 */
const DEFAULT_MAX_ATTEMPTS = 8;

interface ClientSettings {
    region: string;
    credentials: CredentialsSetting;
    /** Only for tests and local fakes; the SDK also honours AWS_ENDPOINT_URL(_GUARDDUTY|_SSM|_STS). */
    endpoint?: string;
    maxAttempts?: number;
    retryMode?: "standard" | "adaptive";
}

function sdkClientConfig(settings: ClientSettings) {
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

export interface AwsAccessOptions extends Pick<ClientSettings, "endpoint" | "maxAttempts" | "retryMode"> {
    auditRoleArn?: string;
    participantRoleArn?: string;
    /** Replaces the default credential chain as the base identity (tests use static fake keys). */
    baseCredentials?: CredentialsSetting;
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
    const configFor = (region: string, credentials: CredentialsSetting) => sdkClientConfig({ ...options, region, credentials });

    /**
     * One identity in one region: the config its service client is built from, and the principal
     * that names it in errors. Both share one credential provider, so a role is assumed once.
     */
    const session = (region: string, label: string, role: { arn: string; flag: string } | undefined) => {
        const credentials = role
            ? fromTemporaryCredentials({
                  params: { RoleArn: role.arn, RoleSessionName: SESSION_NAME },
                  masterCredentials: baseCredentials(),
                  clientConfig: configFor(region, baseCredentials()),
              })
            : baseCredentials();
        const config = configFor(region, credentials);
        return { config, principal: principalFromSts(label, track(new STSClient(config)), role) };
    };
    const auditRole = options.auditRoleArn ? { arn: options.auditRoleArn, flag: "--audit-role-arn" } : undefined;
    const participantRole = options.participantRoleArn ? { arn: options.participantRoleArn, flag: "--participant-role-arn" } : undefined;

    const audits = new Map<string, AuditAccess>();
    const participants = new Map<string, ParticipantAccess>();

    return {
        audit: (region) =>
            cached(audits, region, () => {
                const { config, principal } = session(region, "audit account", auditRole);
                return { guardDuty: track(new GuardDutyClient(config)), principal };
            }),
        participant: (region, accountId) =>
            cached(participants, `${region}/${accountId}`, () => {
                const { config, principal } = session(region, `participant account ${accountId}`, participantRole);
                return { ssm: track(new SSMClient(config)), principal };
            }),
        destroy() {
            for (const client of clients.splice(0)) {
                client.destroy();
            }
        },
    };
}

function cached<V>(cache: Map<string, V>, key: string, create: () => V): V {
    let value = cache.get(key);
    if (value === undefined) {
        value = create();
        cache.set(key, value);
    }
    return value;
}
