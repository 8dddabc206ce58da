/**
 * End-to-end proof that detections flow: make one covered instance resolve GuardDuty's documented
 * test domain through SSM Run Command, then watch the audit account for the resulting finding.
 *
 * This deliberately creates a real (harmless) finding; callers must say so before running it.
 */
import { GetFindingsCommand, paginateListFindings, type Finding, type FindingCriteria } from "@aws-sdk/client-guardduty";
import { GetCommandInvocationCommand, SendCommandCommand } from "@aws-sdk/client-ssm";
import { callAws, type CallContext } from "./awsCalls";
import type { AuditAccess, ParticipantAccess } from "./clients";
import type { Clock } from "./coverage";
import { VerifyError } from "./errors";
import type { ExpectedInstance } from "./expected";
import { formatDuration, type ProgressReporter } from "./progress";

/** Documented by GuardDuty for exactly this purpose: resolving it raises a C&C DNS finding. */
export const TEST_DOMAIN = "guarddutyc2activityb.com";

/** Runtime Monitoring reports the Runtime type; the EC2 type comes from GuardDuty's DNS-log source. */
export const TEST_FINDING_TYPES = ["Backdoor:Runtime/C&CActivity.B!DNS", "Backdoor:EC2/C&CActivity.B!DNS"] as const;

/**
 * GuardDuty's updatedAt comes from AWS's clock and `triggeredAt` from ours; this tolerance keeps a
 * slow local clock from hiding the finding, while still ignoring findings from earlier runs.
 */
export const CLOCK_SKEW_TOLERANCE_MS = 60_000;

const COMMAND_POLL_MS = 2_000;
const TERMINAL_COMMAND_STATUSES = new Set(["Success", "Failed", "Cancelled", "TimedOut"]);
const GET_FINDINGS_BATCH = 50;

/**
 * Minimal images lack dig/nslookup/host, but every glibc system has getent, which goes through
 * the same resolver the agent watches. `|| true` because an NXDOMAIN still counts as a lookup.
 */
function dnsLookupScript(domain: string = TEST_DOMAIN): string[] {
    return [
        `domain='${domain}'`,
        'if command -v dig >/dev/null 2>&1; then tool=dig; dig +short "$domain" || true',
        'elif command -v nslookup >/dev/null 2>&1; then tool=nslookup; nslookup "$domain" || true',
        'elif command -v host >/dev/null 2>&1; then tool=host; host "$domain" || true',
        'else tool=getent; getent hosts "$domain" || true; fi',
        'echo "resolved $domain with $tool"',
    ];
}

export function testFindingNotice(target: ExpectedInstance): string {
    return (
        `NOTE: --trigger-test-finding runs a DNS lookup of ${TEST_DOMAIN} on ${target.name} (${target.instanceId}, account ${target.participantAccountId}) through SSM Run Command.\n` +
        `      This deliberately creates a GuardDuty finding (${TEST_FINDING_TYPES[0]}, high severity) for that instance. It is harmless —\n` +
        "      the domain is GuardDuty's documented test domain — but it will appear in the audit account's findings and any alerting/export; archive it afterwards."
    );
}

export interface TestFindingTimings {
    commandTimeoutMs: number;
    findingTimeoutMs: number;
    pollIntervalMs: number;
}

export interface FoundFinding {
    id: string;
    type: string;
    severity?: number;
    title?: string;
    arn?: string;
    createdAt?: string;
    updatedAt?: string;
    count?: number;
}

export interface TestFindingResult {
    instance: Omit<ExpectedInstance, "source">;
    triggeredAt: Date;
    commandId: string;
    commandStatus: string;
    /** Last lines of the command's output, e.g. "resolved guarddutyc2activityb.com with dig". */
    commandOutput?: string;
    found: boolean;
    finding?: FoundFinding;
    /** Time spent waiting for the finding after the command finished. */
    waitedMs: number;
    findingChecks: number;
}

export function chooseTestInstance(expected: readonly ExpectedInstance[], selector: string | undefined): ExpectedInstance {
    if (!selector) {
        const first = expected[0];
        if (!first) {
            throw new VerifyError("config", "There is no expected instance to trigger a test finding on.");
        }
        return first;
    }
    const matches = expected.filter((instance) => instance.instanceId === selector || instance.name === selector);
    if (matches.length === 1) {
        return matches[0]!;
    }
    const known = expected.map((instance) => `${instance.name} (${instance.instanceId})`).join(", ");
    if (matches.length === 0) {
        throw new VerifyError("usage", `--instance ${selector} matches no expected instance. Expected instances: ${known}.`);
    }
    throw new VerifyError(
        "usage",
        `--instance ${selector} matches ${matches.length} instances in different participant accounts; use the instance ID. Expected instances: ${known}.`,
    );
}

