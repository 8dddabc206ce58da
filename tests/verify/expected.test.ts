import * as assert from "node:assert/strict";
import { StackNotFoundError, type OutputMap, type PulumiCommand } from "@pulumi/pulumi/automation";
import { VerifyError } from "../../tools/verify/errors";
import { automationApi, loadExpectedInstances, readStackOutputs, type PulumiStacks } from "../../tools/verify/expected";
import { INSTANCES, noPulumi, outputsFileReader, PARTICIPANT_ACCOUNT, participantOutputs, REGION } from "./support/fixtures";

const fakeCli = {} as PulumiCommand;

function pulumiWithStacks(stacks: Record<string, Record<string, unknown>>): PulumiStacks & { selected: string[] } {
    const selected: string[] = [];
    return {
        selected,
        cli: async () => fakeCli,
        outputs: async (stackName, workDir) => {
            selected.push(`${stackName}@${workDir}`);
            const outputs = stacks[stackName];
            if (!outputs) {
                // What the Automation API throws for `pulumi stack select` of a missing stack.
                throw new StackNotFoundError(`code: 255\n stdout: \n stderr: error: no stack named '${stackName}' found\n err?: \n`);
            }
            return Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { value, secret: false }])) as OutputMap;
        },
    };
}

async function configError(promise: Promise<unknown>): Promise<VerifyError> {
    const error = await promise.then(
        () => assert.fail("expected a configuration error"),
        (caught: unknown) => caught,
    );
    assert.ok(error instanceof VerifyError, `expected a VerifyError, got ${String(error)}`);
    assert.equal(error.exitCode, 2);
    return error;
}

