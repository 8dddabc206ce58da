/**
 * Progress while waiting for agents or for the test finding.
 *
 * Progress goes to stderr so `--json` output on stdout stays parseable. A redrawn bar only makes
 * sense for a person at a terminal; in CI logs or when either stream is redirected it would turn
 * into escape-code noise, so it degrades to one plain line per poll.
 */
import { SingleBar } from "cli-progress";

export interface ProgressReporter {
    begin(title: string, total: number): void;
    /** `detail` must make sense on its own, because plain-line mode prints nothing else. */
    update(value: number, detail: string): void;
    end(): void;
}

export interface ProgressStreams {
    stdout: { isTTY?: boolean };
    stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createProgress(streams: ProgressStreams, timestamp: () => Date = () => new Date()): ProgressReporter {
    return streams.stdout.isTTY && streams.stderr.isTTY
        ? new BarProgress(streams.stderr)
        : new LineProgress((line) => streams.stderr.write(`${line}\n`), timestamp);
}

export class LineProgress implements ProgressReporter {
    private title = "";

    constructor(
        private readonly writeLine: (line: string) => void,
        private readonly timestamp: () => Date = () => new Date(),
    ) {}

    begin(title: string): void {
        this.title = title;
    }

    update(_value: number, detail: string): void {
        this.writeLine(`[${this.timestamp().toISOString().slice(11, 19)}] ${this.title}: ${detail}`);
    }

    end(): void {}
}

class BarProgress implements ProgressReporter {
    private bar: SingleBar | undefined;

    constructor(private readonly stream: NodeJS.WritableStream) {}

    begin(title: string, total: number): void {
        this.bar = new SingleBar({
            stream: this.stream,
            format: `${title} |{bar}| {detail}`,
            barsize: 20,
            hideCursor: true,
            clearOnComplete: false,
            // Redraws only on update: the interesting changes arrive with each poll, not with time.
            fps: 2,
        });
        this.bar.start(Math.max(total, 1), 0, { detail: "starting…" });
    }

    update(value: number, detail: string): void {
        this.bar?.update(value, { detail });
    }

    end(): void {
        this.bar?.stop();
        this.bar = undefined;
    }
}

/** "1h2m", "4m05s", "12s": compact, and unlike `ms()` it does not round 90s up to "2m". */
export function formatDuration(milliseconds: number): string {
    const totalSeconds = Math.max(0, Math.round(milliseconds / 1000));
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    if (hours > 0) {
        return `${hours}h${String(minutes).padStart(2, "0")}m`;
    }
    if (minutes > 0) {
        return `${minutes}m${String(seconds).padStart(2, "0")}s`;
    }
    return `${seconds}s`;
}
