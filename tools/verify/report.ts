/**
 * The report, as text for people and as JSON for pipelines.
 *
 * The JSON shape is a contract for CI consumers: every key is always present (null when unknown)
 * and `schemaVersion` changes if a key is renamed or removed.
 */
import { countStatuses, type CoverageCheck, type InstanceCoverage, type InstanceStatus } from "./coverage";
import type { ExitCode, VerifyError } from "./errors";
import { hintForIssue } from "./issueHints";
import { formatDuration } from "./progress";
import { TEST_DOMAIN, type TestFindingResult } from "./testFinding";

export const REPORT_SCHEMA_VERSION = 1;

export interface VerifyReport extends CoverageCheck {
    testFinding?: TestFindingResult;
    exitCode: ExitCode;
}

export interface InstanceJson {
    participantAccountId: string;
    region: string;
    name: string;
    instanceId: string;
    status: InstanceStatus;
    managementType: string | null;
    issue: string | null;
    agentVersion: string | null;
    instanceType: string | null;
    updatedAt: string | null;
}

export interface TestFindingJson {
    participantAccountId: string;
    instanceName: string;
    instanceId: string;
    triggeredAt: string;
    commandId: string;
    commandStatus: string;
    found: boolean;
    waitedSeconds: number;
    finding: { id: string; type: string; severity: number | null; title: string | null; updatedAt: string | null } | null;
}

export interface VerifyReportJson {
    schemaVersion: typeof REPORT_SCHEMA_VERSION;
    ok: boolean;
    exitCode: ExitCode;
    checkedAt: string;
    summary: { expected: number; healthy: number; unhealthy: number; notFound: number };
    detectors: { region: string; detectorId: string }[];
    instances: InstanceJson[];
    testFinding: TestFindingJson | null;
}

export interface VerifyErrorJson {
    schemaVersion: typeof REPORT_SCHEMA_VERSION;
    ok: false;
    exitCode: ExitCode;
    error: { kind: string; message: string };
}

export function reportToJson(report: VerifyReport): VerifyReportJson {
    const counts = countStatuses(report.instances);
    return {
        schemaVersion: REPORT_SCHEMA_VERSION,
        ok: report.exitCode === 0,
        exitCode: report.exitCode,
        checkedAt: report.checkedAt.toISOString(),
        summary: { expected: report.instances.length, healthy: counts.HEALTHY, unhealthy: counts.UNHEALTHY, notFound: counts.NOT_FOUND },
        detectors: report.detectors.map(({ region, detectorId }) => ({ region, detectorId })),
        instances: report.instances.map(instanceToJson),
        testFinding: report.testFinding ? testFindingToJson(report.testFinding) : null,
    };
}

function instanceToJson(instance: InstanceCoverage): InstanceJson {
    return {
        participantAccountId: instance.participantAccountId,
        region: instance.region,
        name: instance.name,
        instanceId: instance.instanceId,
        status: instance.status,
        managementType: instance.managementType ?? null,
        issue: instance.issue ?? null,
        agentVersion: instance.agentVersion ?? null,
        instanceType: instance.instanceType ?? null,
        updatedAt: instance.updatedAt?.toISOString() ?? null,
    };
}

function testFindingToJson(result: TestFindingResult): TestFindingJson {
    return {
        participantAccountId: result.instance.participantAccountId,
        instanceName: result.instance.name,
        instanceId: result.instance.instanceId,
        triggeredAt: result.triggeredAt.toISOString(),
        commandId: result.commandId,
        commandStatus: result.commandStatus,
        found: result.found,
        waitedSeconds: Math.round(result.waitedMs / 1000),
        finding: result.finding
            ? {
                  id: result.finding.id,
                  type: result.finding.type,
                  severity: result.finding.severity ?? null,
                  title: result.finding.title ?? null,
                  updatedAt: result.finding.updatedAt ?? null,
              }
            : null,
    };
}

export function errorToJson(error: VerifyError): VerifyErrorJson {
    return { schemaVersion: REPORT_SCHEMA_VERSION, ok: false, exitCode: error.exitCode, error: { kind: error.kind, message: error.message } };
}

