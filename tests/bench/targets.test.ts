import * as assert from "node:assert/strict";
import { Targets } from "../../bench/targets";

// The bench's wording, not its timings: a figure past its target must be called MISSED, by name.
describe("npm run bench targets", () => {
    it("marks each figure met or MISSED in the direction of its target, limits included", () => {
        const targets = new Targets();
        assert.equal(targets.check("plan wall", 3000, "≤", 3000, "ms"), "(target ≤ 3000 ms: met)");
        assert.equal(targets.check("plan wall again", 3001, "≤", 3000, "ms"), "(target ≤ 3000 ms: MISSED)");
        assert.equal(targets.check("speed-up", 4, "≥", 4, "x"), "(target ≥ 4.0x: met)");
        assert.equal(targets.check("speed-up again", 3.96, "≥", 4, "x"), "(target ≥ 4.0x: MISSED)");
        assert.deepEqual(
            targets.missed.map((t) => t.name),
            ["plan wall again", "speed-up again"],
        );
    });

    it("closes by naming every missed target with its figure and target", () => {
        const targets = new Targets();
        targets.check("policy evaluation", 400, "≤", 1000, "ms");
        targets.check("policy pack start-up", 5230.4, "≤", 4000, "ms");
        targets.check("transpile-only speed-up", 2.5, "≥", 4, "x");
        const summary = targets.summary();
        assert.equal(summary[0], "Targets: 2 of 3 MISSED:");
        assert.deepEqual(summary.slice(1, 3), ["  - policy pack start-up: 5230 ms, target ≤ 4000 ms", "  - transpile-only speed-up: 2.5x, target ≥ 4.0x"]);
        assert.ok(!summary.join("\n").includes("policy evaluation"), "met targets are not listed as missed");
    });

    it("says all were met when none was missed", () => {
        const targets = new Targets();
        targets.check("a", 1, "≤", 2, "ms");
        targets.check("b", 5, "≥", 4, "x");
        assert.deepEqual(targets.summary(), ["Targets: all 2 met."]);
    });
});
