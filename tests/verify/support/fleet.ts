/**
 * An organization-sized fleet for the loopback GuardDuty server: participant outputs for many
 * accounts, and a ListCoverage handler that filters and pages the way GuardDuty's API does
 * (filter `equals` lists, maxResults 1–50, at most 50 criteria, nextToken), with a latency per
 * call and counters for calls, throttles and calls in flight. Used by the scale tests and by
 * `npm run bench`; nothing here talks to AWS.
 */
import type { ParticipantOutputs } from "guardduty-shared-vpc-contract";
import { awsError, json, routeFake, wireCoverage, type FakeHandler, type FakeRequest, type FakeResponse } from "./fakeAws";
import { DETECTOR_ID, REGION } from "./fixtures";

export interface FleetInstance {
    accountId: string;
    instanceId: string;
    /** Absent: GuardDuty has no coverage entry for it (NOT FOUND). */
    status?: "HEALTHY" | "UNHEALTHY";
    issue?: string;
}

export interface Fleet {
    outputs: ParticipantOutputs[];
    instances: FleetInstance[];
}

/** The first participant account; the rest follow it. */
const FIRST_ACCOUNT = 400_000_000_000;

/**
 * `accounts` participant stacks of `perAccount` instances each. `statusOf` decides what GuardDuty
 * says about the n-th instance of the fleet (default: HEALTHY).
 */
export function generateFleet(
    accounts: number,
    perAccount: number,
    statusOf: (index: number) => Pick<FleetInstance, "status" | "issue"> = () => ({ status: "HEALTHY" }),
): Fleet {
    const outputs: ParticipantOutputs[] = [];
    const instances: FleetInstance[] = [];
    for (let account = 0; account < accounts; account++) {
        const accountId = String(FIRST_ACCOUNT + account);
        const named = Array.from({ length: perAccount }, (_, n) => {
            const index = account * perAccount + n;
            const id = `i-${index.toString(16).padStart(17, "0")}`;
            instances.push({ accountId, instanceId: id, ...statusOf(index) });
            return { name: `app-${n}`, id, subnet: "workloads-a", azId: "use1-az1" };
        });
        outputs.push({
            participantAccountId: accountId,
            region: REGION,
            ownerStack: "organization/guardduty-shared-vpc/owner",
            agentManagement: "automated",
            instanceIds: named.map((instance) => instance.id),
            instances: named,
            instanceSecurityGroupId: "sg-0123456789abcdef0",
        });
    }
    return { outputs, instances };
}

export interface FleetServerOptions {
    /** Time each call takes before GuardDuty answers. */
    latencyMs?: number;
    /** Answer this call with 429 ThrottlingException instead of a page. */
    throttle?: (request: FakeRequest) => boolean;
    /** Answer this call with this error instead of a page. */
    fail?: (request: FakeRequest) => FakeResponse | undefined;
}

export interface FleetCounters {
    coverageCalls: number;
    throttled: number;
    inFlight: number;
    maxInFlight: number;
}

const MAX_RESULTS = 50;
const MAX_CRITERIA = 50;
const FILTERABLE = new Set(["ACCOUNT_ID", "INSTANCE_ID", "RESOURCE_TYPE"]);

type Criterion = { criterionKey?: string; filterCondition?: { equals?: string[] } };

/** GuardDuty's ListCoverage over the fleet, and ListDetectors answering the audit detector. */
export function fleetGuardDuty(fleet: Fleet, options: FleetServerOptions = {}): { handler: FakeHandler; counters: FleetCounters } {
    const counters: FleetCounters = { coverageCalls: 0, throttled: 0, inFlight: 0, maxInFlight: 0 };
    const covered = fleet.instances.filter((instance) => instance.status);
    // An instance may have several entries (GuardDuty listing it again while its coverage changes).
    const byInstanceId = new Map<string, FleetInstance[]>();
    for (const instance of covered) {
        byInstanceId.set(instance.instanceId, [...(byInstanceId.get(instance.instanceId) ?? []), instance]);
    }

    const listCoverage = async (request: FakeRequest): Promise<FakeResponse> => {
        counters.coverageCalls += 1;
        counters.inFlight += 1;
        counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
        try {
            if (options.throttle?.(request)) {
                counters.throttled += 1;
                return awsError(429, "ThrottlingException", "Rate exceeded");
            }
            const failure = options.fail?.(request);
            if (failure) return failure;
            if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
            return page(request);
        } finally {
            counters.inFlight -= 1;
        }
    };

    const page = (request: FakeRequest): FakeResponse => {
        const body = request.body ?? {};
        const maxResults = body.maxResults ?? MAX_RESULTS;
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > MAX_RESULTS) {
            return awsError(400, "BadRequestException", `The request is rejected because maxResults ${String(maxResults)} is outside 1-${MAX_RESULTS}.`);
        }
        const criteria: Criterion[] = body.filterCriteria?.filterCriterion ?? [];
        if (criteria.length > MAX_CRITERIA) {
            return awsError(
                400,
                "BadRequestException",
                `The request is rejected because filterCriterion has ${criteria.length} members; at most ${MAX_CRITERIA} are allowed.`,
            );
        }
        const filters: ((instance: FleetInstance) => boolean)[] = [];
        // Named instance IDs are looked up, not scanned for: a scan per call would make the fake,
        // not the client, the slow part of a 10,000-instance run.
        let candidates = covered;
        for (const criterion of criteria) {
            const key = criterion.criterionKey ?? "";
            const equals = new Set(criterion.filterCondition?.equals ?? []);
            if (!FILTERABLE.has(key)) return awsError(400, "BadRequestException", `the fleet fake does not filter on ${key}`);
            if (key === "INSTANCE_ID") {
                candidates = [...equals].flatMap((id) => byInstanceId.get(id) ?? []);
                filters.push((instance) => equals.has(instance.instanceId));
            } else if (key === "ACCOUNT_ID") {
                filters.push((instance) => equals.has(instance.accountId));
            } else {
                filters.push(() => equals.has("EC2"));
            }
        }
        const matching = candidates.filter((instance) => filters.every((matches) => matches(instance)));
        const offset = body.nextToken === undefined ? 0 : Number(/^offset-(\d+)$/.exec(String(body.nextToken))?.[1] ?? NaN);
        if (!Number.isInteger(offset)) return awsError(400, "BadRequestException", `unknown nextToken ${String(body.nextToken)}`);
        const slice = matching.slice(offset, offset + maxResults);
        const next = offset + maxResults < matching.length ? { nextToken: `offset-${offset + maxResults}` } : {};
        return json({
            resources: slice.map((instance) =>
                wireCoverage({ accountId: instance.accountId, instanceId: instance.instanceId, status: instance.status!, issue: instance.issue }),
            ),
            ...next,
        });
    };

    return {
        counters,
        handler: routeFake({ ListDetectors: () => json({ detectorIds: [DETECTOR_ID] }), ListCoverage: listCoverage }),
    };
}
