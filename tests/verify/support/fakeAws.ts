/**
 * A loopback stand-in for the AWS endpoints verify calls, speaking each service's real wire
 * protocol: GuardDuty REST-JSON, SSM JSON 1.1 and STS Query (XML). The real SDK clients are
 * pointed at it with a custom endpoint (or AWS_ENDPOINT_URL for the CLI as a child process).
 *
 * It binds 127.0.0.1 only, answers a bounded number of requests, and closes itself after a
 * lifetime even if a test forgets to, so a failing test cannot leave a listener behind.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { createAwsAccess, type AwsAccess, type AwsAccessOptions } from "../../../tools/verify/clients";
import { FAKE_CREDENTIALS } from "./fixtures";

export type Operation =
    "ListDetectors" | "ListCoverage" | "ListFindings" | "GetFindings" | "GetCallerIdentity" | "AssumeRole" | "SendCommand" | "GetCommandInvocation";

export interface FakeRequest {
    operation: Operation | undefined;
    method: string;
    path: string;
    headers: http.IncomingHttpHeaders;
    /** Parsed JSON for JSON protocols, key/value pairs for STS's form body. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed body of any AWS operation; each fake handler reads the fields of its own
    body: any;
}

export interface FakeResponse {
    status: number;
    headers?: Record<string, string>;
    /** Objects are sent as JSON, strings as-is. */
    body?: unknown;
}

export type FakeHandler = (request: FakeRequest) => FakeResponse | Promise<FakeResponse>;

export interface FakeAwsServer {
    url: string;
    requests: FakeRequest[];
    close(): Promise<void>;
}

export interface FakeLimits {
    /** Past this many requests every answer is a non-retryable error, to stop runaway polling. */
    maxRequests: number;
    /** The server closes itself after this long. */
    lifetimeMs: number;
}

export async function startFakeAws(handler: FakeHandler, limits: Partial<FakeLimits> = {}): Promise<FakeAwsServer> {
    const { maxRequests, lifetimeMs } = { maxRequests: 100, lifetimeMs: 20_000, ...limits };
    const requests: FakeRequest[] = [];
    const server = http.createServer((incoming, outgoing) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("end", () => {
            void (async () => {
                const request = parseRequest(incoming, Buffer.concat(chunks).toString("utf8"));
                requests.push(request);
                let response: FakeResponse;
                if (requests.length > maxRequests) {
                    response = awsError(400, "FakeRequestBudgetExhausted", `fake AWS answered its ${maxRequests} requests; the client is polling too much`);
                } else {
                    try {
                        response = await handler(request);
                    } catch (error) {
                        response = awsError(400, "FakeHandlerFailed", (error as Error).message);
                    }
                }
                send(outgoing, response);
            })();
        });
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => resolve());
    });
    let closed: Promise<void> | undefined;
    const close = () =>
        (closed ??= new Promise<void>((resolve) => {
            clearTimeout(lifetime);
            server.close(() => resolve());
            server.closeAllConnections();
        }));
    const lifetime = setTimeout(() => void close(), lifetimeMs);
    lifetime.unref();
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}`, requests, close };
}

function parseRequest(incoming: http.IncomingMessage, rawBody: string): FakeRequest {
    const path = (incoming.url ?? "/").split("?")[0] ?? "/";
    const method = incoming.method ?? "GET";
    const target = String(incoming.headers["x-amz-target"] ?? "");
    const contentType = String(incoming.headers["content-type"] ?? "");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed body of any AWS operation; each fake handler reads the fields of its own
    let body: any = undefined;
    if (contentType.includes("x-www-form-urlencoded")) {
        body = Object.fromEntries(new URLSearchParams(rawBody));
    } else if (rawBody) {
        try {
            body = JSON.parse(rawBody);
        } catch {
            body = rawBody;
        }
    }
    return { operation: operationOf(method, path, target, body), method, path, headers: incoming.headers, body };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the parsed body of any AWS operation; each fake handler reads the fields of its own
function operationOf(method: string, path: string, target: string, body: any): Operation | undefined {
    if (target.startsWith("AmazonSSM.")) {
        const name = target.slice("AmazonSSM.".length);
        return name === "SendCommand" || name === "GetCommandInvocation" ? name : undefined;
    }
    if (body && typeof body === "object" && typeof body.Action === "string") {
        return body.Action === "GetCallerIdentity" || body.Action === "AssumeRole" ? body.Action : undefined;
    }
    if (method === "GET" && path === "/detector") return "ListDetectors";
    if (method === "POST" && /^\/detector\/[^/]+\/coverage$/.test(path)) return "ListCoverage";
    if (method === "POST" && /^\/detector\/[^/]+\/findings$/.test(path)) return "ListFindings";
    if (method === "POST" && /^\/detector\/[^/]+\/findings\/get$/.test(path)) return "GetFindings";
    return undefined;
}

function send(outgoing: http.ServerResponse, response: FakeResponse): void {
    const isText = typeof response.body === "string";
    const payload = response.body === undefined ? "" : isText ? (response.body as string) : JSON.stringify(response.body);
    outgoing.writeHead(response.status, {
        "content-type": isText ? "text/xml" : "application/json",
        "x-amzn-requestid": `fake-${Math.random().toString(16).slice(2, 10)}`,
        ...response.headers,
    });
    outgoing.end(payload);
}

/** Routes by operation; an operation a scenario did not expect is a non-retryable 400. */
export function routeFake(handlers: Partial<Record<Operation, FakeHandler>>): FakeHandler {
    return (request) => {
        const handler = request.operation ? handlers[request.operation] : undefined;
        return handler
            ? handler(request)
            : awsError(400, "UnexpectedOperation", `fake AWS has no handler for ${request.operation ?? `${request.method} ${request.path}`}`);
    };
}

export function json(body: unknown, status = 200): FakeResponse {
    return { status, body };
}

/** The error shape of REST-JSON and JSON 1.1 services: type in a header and in `__type`. */
export function awsError(status: number, type: string, message: string): FakeResponse {
    return { status, headers: { "x-amzn-errortype": type }, body: { __type: type, message } };
}

export function stsCallerIdentity(arn: string, account: string): FakeResponse {
    return {
        status: 200,
        body:
            `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>` +
            `<Arn>${arn}</Arn><UserId>AROAFAKE:verify</UserId><Account>${account}</Account>` +
            `</GetCallerIdentityResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    };
}

