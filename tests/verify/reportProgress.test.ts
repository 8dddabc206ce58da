import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import type { CoverageCheck } from "../../tools/verify/coverage";
import { hintForIssue, ISSUE_HINTS } from "../../tools/verify/issueHints";
import { createProgress, formatDuration } from "../../tools/verify/progress";
import { renderText, summaryLine } from "../../tools/verify/report";
import { PARTICIPANT_ACCOUNT, REGION } from "./support/fixtures";

function fakeStream(isTTY: boolean): PassThrough & { isTTY: boolean; columns: number; text(): string } {
    const stream = new PassThrough() as PassThrough & { isTTY: boolean; columns: number; text(): string };
    let written = "";
    stream.on("data", (chunk: Buffer) => (written += chunk.toString("utf8")));
    stream.isTTY = isTTY;
    stream.columns = 120;
    stream.text = () => written;
    return stream;
}

describe("progress display", () => {
    it("prints one plain timestamped line per update when stdout is not a terminal, even if stderr is", async () => {
        const stderr = fakeStream(true);
        const progress = createProgress({ stdout: { isTTY: false }, stderr }, () => new Date("2026-01-01T10:20:30Z"));

        progress.begin("Waiting for GuardDuty agents", 3);
        progress.update(1, "1/3 HEALTHY");
        progress.update(3, "3/3 HEALTHY");
        progress.end();
        await new Promise((resolve) => setImmediate(resolve));

        assert.equal(stderr.text(), "[10:20:30] Waiting for GuardDuty agents: 1/3 HEALTHY\n[10:20:30] Waiting for GuardDuty agents: 3/3 HEALTHY\n");
    });

    it("draws a redrawn bar with terminal control codes only when both streams are terminals", async () => {
        const stderr = fakeStream(true);
        const progress = createProgress({ stdout: { isTTY: true }, stderr });

        progress.begin("Waiting for GuardDuty agents", 3);
        progress.update(2, "2/3 HEALTHY");
        progress.end();
        await new Promise((resolve) => setImmediate(resolve));

        const output = stderr.text();
        assert.match(output, /Waiting for GuardDuty agents \|.*\| 2\/3 HEALTHY/);
        assert.ok(output.includes("\u001b["), "a TTY bar moves the cursor with escape codes");
    });

    it("formats durations without rounding minutes away", () => {
        assert.deepEqual([0, 999, 12_000, 90_000, 605_000, 3_720_000].map(formatDuration), ["0s", "1s", "12s", "1m30s", "10m05s", "1h02m"]);
    });
});

describe("text report", () => {
    const check: CoverageCheck = {
        checkedAt: new Date("2026-01-01T00:00:00Z"),
        detectors: [{ region: REGION, detectorId: "det-1" }],
        instances: [
            { participantAccountId: PARTICIPANT_ACCOUNT, region: REGION, name: "web-a", instanceId: "i-1", status: "NOT_FOUND" },
            { participantAccountId: PARTICIPANT_ACCOUNT, region: REGION, name: "web-b", instanceId: "i-2", status: "NOT_FOUND" },
        ],
    };

    it("summarises as '<n> expected: <h> HEALTHY, <u> UNHEALTHY, <m> NOT FOUND'", () => {
        assert.equal(summaryLine(check.instances), "2 expected: 0 HEALTHY, 0 UNHEALTHY, 2 NOT FOUND");
    });

    it("suspects the wrong account or region when nothing at all is found", () => {
        const text = renderText({ ...check, exitCode: 1 });

        assert.match(text, /NOT FOUND for every instance: check these are the delegated administrator's \(audit account's\) credentials/);
    });

    it("has a hint for every documented issue text, and each example reaches its own hint", () => {
        for (const entry of ISSUE_HINTS) {
            assert.equal(hintForIssue(entry.example), entry.hint, `"${entry.example}" is caught by an earlier, less specific pattern`);
        }
        assert.equal(hintForIssue("Something GuardDuty has never said"), undefined);
        assert.equal(hintForIssue(undefined), undefined);
    });

    it("is documented in docs/verify.md for every issue text it has a hint for", () => {
        const docs = readFileSync(path.join(__dirname, "..", "..", "docs", "verify.md"), "utf8");

        for (const entry of ISSUE_HINTS) {
            assert.ok(docs.includes(`| \`${entry.example}\` | ${entry.hint} |`), `docs/verify.md lacks the row for "${entry.example}"`);
        }
    });
});