describe("expected instances from participant outputs", () => {
    const load = (
        files: Record<string, string>,
        request: { outputsFiles?: string[]; stacks?: string[]; region?: string } = {},
        pulumi: PulumiStacks = noPulumi,
    ) =>
        loadExpectedInstances(
            { outputsFiles: request.outputsFiles ?? Object.keys(files), stacks: request.stacks ?? [], region: request.region, workDir: "/repo" },
            pulumi,
            outputsFileReader(files),
        );

    it("reads `pulumi stack output --json` files into one expectation per instance, with names, account and region", async () => {
        const expected = await load({ "p.json": JSON.stringify(participantOutputs()) });

        assert.deepEqual(
            expected.map(({ participantAccountId, region, name, instanceId, source }) => ({ participantAccountId, region, name, instanceId, source })),
            INSTANCES.map((instance) => ({
                participantAccountId: PARTICIPANT_ACCOUNT,
                region: REGION,
                name: instance.name,
                instanceId: instance.id,
                source: "outputs file p.json",
            })),
        );
    });

    it("still checks an instance listed only in instanceIds, and lets --region override the outputs' region", async () => {
        const outputs = participantOutputs({ instanceIds: [...INSTANCES.map((i) => i.id), "i-0eeeeeeeeeeeeeee5"] });

        const expected = await load({ "p.json": JSON.stringify(outputs) }, { region: "eu-west-1" });

        assert.equal(expected.length, 4);
        assert.deepEqual(expected[3], {
            participantAccountId: PARTICIPANT_ACCOUNT,
            region: "eu-west-1",
            name: "(unnamed)",
            instanceId: "i-0eeeeeeeeeeeeeee5",
            source: "outputs file p.json",
        });
        assert.ok(expected.every((instance) => instance.region === "eu-west-1"));
    });

    it("names the file and the missing output key", async () => {
        const { instances: _dropped, ...withoutInstances } = participantOutputs();

        const error = await configError(load({ "participant.json": JSON.stringify(withoutInstances) }));

        assert.match(error.message, /outputs file participant\.json is not a participant stack's outputs/);
        assert.match(error.message, /missing output key "instances"/);
    });

    it("names the malformed key when a value has the wrong shape", async () => {
        const error = await configError(load({ "p.json": JSON.stringify({ ...participantOutputs(), participantAccountId: "22222222222" }) }));

        assert.match(error.message, /"participantAccountId"/);
        assert.doesNotMatch(error.message, /missing output key/);
    });

    it("explains a file that is not JSON, naming it and how to produce a valid one", async () => {
        const error = await configError(load({ "p.json": "Current stack outputs (7):\n    OUTPUT  VALUE" }));

        assert.match(error.message, /outputs file p\.json is not valid JSON/);
        assert.match(error.message, /pulumi stack output --json/);
    });

    it("refuses a JSON array instead of the outputs object", async () => {
        const error = await configError(load({ "p.json": "[]" }));

        assert.match(error.message, /got an array/);
    });

    it("says when an outputs file does not exist", async () => {
        const error = await configError(load({}, { outputsFiles: ["missing.json"] }));

        assert.match(error.message, /Cannot read outputs file missing\.json: no such file/);
    });

    it("refuses outputs that list no instances at all", async () => {
        const error = await configError(load({ "p.json": JSON.stringify(participantOutputs({ instances: [], instanceIds: [] })) }));

        assert.match(error.message, /list no instances/);
    });

    it("is a usage error to name neither stacks nor --outputs", async () => {
        const error = await load({}, { outputsFiles: [] }).then(
            () => assert.fail("expected an error"),
            (caught: unknown) => caught as VerifyError,
        );

        assert.equal(error.kind, "usage");
        assert.equal(error.exitCode, 2);
    });
});

describe("expected instances through the Pulumi Automation API", () => {
    const stackName = "organization/guardduty-shared-vpc/participant";

    it("reads each named stack's outputs in the project directory and validates its {value, secret} outputs", async () => {
        const pulumi = pulumiWithStacks({ [stackName]: participantOutputs() as unknown as Record<string, unknown> });

        const expected = await loadExpectedInstances({ outputsFiles: [], stacks: [stackName], workDir: "/repo" }, pulumi);

        assert.deepEqual(pulumi.selected, [`${stackName}@/repo`]);
        assert.deepEqual(
            expected.map((instance) => instance.instanceId),
            INSTANCES.map((instance) => instance.id),
        );
        assert.equal(expected[0]!.source, `stack ${stackName}`);
    });

    it("turns the Automation API's StackNotFoundError into an 'unknown stack' configuration error", async () => {
        const error = await configError(readStackOutputs(["organization/guardduty-shared-vpc/typo"], "/repo", pulumiWithStacks({})));

        assert.match(error.message, /Unknown stack "organization\/guardduty-shared-vpc\/typo"/);
        assert.match(error.message, /fully-qualified name/);
    });

    it("names the stack and the missing output key", async () => {
        const { instanceSecurityGroupId: _dropped, ...partial } = participantOutputs();

        const error = await configError(readStackOutputs([stackName], "/repo", pulumiWithStacks({ [stackName]: partial })));

        assert.match(error.message, new RegExp(`stack ${stackName} is not a participant stack's outputs`));
        assert.match(error.message, /missing output key "instanceSecurityGroupId"/);
    });

    it("says a stack with no outputs has probably not been deployed", async () => {
        const error = await configError(readStackOutputs([stackName], "/repo", pulumiWithStacks({ [stackName]: {} })));

        assert.match(error.message, /has no outputs.*pulumi up/);
    });

    it("points to --outputs when the Pulumi CLI is not installed", async () => {
        const absent: PulumiStacks = {
            // The shape of the Automation API's error when `pulumi` is not on PATH.
            cli: () =>
                Promise.reject(
                    new Error(
                        "code: -2\n stdout: \n stderr: Command failed with ENOENT: pulumi version\nspawn pulumi ENOENT\n err?: Error: spawn pulumi ENOENT\n",
                    ),
                ),
            outputs: () => assert.fail("must not select stacks without a CLI"),
        };

        const error = await configError(readStackOutputs([stackName], "/repo", absent));

        assert.match(error.message, /Pulumi CLI is not installed/);
        assert.match(error.message, /--outputs participant\.json/);
    });

    it("recognises a missing Pulumi CLI through the real Automation API", async function () {
        this.timeout(10_000);
        const path = process.env.PATH;
        // An empty PATH makes the real PulumiCommand.get() fail exactly as on a machine without Pulumi.
        process.env.PATH = "/nonexistent-for-verify-tests";
        try {
            const error = await configError(readStackOutputs([stackName], "/repo", automationApi));
            assert.match(error.message, /Pulumi CLI is not installed/);
        } finally {
            process.env.PATH = path;
        }
    });

    it("does not need the Pulumi CLI when only --outputs files are given", async () => {
        const expected = await loadExpectedInstances(
            { outputsFiles: ["p.json"], stacks: [], workDir: "/repo" },
            noPulumi,
            outputsFileReader({ "p.json": JSON.stringify(participantOutputs()) }),
        );

        assert.equal(expected.length, INSTANCES.length);
    });
});