export function summaryLine(instances: readonly InstanceCoverage[]): string {
    const counts = countStatuses(instances);
    return `${instances.length} expected: ${counts.HEALTHY} HEALTHY, ${counts.UNHEALTHY} UNHEALTHY, ${counts.NOT_FOUND} NOT FOUND`;
}

export const STATUS_TEXT: Record<InstanceStatus, string> = { HEALTHY: "HEALTHY", UNHEALTHY: "UNHEALTHY", NOT_FOUND: "NOT FOUND" };

export function renderText(report: VerifyReport): string {
    const lines: string[] = [];
    const detectors = report.detectors.map(({ region, detectorId }) => `${detectorId} in ${region}`).join(", ");
    lines.push(`GuardDuty Runtime Monitoring coverage for EC2 — audit detector ${detectors}, checked ${report.checkedAt.toISOString()}`, "");
    lines.push(
        ...table(
            ["PARTICIPANT ACCOUNT", "INSTANCE", "INSTANCE ID", "STATUS", "MANAGEMENT", "ISSUE"],
            report.instances.map((instance) => [
                instance.participantAccountId,
                instance.name,
                instance.instanceId,
                STATUS_TEXT[instance.status],
                instance.managementType ?? "-",
                instance.issue ?? (instance.status === "NOT_FOUND" ? "not in GuardDuty's coverage list" : "-"),
            ]),
        ),
    );
    lines.push("", summaryLine(report.instances));

    const hints = hintsFor(report.instances);
    if (hints.length > 0) {
        lines.push("", "What to look at:", ...hints.map((hint) => `  - ${hint}`));
    }
    if (report.testFinding) {
        lines.push("", ...renderTestFinding(report.testFinding));
    }
    return `${lines.join("\n")}\n`;
}

function hintsFor(instances: readonly InstanceCoverage[]): string[] {
    const hints: string[] = [];
    const seen = new Set<string>();
    for (const instance of instances) {
        const hint = hintForIssue(instance.issue);
        if (hint && !seen.has(hint)) {
            seen.add(hint);
            hints.push(`${instance.issue}: ${hint}`);
        }
    }
    const notFound = instances.filter((instance) => instance.status === "NOT_FOUND");
    if (notFound.length > 0) {
        hints.push(
            notFound.length === instances.length
                ? "NOT FOUND for every instance: check these are the delegated administrator's (audit account's) credentials — other accounts only see their own resources — and the region; new instances take a few minutes to appear (use --wait 15m)."
                : "NOT FOUND: GuardDuty has not seen the instance yet (new instances take a few minutes; use --wait 15m), or the instance is stopped/terminated, or Runtime Monitoring is not enabled for that account.",
        );
    }
    return hints;
}

function renderTestFinding(result: TestFindingResult): string[] {
    const { instance } = result;
    const lines = [
        "Test finding (created on purpose by --trigger-test-finding; harmless, archive it when done):",
        `  instance     ${instance.name} (${instance.instanceId}) in ${instance.participantAccountId}`,
        `  SSM command  ${result.commandId}: ${result.commandStatus}${result.commandOutput ? ` — ${result.commandOutput.split("\n").pop()}` : ""}`,
    ];
    if (result.found && result.finding) {
        const finding = result.finding;
        lines.push(
            `  finding      FOUND ${finding.type} (severity ${finding.severity ?? "?"}) after ${formatDuration(result.waitedMs)}`,
            `               id ${finding.id}${finding.updatedAt ? `, updated ${finding.updatedAt}` : ""}`,
        );
    } else if (result.commandStatus !== "Success") {
        lines.push(`  finding      NOT TRIGGERED: the DNS lookup of ${TEST_DOMAIN} did not run successfully, so no finding can be expected.`);
    } else {
        lines.push(
            `  finding      NOT FOUND within ${formatDuration(result.waitedMs)} (${result.findingChecks} check(s)). Runtime findings usually arrive within minutes of a HEALTHY agent seeing the lookup;`,
            "               check the instance is HEALTHY above and retry with a longer --finding-timeout.",
        );
    }
    return lines;
}

function table(header: string[], rows: string[][]): string[] {
    const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
    const format = (row: string[]) =>
        row
            .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
            .join("  ")
            .trimEnd();
    return [format(header), ...rows.map(format)];
}
