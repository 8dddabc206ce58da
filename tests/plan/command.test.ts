import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { planNodeArgs } from "../../tools/plan/command";
import { PROJECT_DIR } from "../helpers/offline";

function withPlanScript(script: unknown): string {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-plan-script-"));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ scripts: { plan: script } }));
    return dir;
}

describe("how npm run plan starts (tools/plan/command.ts)", () => {
    it("gives the bench and the tests the project's own plan script, entry point included", () => {
        const args = planNodeArgs(PROJECT_DIR);
        assert.ok(args.includes("tools/plan/main.ts"), args.join(" "));
        assert.deepEqual(planNodeArgs(withPlanScript("node  -r ./x.js   main.ts ")), ["-r", "./x.js", "main.ts"]);
    });

    it("refuses a script it could not run as npm runs it, naming it", () => {
        for (const script of [
            "ts-node --transpile-only tools/plan/main.ts",
            "node",
            "node main.ts && echo done",
            "NODE_OPTIONS='-r x' node main.ts",
            undefined,
        ]) {
            assert.throws(() => planNodeArgs(withPlanScript(script)), /"plan" script must be `node <arguments>`/, String(script));
        }
    });
});
