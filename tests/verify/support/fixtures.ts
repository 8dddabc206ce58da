/** Shared test data and fakes for the verify tests; nothing here talks to AWS. */
import type { ParticipantOutputs } from "guardduty-shared-vpc-contract";
import type { Clock } from "../../../tools/verify/coverage";
import type { PulumiStacks } from "../../../tools/verify/expected";
import type { ProgressReporter } from "../../../tools/verify/progress";

// The example accounts of this project's Pulumi.<stack>.yaml files: audit, participant, participant-b.
export const AUDIT_ACCOUNT = "222222222222";
export const PARTICIPANT_ACCOUNT = "444444444444";
export const OTHER_PARTICIPANT_ACCOUNT = "555555555555";
export const REGION = "us-east-1";
export const DETECTOR_ID = "12abc34d567e8fa901bc2d34e56789f0";
export const AUDIT_ROLE_ARN = `arn:aws:iam::${AUDIT_ACCOUNT}:role/GuardDutyVerify`;
export const AUDIT_CALLER_ARN = `arn:aws:sts::${AUDIT_ACCOUNT}:assumed-role/GuardDutyVerify/guardduty-shared-vpc-verify`;
export const PARTICIPANT_CALLER_ARN = `arn:aws:sts::${PARTICIPANT_ACCOUNT}:assumed-role/GuardDutyVerify/guardduty-shared-vpc-verify`;

export const FAKE_CREDENTIALS = { accessKeyId: "AKIAFAKEFAKEFAKEFAKE", secretAccessKey: "fake-secret-for-tests-only" };

export const INSTANCES = [
    { name: "web-a", id: "i-0aaaaaaaaaaaaaaa1", subnet: "app-a", azId: "use1-az1" },
    { name: "web-b", id: "i-0bbbbbbbbbbbbbbb2", subnet: "app-b", azId: "use1-az2" },
    { name: "batch", id: "i-0ccccccccccccccc3", subnet: "app-a", azId: "use1-az1" },
];

export function participantOutputs(overrides: Partial<ParticipantOutputs> = {}): ParticipantOutputs {
    const instances = overrides.instances ?? INSTANCES;
    return {
        participantAccountId: PARTICIPANT_ACCOUNT,
        region: REGION,
        ownerStack: "organization/guardduty-shared-vpc/owner",
        agentManagement: "manual",
        instanceIds: instances.map((instance) => instance.id),
        instances,
        instanceSecurityGroupId: "sg-0123456789abcdef0",
        agentAssociationId: "3f2a1b4c-0000-4000-8000-000000000000",
        ...overrides,
    };
}

export function outputsFileReader(files: Record<string, string>): (file: string) => Promise<string> {
    return async (file) => {
        const text = files[file];
        if (text === undefined) {
            throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: "ENOENT" });
        }
        return text;
    };
}

/** A Pulumi stand-in for tests that must never reach the Automation API. */
export const noPulumi: PulumiStacks = {
    cli: () => Promise.reject(new Error("test must not use the Pulumi CLI")),
    outputs: () => Promise.reject(new Error("test must not use the Pulumi CLI")),
};

export interface FakeClock extends Clock {
    sleeps: number[];
}

/** Time moves only when the code under test sleeps, so waits are instant and deterministic. */
export function fakeClock(start = Date.parse("2026-01-01T00:00:00Z")): FakeClock {
    let current = start;
    const sleeps: number[] = [];
    return {
        sleeps,
        now: () => current,
        sleep: async (milliseconds) => {
            sleeps.push(milliseconds);
            current += milliseconds;
        },
    };
}

export class RecordingProgress implements ProgressReporter {
    readonly events: string[] = [];
    begin(title: string, total: number): void {
        this.events.push(`begin ${title} /${total}`);
    }
    update(value: number, detail: string): void {
        this.events.push(`update ${value} ${detail}`);
    }
    end(): void {
        this.events.push("end");
    }
}

export function capture(): { out: string[]; err: string[]; stdout: (text: string) => void; stderr: (text: string) => void } {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, stdout: (text) => void out.push(text), stderr: (text) => void err.push(text) };
}
