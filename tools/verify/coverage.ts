/**
 * The coverage check: ask the audit account's detector (as delegated administrator it sees every
 * member) which expected EC2 instances Runtime Monitoring covers, and how healthy each one is.
 */
import { ListDetectorsCommand, paginateListCoverage, type CoverageResource, type ListCoverageCommandInput } from "@aws-sdk/client-guardduty";
import { callAws } from "./awsCalls";
import type { AuditAccess } from "./clients";
import { VerifyError } from "./errors";
import type { ExpectedInstance } from "./expected";
import { mapBounded } from "./pool";
import { formatDuration, type ProgressReporter } from "./progress";

export type InstanceStatus = "HEALTHY" | "UNHEALTHY" | "NOT_FOUND";

export interface InstanceCoverage extends Omit<ExpectedInstance, "source"> {
    status: InstanceStatus;
    /** GuardDuty's own issue text for UNHEALTHY instances. */
    issue?: string;
    managementType?: string;
    agentVersion?: string;
    instanceType?: string;
    updatedAt?: Date;
}

export interface CoverageCheck {
    checkedAt: Date;
    detectors: { region: string; detectorId: string }[];
    instances: InstanceCoverage[];
}

/** ListCoverage's page size maximum (`maxResults` 1–50). */
const COVERAGE_PAGE_SIZE = 50;
/**
 * Instance IDs per ListCoverage query. A call returns at most a page of 50 items, so naming more
 * IDs in one query only adds pages, and pages of one query must be fetched one after another
 * (each needs the previous page's token). A page's worth of IDs per query makes the fewest calls
 * there can be, one per 50 covered instances, and every query is independent of the others, so
 * they run side by side. (The API model sets no limit on `equals` values; 50 also keeps large
 * fleets away from any undocumented one. It allows up to 50 criteria per filter; we send three.)
 */
export const INSTANCE_IDS_PER_QUERY = 50;

/**
 * How many ListCoverage queries run at once, over all regions, unless `--concurrency` says
 * otherwise. GuardDuty documents no request rate for ListCoverage; ten calls in flight check
 * 10,000 instances in about a second of 50 ms calls, and the SDK's adaptive retry backs every
 * query off together when GuardDuty throttles, because one client per region carries them all.
 */
export const DEFAULT_COVERAGE_CONCURRENCY = 10;
/** The SDK's HTTP handler keeps at most 50 connections per client; more calls would only queue. */
export const MAX_COVERAGE_CONCURRENCY = 50;

async function findDetectorId(audit: AuditAccess, region: string): Promise<string> {
    const response = await callAws({ action: "guardduty:ListDetectors", region, principal: audit.principal }, () =>
        audit.guardDuty.send(new ListDetectorsCommand({})),
    );
    const detectorId = response.DetectorIds?.[0];
    if (!detectorId) {
        const identity = await audit.principal.callerIdentity();
        throw new VerifyError(
            "no-detector",
            `No GuardDuty detector in ${region} for the ${audit.principal.label}${identity ? ` (${identity.account})` : ""}. ` +
                "GuardDuty is regional: check --region (or the outputs' region), that these are the audit account's credentials, and that the audit stack is deployed in this region.",
        );
    }
    return detectorId;
}

function coverageQueries(detectorId: string, expected: readonly ExpectedInstance[]): ListCoverageCommandInput[] {
    const queries: ListCoverageCommandInput[] = [];
    for (let start = 0; start < expected.length; start += INSTANCE_IDS_PER_QUERY) {
        const batch = expected.slice(start, start + INSTANCE_IDS_PER_QUERY);
        queries.push({
            DetectorId: detectorId,
            MaxResults: COVERAGE_PAGE_SIZE,
            FilterCriteria: {
                FilterCriterion: [
                    { CriterionKey: "RESOURCE_TYPE", FilterCondition: { Equals: ["EC2"] } },
                    { CriterionKey: "ACCOUNT_ID", FilterCondition: { Equals: unique(batch.map((instance) => instance.participantAccountId)) } },
                    { CriterionKey: "INSTANCE_ID", FilterCondition: { Equals: unique(batch.map((instance) => instance.instanceId)) } },
                ],
            },
        });
    }
    return queries;
}

/**
 * Every page of one query. A failure is thrown as is: the caller fails the whole check, because a
 * partial list would report covered instances as NOT FOUND. An aborted `signal` (another query
 * failed) stops the query between pages and cancels its call in flight.
 */
async function listCoverageQuery(audit: AuditAccess, region: string, query: ListCoverageCommandInput, signal: AbortSignal): Promise<CoverageResource[]> {
    const resources: CoverageResource[] = [];
    await callAws({ action: "guardduty:ListCoverage", region, principal: audit.principal }, async () => {
        for await (const page of paginateListCoverage({ client: audit.guardDuty, pageSize: COVERAGE_PAGE_SIZE, stopOnSameToken: true }, query, {
            abortSignal: signal,
        })) {
            resources.push(...(page.Resources ?? []));
        }
    });
    return resources;
}