export function isSampleFinding(finding: Finding): boolean {
    const value = finding.Service?.AdditionalInfo?.Value;
    if (!value) {
        return false;
    }
    try {
        return (JSON.parse(value) as { sample?: unknown }).sample === true;
    } catch {
        return false;
    }
}

function testFindingCriteria(target: ExpectedInstance, since: number): FindingCriteria {
    return {
        Criterion: {
            type: { Equals: [...TEST_FINDING_TYPES] },
            "resource.instanceDetails.instanceId": { Equals: [target.instanceId] },
            accountId: { Equals: [target.participantAccountId] },
            updatedAt: { GreaterThanOrEqual: since },
        },
    };
}

export async function triggerTestFinding(
    target: ExpectedInstance,
    participant: ParticipantAccess,
    audit: AuditAccess,
    detectorId: string,
    timings: TestFindingTimings,
    clock: Clock,
    progress: ProgressReporter,
): Promise<TestFindingResult> {
    const { source: _source, ...instance } = target;
    await requireParticipantAccount(participant, target);

    const triggeredAt = clock.now();
    const invocation = await runLookup(target, participant, timings, clock);
    const base = {
        instance,
        triggeredAt: new Date(triggeredAt),
        commandId: invocation.commandId,
        commandStatus: invocation.status,
        ...(invocation.output ? { commandOutput: invocation.output } : {}),
    };
    if (invocation.status !== "Success") {
        return { ...base, found: false, waitedMs: 0, findingChecks: 0 };
    }

    const context: CallContext = { action: "guardduty:ListFindings", region: target.region, principal: audit.principal };
    const criteria = testFindingCriteria(target, triggeredAt - CLOCK_SKEW_TOLERANCE_MS);
    const waitStart = clock.now();
    const deadline = waitStart + timings.findingTimeoutMs;
    progress.begin("Waiting for the test finding", Math.ceil(timings.findingTimeoutMs / 1000));
    let checks = 0;
    try {
        for (;;) {
            checks += 1;
            const finding = await findTestFinding(audit, detectorId, target, criteria, context);
            const elapsed = clock.now() - waitStart;
            if (finding) {
                return { ...base, found: true, finding, waitedMs: elapsed, findingChecks: checks };
            }
            const remaining = deadline - clock.now();
            progress.update(
                Math.round(elapsed / 1000),
                `no finding yet after ${checks} check(s); ${formatDuration(elapsed)} elapsed, ${formatDuration(Math.max(0, remaining))} left`,
            );
            if (remaining <= 0) {
                return { ...base, found: false, waitedMs: elapsed, findingChecks: checks };
            }
            await clock.sleep(Math.min(timings.pollIntervalMs, remaining));
        }
    } finally {
        progress.end();
    }
}

async function requireParticipantAccount(participant: ParticipantAccess, target: ExpectedInstance): Promise<void> {
    const identity = await participant.principal.callerIdentity();
    // Checked up front because SSM's answer for an instance in another account is a puzzling InvalidInstanceId.
    if (identity && identity.account !== target.participantAccountId) {
        throw new VerifyError(
            "config",
            `The participant credentials (${identity.arn}) are for account ${identity.account}, but ${target.name} (${target.instanceId}) is in account ${target.participantAccountId}. ` +
                `Pass --participant-role-arn with a role in ${target.participantAccountId} that may call ssm:SendCommand and ssm:GetCommandInvocation.`,
        );
    }
}