export function stsError(status: number, code: string, message: string): FakeResponse {
    return {
        status,
        body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>`,
    };
}

export interface WireCoverage {
    accountId: string;
    instanceId: string;
    status: "HEALTHY" | "UNHEALTHY";
    issue?: string;
    managementType?: "AUTO_MANAGED" | "MANUAL";
    agentVersion?: string;
    detectorId?: string;
}

/** A coverage item as GuardDuty sends it: camelCase, timestamps in epoch seconds. */
export function wireCoverage(item: WireCoverage, updatedAtEpochSeconds = 1_767_225_600): Record<string, unknown> {
    return {
        resourceId: item.instanceId,
        detectorId: item.detectorId ?? "member-detector",
        accountId: item.accountId,
        coverageStatus: item.status,
        ...(item.issue ? { issue: item.issue } : {}),
        updatedAt: updatedAtEpochSeconds,
        resourceDetails: {
            resourceType: "EC2",
            ec2InstanceDetails: {
                instanceId: item.instanceId,
                instanceType: "t3.small",
                managementType: item.managementType ?? "AUTO_MANAGED",
                ...(item.agentVersion ? { agentDetails: { version: item.agentVersion } } : {}),
            },
        },
    };
}

/**
 * Serves coverage pages in order, chaining them with nextToken, and checks every follow-up
 * request carries the token it was given.
 */
export function pagedCoverage(pages: readonly Record<string, unknown>[][]): FakeHandler {
    return (request) => {
        const token: string | undefined = request.body?.nextToken;
        const index = token === undefined ? 0 : Number(/^page-(\d+)$/.exec(token)?.[1] ?? NaN);
        const page = pages[index];
        if (!page) {
            return awsError(400, "BadRequestException", `unknown nextToken ${String(token)}`);
        }
        return json({ resources: page, ...(index + 1 < pages.length ? { nextToken: `page-${index + 1}` } : {}) });
    };
}

/**
 * The real AWS clients against a fresh loopback server, one pair per test: `start` opens both,
 * and the mocha suite that called this closes them after each of its tests, pass or fail.
 */
export function loopbackPerTest(): {
    start(handler: FakeHandler, limits: Partial<FakeLimits>, access?: Omit<AwsAccessOptions, "baseCredentials" | "endpoint">): Promise<AwsAccess>;
    /** The running server (its requests), once `start` has run in this test. */
    readonly server: FakeAwsServer;
} {
    let server: FakeAwsServer | undefined;
    let aws: AwsAccess | undefined;
    afterEach(async () => {
        aws?.destroy();
        await server?.close();
        server = undefined;
        aws = undefined;
    });
    return {
        async start(handler, limits, access = {}) {
            server = await startFakeAws(handler, limits);
            aws = createAwsAccess({ baseCredentials: FAKE_CREDENTIALS, endpoint: server.url, ...access });
            return aws;
        },
        get server() {
            if (!server) throw new Error("loopbackPerTest: start() has not run in this test");
            return server;
        },
    };
}
