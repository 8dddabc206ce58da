/** A measured figure and the target it is held to. */
export interface TargetResult {
    name: string;
    measured: number;
    comparison: "≤" | "≥";
    limit: number;
    unit: string;
    met: boolean;
}

const figure = (value: number, unit: string) => (unit === "ms" ? `${value.toFixed(0)} ms` : `${value.toFixed(1)}${unit}`);

/**
 * The bench's targets, recorded as each figure is measured, so the end of the run can say in
 * one place which were missed instead of leaving the reader to compare numbers line by line.
 */
export class Targets {
    private readonly results: TargetResult[] = [];

    /** Records `measured` against its target and returns the text to print beside the figure. */
    check(name: string, measured: number, comparison: "≤" | "≥", limit: number, unit: string): string {
        const met = comparison === "≤" ? measured <= limit : measured >= limit;
        this.results.push({ name, measured, comparison, limit, unit, met });
        return `(target ${comparison} ${figure(limit, unit)}: ${met ? "met" : "MISSED"})`;
    }

    get missed(): readonly TargetResult[] {
        return this.results.filter((result) => !result.met);
    }

    /** The closing lines: every target met, or each missed one with its figure and target. */
    summary(): string[] {
        const missed = this.missed;
        if (missed.length === 0) return [`Targets: all ${this.results.length} met.`];
        return [
            `Targets: ${missed.length} of ${this.results.length} MISSED:`,
            ...missed.map((r) => `  - ${r.name}: ${figure(r.measured, r.unit)}, target ${r.comparison} ${figure(r.limit, r.unit)}`),
            "(Figures vary with machine load; re-run on an idle machine before treating a miss as a regression.)",
        ];
    }
}
