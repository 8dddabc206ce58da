/**
 * docs/deploy.md gives exact `pulumi import` commands. An import lands under the URN the command
 * spells out, so a wrong type token, name, parent or provider leaves the resource beside the one
 * the program declares instead of adopting it: each command is checked against what the
 * program registers for that stack (fixture config, mock runtime).
 */
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { OfflineStackRun } from "../../tools/offline/runStack";
import { fixtureConfig, PROJECT_DIR, runStack } from "../helpers/offline";

interface ImportCommand {
    stack: string;
    type: string;
    name: string;
    id: string;
    parent: { name: string; urn: string };
    provider: { name: string; urn: string };
}

/** The single-resource `pulumi import` commands of a Markdown text (continuation lines joined), and the lines that do not parse. */
function importCommands(markdown: string): { commands: ImportCommand[]; malformed: string[] } {
    const blocks = [...markdown.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1].replace(/\s*\\\n\s*/g, " "));
    const lines = blocks.flatMap((block) => block.split("\n")).filter((line) => /^pulumi import -s \S+ '/.test(line));
    const commands: ImportCommand[] = [];
    const malformed: string[] = [];
    for (const line of lines) {
        const command = /^pulumi import -s (\S+) '([^']+)' (\S+) '?([^' ]+)'? --parent '([^=]+)=([^']+)' --provider '([^=]+)=([^']+)'/.exec(line);
        if (!command) {
            malformed.push(line);
            continue;
        }
        const [, stack, type, name, id, parentName, parentUrn, providerName, providerUrn] = command;
        commands.push({ stack, type, name, id, parent: { name: parentName, urn: parentUrn }, provider: { name: providerName, urn: providerUrn } });
    }
    return { commands, malformed };
}

/** An ID's shape: hex and digits blurred, so an example ID matches the form AWS gives (and the fake cloud mimics). */
const shape = (id: string) => id.replace(/[0-9a-f]/g, "x");

describe("docs/deploy.md: the pulumi import commands adopt what the programs declare", () => {
    const { commands, malformed } = importCommands(readFileSync(path.join(PROJECT_DIR, "docs", "deploy.md"), "utf8"));
    const runs = new Map<string, Promise<OfflineStackRun>>();
    const runOf = (stack: string) => runs.get(stack) ?? runs.set(stack, runStack(stack, fixtureConfig(stack))).get(stack)!;

    it("has the commands for the owner's RAM share and the audit account's detector, each with --parent and --provider", () => {
        assert.deepEqual(malformed, [], "import commands of another form");
        assert.deepEqual(commands.map((c) => c.type).sort(), ["aws:guardduty/detector:Detector", "aws:ram/resourceShare:ResourceShare"]);
    });

    for (const command of commands) {
        it(`${command.type} in stack ${command.stack}: name, parent, provider and ID form as the program registers it`, async () => {
            const run = await runOf(command.stack);
            const resource = run.resources.find((r) => r.type === command.type && r.name === command.name);
            assert.ok(resource, `the ${command.stack} program registers no ${command.type} named ${command.name}`);
            const parent = run.resources.find((r) => r.urn === resource.parent);
            assert.equal(command.parent.urn, resource.parent, "--parent names the resource's parent URN");
            assert.equal(command.parent.name, parent?.name, "--parent's name is the parent's");
            const provider = run.resources.find((r) => r.type === "pulumi:providers:aws");
            assert.ok(provider && resource.provider?.startsWith(`${provider.urn}::`), "the resource uses the stack's provider");
            assert.equal(command.provider.urn, provider.urn, "--provider names the stack's provider URN");
            assert.equal(command.provider.name, provider.name);
            assert.equal(shape(command.id), shape(String(resource.id)), `the example ID has the form of a ${command.type} ID`);
            assert.equal(resource.protect, true, "imports are protected, as the program declares the resource");
        });
    }
});
