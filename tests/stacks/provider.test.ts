import * as assert from "node:assert/strict";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { auditOutputs, expectConfigError, runStack, fixtureConfig, single, withConfig } from "../helpers/offline";

const PROVIDER = "pulumi:providers:aws";
const STACKS = ["management", "audit", "owner", "participant"] as const;

// Only the default provider reads `aws:*` stack config; the program's explicit, pinned provider
// must be handed `aws:profile` or a user's per-stack profile is silently ignored.
describe("the pinned provider and per-account credentials (aws:profile, assumeRoleArn)", () => {
    let ownerOutputs: Record<string, unknown>;
    const run = (stack: string, changes: Record<string, unknown>): Promise<OfflineStackRun> =>
        runStack(stack, withConfig(fixtureConfig(stack), changes), { audit: auditOutputs("manual"), owner: ownerOutputs });

    before(async () => {
        ownerOutputs = (await runStack("owner", fixtureConfig("owner"))).outputs;
    });

    for (const stack of STACKS) {
        it(`${stack}: the provider uses the profile named by aws:profile`, async () => {
            const provider = single(await run(stack, { "aws:profile": `deploy-${stack}` }), PROVIDER);
            assert.equal(provider.inputs.profile, `deploy-${stack}`);
        });
    }

    it("without aws:profile the provider names no profile, so AWS_PROFILE or the default credential chain decides", async () => {
        const provider = single(await run("owner", {}), PROVIDER);
        assert.equal("profile" in provider.inputs, false, JSON.stringify(provider.inputs));
    });

    it("with aws:profile and assumeRoleArn, the profile's credentials assume the role, still pinned to the account", async () => {
        const roleArn = "arn:aws:iam::444444444444:role/pulumi-deploy";
        const provider = single(await run("participant", { "aws:profile": "ci-base", assumeRoleArn: roleArn }), PROVIDER);
        assert.equal(provider.inputs.profile, "ci-base");
        const assumeRoles = JSON.parse(String(provider.inputs.assumeRoles));
        assert.deepEqual(
            assumeRoles.map((r: { roleArn: string }) => r.roleArn),
            [roleArn],
        );
        assert.equal(assumeRoles[0].sessionName, "pulumi-participant");
        assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), ["444444444444"]);
    });

    it("profile names with the characters AWS CLI profiles use are accepted", async () => {
        for (const profile of ["prod", "AWSAdministratorAccess-111111111111", "team.sec@org+ci_1"]) {
            const provider = single(await run("management", { "aws:profile": profile }), PROVIDER);
            assert.equal(provider.inputs.profile, profile);
        }
    });

    const refused: Array<[string, string]> = [
        ["an empty profile (it would mean the default profile, silently)", ""],
        ["a profile with a space", "my profile"],
        ["a profile written as its ~/.aws/config section", "[profile prod]"],
        ["a profile with a trailing newline", "prod\n"],
    ];
    for (const [name, profile] of refused) {
        it(`refuses ${name}, naming aws:profile, before any resource is registered`, async () => {
            await expectConfigError(() => run("owner", { "aws:profile": profile }), "aws:profile", "AWS CLI profile name");
        });
    }
});