export function classifyCoverage(expected: readonly ExpectedInstance[], resources: readonly CoverageResource[]): InstanceCoverage[] {
    const latest = new Map<string, CoverageResource>();
    for (const resource of resources) {
        const instanceId = resource.ResourceDetails?.Ec2InstanceDetails?.InstanceId ?? resource.ResourceId;
        if (!instanceId || !resource.AccountId) {
            continue;
        }
        const key = `${resource.AccountId}/${instanceId}`;
        const seen = latest.get(key);
        // Coverage can change between pages; the most recent statement about an instance wins.
        if (!seen || (resource.UpdatedAt?.getTime() ?? 0) > (seen.UpdatedAt?.getTime() ?? 0)) {
            latest.set(key, resource);
        }
    }

    return expected.map(({ source: _source, ...instance }) => {
        const resource = latest.get(`${instance.participantAccountId}/${instance.instanceId}`);
        if (!resource) {
            return { ...instance, status: "NOT_FOUND" as const };
        }
        const ec2 = resource.ResourceDetails?.Ec2InstanceDetails;
        const healthy = resource.CoverageStatus === "HEALTHY";
        const issue =
            resource.Issue || (healthy || resource.CoverageStatus === "UNHEALTHY" ? undefined : `coverage status "${resource.CoverageStatus ?? "(none)"}"`);
        return {
            ...instance,
            status: healthy ? ("HEALTHY" as const) : ("UNHEALTHY" as const),
            ...(issue ? { issue } : {}),
            ...(ec2?.ManagementType ? { managementType: ec2.ManagementType } : {}),
            ...(ec2?.AgentDetails?.Version ? { agentVersion: ec2.AgentDetails.Version } : {}),
            ...(ec2?.InstanceType ? { instanceType: ec2.InstanceType } : {}),
            ...(resource.UpdatedAt ? { updatedAt: resource.UpdatedAt } : {}),
        };
    });
}

export interface CoverageCheckerOptions {
    /** Queries in flight at once, over all regions (default DEFAULT_COVERAGE_CONCURRENCY). */
    concurrency?: number;
    now?: () => Date;
}

/** Checks coverage once; detector IDs are remembered across polls because they never change mid-run. */
export class CoverageChecker {
    private readonly detectorIds = new Map<string, string>();
    private readonly concurrency: number;
    private readonly now: () => Date;

    constructor(
        private readonly auditFor: (region: string) => AuditAccess,
        private readonly expected: readonly ExpectedInstance[],
        options: CoverageCheckerOptions = {},
    ) {
        this.concurrency = options.concurrency ?? DEFAULT_COVERAGE_CONCURRENCY;
        this.now = options.now ?? (() => new Date());
    }

    async detectorFor(region: string): Promise<string> {
        let detectorId = this.detectorIds.get(region);
        if (!detectorId) {
            detectorId = await findDetectorId(this.auditFor(region), region);
            this.detectorIds.set(region, detectorId);
        }
        return detectorId;
    }

    async check(): Promise<CoverageCheck> {
        const regions = unique(this.expected.map((instance) => instance.region));
        const detectors: CoverageCheck["detectors"] = [];
        const queries: { region: string; query: ListCoverageCommandInput }[] = [];
        for (const region of regions) {
            const detectorId = await this.detectorFor(region);
            detectors.push({ region, detectorId });
            const inRegion = this.expected.filter((instance) => instance.region === region);
            queries.push(...coverageQueries(detectorId, inRegion).map((query) => ({ region, query })));
        }
        const resources = await mapBounded(queries, this.concurrency, ({ region, query }, signal) =>
            listCoverageQuery(this.auditFor(region), region, query, signal),
        );
        return { checkedAt: this.now(), detectors, instances: classifyCoverage(this.expected, resources.flat()) };
    }
}

export interface Clock {
    now(): number;
    sleep(milliseconds: number): Promise<void>;
}

export const systemClock: Clock = {
    now: () => Date.now(),
    sleep: (milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)),
};

export function countStatuses(instances: readonly InstanceCoverage[]): Record<InstanceStatus, number> {
    const counts: Record<InstanceStatus, number> = { HEALTHY: 0, UNHEALTHY: 0, NOT_FOUND: 0 };
    for (const instance of instances) {
        counts[instance.status] += 1;
    }
    return counts;
}

/**
 * Polls until every instance is HEALTHY or `waitMs` has passed. Agents take minutes after launch
 * to report, so a fresh deployment needs a wait; without one this is a single check.
 */
export async function checkUntilHealthy(
    check: () => Promise<CoverageCheck>,
    timing: { waitMs: number; pollIntervalMs: number },
    clock: Clock,
    progress: ProgressReporter,
): Promise<CoverageCheck> {
    if (timing.waitMs <= 0) {
        return check();
    }
    const startedAt = clock.now();
    const deadline = startedAt + timing.waitMs;
    // The bar's total is only known once the first check has listed the instances.
    let result = await check();
    progress.begin("Waiting for GuardDuty agents", result.instances.length);
    try {
        for (;;) {
            const counts = countStatuses(result.instances);
            const total = result.instances.length;
            const now = clock.now();
            const remaining = deadline - now;
            progress.update(
                counts.HEALTHY,
                `${counts.HEALTHY}/${total} HEALTHY, ${counts.UNHEALTHY} UNHEALTHY, ${counts.NOT_FOUND} NOT FOUND; ` +
                    `${formatDuration(now - startedAt)} elapsed, ${formatDuration(Math.max(0, remaining))} left`,
            );
            if (counts.HEALTHY === total || remaining <= 0) {
                return result;
            }
            await clock.sleep(Math.min(timing.pollIntervalMs, remaining));
            result = await check();
        }
    } finally {
        progress.end();
    }
}

function unique<T>(values: readonly T[]): T[] {
    return [...new Set(values)];
}
