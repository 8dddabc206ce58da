/**
 * Canned fake-AWS scenarios for running the real CLI end to end: used by the child-process tests
 * and by `demo.ts`, which produces the example output in docs/verify.md.
 */
import type { ParticipantOutputs } from "guardduty-shared-vpc-contract";
import { awsError, json, pagedCoverage, routeFake, stsCallerIdentity, stsError, wireCoverage, type FakeHandler, type WireCoverage } from "./fakeAws";
import {
    AUDIT_ACCOUNT,
    AUDIT_CALLER_ARN,
    DETECTOR_ID,
    OTHER_PARTICIPANT_ACCOUNT,
    PARTICIPANT_ACCOUNT,
    PARTICIPANT_CALLER_ARN,
    participantOutputs,
    REGION,
} from "./fixtures";

export const SCENARIOS = ["healthy", "unhealthy", "waiting", "test-finding", "assume-role-denied", "coverage-denied"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/**
 * The project's example participants (Pulumi.participant.yaml under agentManagement manual, so MANUAL
 * management, and Pulumi.participant-b.yaml with `agent: automated`), one extra instance added so
 * every status shows up, as the `pulumi stack output --json` files an operator would pass.
 */
export const DEMO_OUTPUTS_FILES: Record<string, ParticipantOutputs> = {
    "participant.json": participantOutputs({
        instances: [
            { name: "app-1", id: "i-0a1b2c3d4e5f60001", subnet: "workloads-a", azId: "use1-az1" },
            { name: "app-2", id: "i-0a1b2c3d4e5f60002", subnet: "workloads-b", azId: "use1-az2" },
            { name: "app-3", id: "i-0a1b2c3d4e5f60003", subnet: "workloads-a", azId: "use1-az1" },
        ],
    }),
    "participant-b.json": (() => {
        const { agentAssociationId: _none, ...automated } = participantOutputs({
            participantAccountId: OTHER_PARTICIPANT_ACCOUNT,
            instances: [{ name: "batch-1", id: "i-0f9e8d7c6b5a40001", subnet: "batch-b", azId: "use1-az2" }],
            instanceSecurityGroupId: "sg-0fedcba9876543210",
        });
        return automated;
    })(),
};

const [app1, app2, app3] = DEMO_OUTPUTS_FILES["participant.json"]!.instances.map((instance) => instance.id) as [string, string, string];
const batch1 = DEMO_OUTPUTS_FILES["participant-b.json"]!.instances[0]!.id;

const healthy = (accountId: string, instanceId: string, managementType: WireCoverage["managementType"]): WireCoverage => ({
    accountId,
    instanceId,
    status: "HEALTHY",
    managementType,
    agentVersion: "1.9.0",
});
const app = (instanceId: string) => healthy(PARTICIPANT_ACCOUNT, instanceId, "MANUAL");
const batch = () => healthy(OTHER_PARTICIPANT_ACCOUNT, batch1, "AUTO_MANAGED");
const waitingForSsm = (instanceId: string): WireCoverage => ({
    accountId: PARTICIPANT_ACCOUNT,
    instanceId,
    status: "UNHEALTHY",
    managementType: "MANUAL",
    issue: "No Agent Reporting: Waiting for SSM notification",
});

/** Two pages, so pagination is exercised even in the demo. */
const allHealthyPages = () =>
    pagedCoverage([
        [wireCoverage(app(app1)), wireCoverage(batch())],
        [wireCoverage(app(app2)), wireCoverage(app(app3))],
    ]);

const detectors: FakeHandler = () => json({ detectorIds: [DETECTOR_ID] });
const auditIdentity: FakeHandler = () => stsCallerIdentity(AUDIT_CALLER_ARN, AUDIT_ACCOUNT);

export function scenario(name: ScenarioName): FakeHandler {
    switch (name) {
        case "healthy":
            return routeFake({ ListDetectors: detectors, ListCoverage: allHealthyPages(), GetCallerIdentity: auditIdentity });
        case "unhealthy":
            return routeFake({
                ListDetectors: detectors,
                GetCallerIdentity: auditIdentity,
                ListCoverage: pagedCoverage([
                    [wireCoverage(app(app1))],
                    [
                        wireCoverage(waitingForSsm(app2)),
                        wireCoverage({
                            accountId: OTHER_PARTICIPANT_ACCOUNT,
                            instanceId: batch1,
                            status: "UNHEALTHY",
                            managementType: "AUTO_MANAGED",
                            issue: "VPC endpoint creation not supported for shared VPC vpc-0f1e2d3c4b5a69788",
                        }),
                    ],
                ]),
            });
        case "waiting": {
            let checks = 0;
            const healthyNow = allHealthyPages();
            return routeFake({
                ListDetectors: detectors,
                GetCallerIdentity: auditIdentity,
                ListCoverage: (request) => {
                    // Page requests carry a nextToken; count whole checks only.
                    if (!request.body?.nextToken) checks += 1;
                    if (checks >= 3) return healthyNow(request);
                    return json({
                        resources: [
                            wireCoverage(app(app1)),
                            wireCoverage(waitingForSsm(app2)),
                            ...(checks >= 2 ? [wireCoverage(app(app3)), wireCoverage(batch())] : []),
                        ],
                    });
                },
            });
        }
        case "test-finding": {
            let invocationChecks = 0;
            let findingChecks = 0;
            return routeFake({
                ListDetectors: detectors,
                ListCoverage: allHealthyPages(),
                // Only the participant principal asks who it is on the happy path.
                GetCallerIdentity: () => stsCallerIdentity(PARTICIPANT_CALLER_ARN, PARTICIPANT_ACCOUNT),
                SendCommand: (request) =>
                    request.body?.DocumentName === "AWS-RunShellScript" && request.body?.InstanceIds?.[0] === app1
                        ? json({ Command: { CommandId: "5e8f1c2a-7b3d-4e9f-a1b2-c3d4e5f60718", DocumentName: "AWS-RunShellScript", Status: "Pending" } })
                        : awsError(400, "InvalidInstanceId", "unexpected SendCommand request"),
                GetCommandInvocation: (request) =>
                    ++invocationChecks === 1
                        ? json({ CommandId: request.body.CommandId, InstanceId: request.body.InstanceId, Status: "InProgress", StatusDetails: "InProgress" })
                        : json({
                              CommandId: request.body.CommandId,
                              InstanceId: request.body.InstanceId,
                              Status: "Success",
                              StatusDetails: "Success",
                              ResponseCode: 0,
                              StandardOutputContent: "203.0.113.10\nresolved guarddutyc2activityb.com with getent\n",
                          }),
                ListFindings: () => json({ findingIds: ++findingChecks >= 2 ? ["9ec7a1b2c3d4e5f60718293a4b5c6d7e"] : [] }),
                GetFindings: () => {
                    // GuardDuty stamps the finding when it sees the lookup, i.e. just now.
                    const seenAt = new Date().toISOString();
                    return json({
                        findings: [
                            {
                                accountId: PARTICIPANT_ACCOUNT,
                                arn: `arn:aws:guardduty:${REGION}:${AUDIT_ACCOUNT}:detector/${DETECTOR_ID}/finding/9ec7a1b2c3d4e5f60718293a4b5c6d7e`,
                                createdAt: seenAt,
                                updatedAt: seenAt,
                                id: "9ec7a1b2c3d4e5f60718293a4b5c6d7e",
                                region: REGION,
                                schemaVersion: "2.0",
                                severity: 8,
                                title: `A process on EC2 instance ${app1} queried a C&C domain.`,
                                type: "Backdoor:Runtime/C&CActivity.B!DNS",
                                resource: { resourceType: "Instance", instanceDetails: { instanceId: app1 } },
                                service: {
                                    serviceName: "guardduty",
                                    detectorId: DETECTOR_ID,
                                    count: 1,
                                    featureName: "RuntimeMonitoring",
                                    additionalInfo: { value: "{}", type: "default" },
                                },
                            },
                        ],
                    });
                },
            });
        }
        case "assume-role-denied":
            return routeFake({
                AssumeRole: () =>
                    stsError(
                        403,
                        "AccessDenied",
                        `User: arn:aws:iam::${AUDIT_ACCOUNT}:user/ci is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${AUDIT_ACCOUNT}:role/GuardDutyVerify`,
                    ),
            });
        case "coverage-denied":
            return routeFake({
                ListDetectors: detectors,
                GetCallerIdentity: auditIdentity,
                ListCoverage: () =>
                    awsError(
                        403,
                        "AccessDeniedException",
                        `User: ${AUDIT_CALLER_ARN} is not authorized to perform: guardduty:ListCoverage on resource: arn:aws:guardduty:${REGION}:${AUDIT_ACCOUNT}:detector/${DETECTOR_ID}`,
                    ),
            });
    }
}
