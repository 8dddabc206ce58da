import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
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

describe("npm run plan's command line answers before the plan loads", function () {
    this.timeout(60_000);
    // Preloaded into the plan's process: says at exit whether any module of the Pulumi SDK was loaded.
    const probe = path.join(mkdtempSync(path.join(tmpdir(), "gdsv-plan-probe-")), "probe.js");
    writeFileSync(
        probe,
        'process.on("exit", () => { if (Object.keys(require.cache).some((file) => /[\\\\/]node_modules[\\\\/]@pulumi[\\\\/]/.test(file))) process.stderr.write("PULUMI-SDK-LOADED\\n"); });\n',
    );
    const runPlan = (...args: string[]) =>
        spawnSync(process.execPath, ["-r", probe, ...planNodeArgs(PROJECT_DIR), ...args], { cwd: PROJECT_DIR, encoding: "utf8" });

    it("prints --help and refuses an unknown option without loading the Pulumi SDK", () => {
        const help = runPlan("--help");
        assert.equal(help.status, 0, help.stderr);
        assert.match(help.stdout, /--no-policies/);
        assert.doesNotMatch(help.stderr, /PULUMI-SDK-LOADED/);
        const usage = runPlan("--bogus");
        assert.equal(usage.status, 2);
        assert.match(usage.stderr, /^plan: unknown option '--bogus'/);
        assert.doesNotMatch(usage.stderr, /PULUMI-SDK-LOADED/);
    });

    it("loads it for a plan (the probe sees the SDK when it is there)", () => {
        const planned = runPlan("--json", "--no-policies", "--stack", "management");
        assert.equal(planned.status, 0, planned.stderr);
        assert.match(planned.stderr, /PULUMI-SDK-LOADED/);
    });
});