async function runLookup(
    target: ExpectedInstance,
    participant: ParticipantAccess,
    timings: TestFindingTimings,
    clock: Clock,
): Promise<{ commandId: string; status: string; output?: string }> {
    const timeoutMs = timings.commandTimeoutMs;
    // The lookup finishes in seconds; polling it as slowly as findings would only add delay.
    const pollMs = Math.min(COMMAND_POLL_MS, timings.pollIntervalMs);
    const principal = participant.principal;
    // callAws passes a VerifyError through, so SSM-specific answers are explained here and everything else there.
    const sent = await callAws({ action: "ssm:SendCommand", region: target.region, principal }, () =>
        participant.ssm
            .send(
                new SendCommandCommand({
                    DocumentName: "AWS-RunShellScript",
                    InstanceIds: [target.instanceId],
                    Parameters: { commands: dnsLookupScript(), executionTimeout: ["60"] },
                    Comment: "guardduty-shared-vpc verify: resolve the GuardDuty test domain (test finding)",
                }),
            )
            .catch((error: unknown) => {
                if ((error as { name?: string }).name === "InvalidInstanceId") {
                    throw new VerifyError(
                        "aws-error",
                        `SSM cannot run commands on ${target.name} (${target.instanceId}) in ${target.region}: it is not an SSM managed instance in account ${target.participantAccountId} right now ` +
                            "(SSM agent offline, or the instance role lacks AmazonSSMManagedInstanceCore). GuardDuty's agent management depends on the same SSM connection.",
                        { cause: error },
                    );
                }
                throw error;
            }),
    );
    const commandId = sent.Command?.CommandId;
    if (!commandId) {
        throw new VerifyError("aws-error", `ssm:SendCommand in ${target.region} returned no command ID for ${target.instanceId}.`);
    }

    const context: CallContext = { action: "ssm:GetCommandInvocation", region: target.region, principal };
    const deadline = clock.now() + timeoutMs;
    for (;;) {
        const invocation = await callAws(context, () =>
            participant.ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: target.instanceId })).catch((error: unknown) => {
                // SSM registers the invocation a moment after SendCommand returns.
                if ((error as { name?: string }).name === "InvocationDoesNotExist") {
                    return undefined;
                }
                throw error;
            }),
        );
        const status = invocation?.Status;
        if (invocation && status && TERMINAL_COMMAND_STATUSES.has(status)) {
            const output = tail(`${invocation.StandardOutputContent ?? ""}\n${invocation.StandardErrorContent ?? ""}`);
            // StatusDetails says why a failed command failed (e.g. DeliveryTimedOut, Undeliverable).
            const described = invocation.StatusDetails && invocation.StatusDetails !== status ? `${status} (${invocation.StatusDetails})` : status;
            return { commandId, status: described, ...(output ? { output } : {}) };
        }
        const remaining = deadline - clock.now();
        if (remaining <= 0) {
            return { commandId, status: `${status ?? "Pending"} (gave up after ${formatDuration(timeoutMs)})` };
        }
        await clock.sleep(Math.min(pollMs, remaining));
    }
}

async function findTestFinding(
    audit: AuditAccess,
    detectorId: string,
    target: ExpectedInstance,
    criteria: FindingCriteria,
    context: CallContext,
): Promise<FoundFinding | undefined> {
    const findingIds: string[] = [];
    await callAws(context, async () => {
        for await (const page of paginateListFindings(
            { client: audit.guardDuty, pageSize: 50, stopOnSameToken: true },
            { DetectorId: detectorId, FindingCriteria: criteria, SortCriteria: { AttributeName: "updatedAt", OrderBy: "DESC" } },
        )) {
            findingIds.push(...(page.FindingIds ?? []));
        }
    });
    for (let start = 0; start < findingIds.length; start += GET_FINDINGS_BATCH) {
        const batch = findingIds.slice(start, start + GET_FINDINGS_BATCH);
        const response = await callAws({ ...context, action: "guardduty:GetFindings" }, () =>
            audit.guardDuty.send(new GetFindingsCommand({ DetectorId: detectorId, FindingIds: batch })),
        );
        // The filter already asked for this; checking again guards against a criterion GuardDuty ignored.
        const match = (response.Findings ?? []).find(
            (finding) =>
                !isSampleFinding(finding) &&
                finding.Resource?.InstanceDetails?.InstanceId === target.instanceId &&
                (TEST_FINDING_TYPES as readonly string[]).includes(finding.Type ?? ""),
        );
        if (match) {
            return {
                id: match.Id ?? "(no id)",
                type: match.Type ?? "(no type)",
                ...(match.Severity !== undefined ? { severity: match.Severity } : {}),
                ...(match.Title ? { title: match.Title } : {}),
                ...(match.Arn ? { arn: match.Arn } : {}),
                ...(match.CreatedAt ? { createdAt: match.CreatedAt } : {}),
                ...(match.UpdatedAt ? { updatedAt: match.UpdatedAt } : {}),
                ...(match.Service?.Count !== undefined ? { count: match.Service.Count } : {}),
            };
        }
    }
    return undefined;
}

function tail(text: string, lines = 3): string {
    return text
        .split("\n")
        .map((line) => line.trimEnd())
        .filter(Boolean)
        .slice(-lines)
        .join("\n");
}
