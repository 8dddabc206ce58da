/**
 * Pulumi.yaml's typed config against the validation schemas (src/config/*.ts): it declares
 * exactly what the schemas make declarable, with their type and default, and the CLI (as
 * tools/offline/projectConfig.ts reproduces it) accepts every stack file the program accepts.
 */
import * as assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ConfigError } from "../../src/config/errors";
import { parseManagementConfig } from "../../src/config/management";
import { parseOwnerConfig } from "../../src/config/owner";
import { NS, RETIRED } from "../../src/config/primitives";
import { ROLES } from "../../src/config/roles";
import {
    applyProjectConfig,
    declarability,
    isProjectKey,
    projectFileProblems,
    qualifiedKey,
    readProjectFile,
    ROLE_SHAPES,
    valueHasType,
    type ProjectFile,
} from "../../tools/offline/projectConfig";
import { readStackFile } from "../../tools/offline/stackConfig";
import { discoverStacks, PROJECT } from "../../tools/offline/stacks";
import { AUTOMATED_FIXTURE_DIR, FIXTURE_DIR, PROJECT_DIR } from "../helpers/offline";

const project = readProjectFile(PROJECT_DIR);
const verdicts = declarability();
const declared = Object.entries(project.config).filter(([key]) => isProjectKey(project.name, key));
const shortName = (key: string) => (key.startsWith(`${NS}:`) ? key.slice(NS.length + 1) : key);

/** Every directory of stack files the program must accept: the tests' fixtures and what the project ships. */
const STACK_DIRS = [FIXTURE_DIR, AUTOMATED_FIXTURE_DIR, path.join(FIXTURE_DIR, "existing-vpc"), PROJECT_DIR, path.join(PROJECT_DIR, "examples", "automated")];

function stackFileIn(text: string, stack = "owner") {
    const dir = mkdtempSync(path.join(tmpdir(), "gdsv-project-"));
    writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
    return readStackFile(dir, PROJECT, stack);
}

describe("Pulumi.yaml typed config", () => {
    it("is a config section the Pulumi CLI accepts, for this project's namespace", () => {
        assert.equal(project.name, NS);
        assert.deepEqual(projectFileProblems(project), []);
        assert.ok(declared.length > 0, "declares at least the keys every stack needs");
    });

    it("declares exactly the keys the validation schemas make declarable, with their type and default", () => {
        const expected = Object.entries(verdicts).flatMap(([key, verdict]) => ("declare" in verdict ? [[key, verdict.declare] as const] : []));
        assert.deepEqual(declared.map(([key]) => shortName(key)).sort(), expected.map(([key]) => key).sort());
        for (const [key, declaration] of declared) {
            const verdict = verdicts[shortName(key)];
            assert.ok(verdict && "declare" in verdict, key);
            assert.equal(declaration.type, verdict.declare.type, `${key}: type`);
            assert.deepEqual(declaration.default, verdict.declare.default, `${key}: default`);
            assert.ok((declaration.description ?? "").trim().length > 20, `${key}: a description the CLI can show`);
        }
    });

    it("classifies every key of every role's schema, the common ones included, and declares no retired key", () => {
        for (const role of ROLES) {
            for (const key of Object.keys(ROLE_SHAPES[role])) assert.ok(key in verdicts, `${role}: ${key} is neither declared nor explained`);
        }
        const retired = ROLES.flatMap((role) =>
            Object.entries(ROLE_SHAPES[role])
                .filter(([, schema]) => (schema as { description?: string }).description === RETIRED)
                .map(([key]) => key),
        );
        assert.ok(retired.length > 0);
        for (const key of retired) {
            assert.ok("notDeclared" in verdicts[key] && /retired/.test(verdicts[key].notDeclared), key);
            assert.equal(project.config[key] ?? project.config[`${NS}:${key}`], undefined, `${key} is retired and must not be declared`);
        }
        // A role's own key cannot be declared: Pulumi applies a declaration to every stack of the project.
        for (const key of ["auditAccountId", "agentManagement", "subnets", "existingVpcId", "ownerStack"]) {
            const verdict = verdicts[key];
            assert.ok("notDeclared" in verdict && /role/.test(verdict.notDeclared), `${key}: ${JSON.stringify(verdict)}`);
        }
    });

    it("the CLI accepts every fixture and shipped stack file, and hands the program what the file says", () => {
        for (const dir of STACK_DIRS) {
            for (const { stack } of discoverStacks(dir)) {
                const file = readStackFile(dir, PROJECT, stack);
                const applied = applyProjectConfig(stack, project, file);
                assert.deepEqual(applied.problems, [], `${path.relative(PROJECT_DIR, dir) || "."}/Pulumi.${stack}.yaml`);
                assert.deepEqual(applied.config, file.config, "no declared default changes what the program reads");
            }
        }
    });

    it("a declared type accepts what the program accepts: an account ID quoted, with a leading zero, or stored as a YAML number", () => {
        const base = 'config:\n  aws:region: us-east-1\n  guardduty-shared-vpc:auditAccountId: "222222222222"\n';
        for (const written of ['"111111111111"', "111111111111", '"011111111111"']) {
            const file = stackFileIn(`${base}  guardduty-shared-vpc:accountId: ${written}\n`, "management");
            assert.deepEqual(applyProjectConfig("management", project, file).problems, [], written);
            assert.ok(parseManagementConfig("management", file.config), written);
        }
    });

    it("the CLI stops a stack without accountId before the program runs, as the program would", () => {
        const file = stackFileIn("config:\n  aws:region: us-east-1\n");
        assert.deepEqual(applyProjectConfig("owner", project, file).problems, ["Stack 'owner' is missing configuration value 'accountId'"]);
        assert.throws(
            () => parseOwnerConfig("owner", file.config),
            (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.key === `${NS}:accountId`),
        );
    });

    describe("why a role's key is not declared (what the CLI would do with it)", () => {
        const withDeclaration = (key: string, declaration: ProjectFile["config"][string]): ProjectFile => ({
            ...project,
            config: { ...project.config, [key]: declaration },
        });

        it("declared without a default, the management stack's auditAccountId would be required of the owner stack too", () => {
            const file = readStackFile(FIXTURE_DIR, PROJECT, "owner");
            const applied = applyProjectConfig("owner", withDeclaration("auditAccountId", { type: "string" }), file);
            assert.deepEqual(applied.problems, ["Stack 'owner' is missing configuration value 'auditAccountId'"]);
        });

        it("declared with its default, enableRamSharingWithOrganization would be set in the owner stack, which refuses it", () => {
            const file = readStackFile(FIXTURE_DIR, PROJECT, "owner");
            const applied = applyProjectConfig("owner", withDeclaration("enableRamSharingWithOrganization", { type: "boolean", default: true }), file);
            assert.deepEqual(applied.problems, []);
            assert.equal(applied.config[qualifiedKey(NS, "enableRamSharingWithOrganization")], "true");
            assert.throws(
                () => parseOwnerConfig("owner", applied.config),
                (error: unknown) => error instanceof ConfigError && error.problems.some((p) => p.key === `${NS}:enableRamSharingWithOrganization`),
            );
        });

        it("shareWith could not be array<string>: the CLI would refuse the account IDs `pulumi config set --path` stores as numbers", () => {
            const file = stackFileIn('config:\n  guardduty-shared-vpc:accountId: "333333333333"\n  guardduty-shared-vpc:shareWith:\n    - 444444444444\n');
            const applied = applyProjectConfig("owner", withDeclaration("shareWith", { type: "array", items: { type: "string" } }), file);
            assert.deepEqual(applied.problems, ["Stack 'owner' with configuration key 'shareWith' must be of type 'array<string>'"]);
        });
    });

    describe("the CLI's rules, as reproduced", () => {
        it("types: integers as whole numbers or their text, booleans as true/false or their text, arrays item by item", () => {
            assert.deepEqual(
                [
                    valueHasType("integer", undefined, "7"),
                    valueHasType("integer", undefined, 7),
                    valueHasType("integer", undefined, "7.5"),
                    valueHasType("integer", undefined, 7.5),
                ],
                [true, true, false, false],
            );
            assert.deepEqual(
                [valueHasType("boolean", undefined, "true"), valueHasType("boolean", undefined, false), valueHasType("boolean", undefined, "yes")],
                [true, true, false],
            );
            assert.deepEqual(
                [
                    valueHasType("array", { type: "integer" }, [1, "2"]),
                    valueHasType("array", { type: "integer" }, [1, "x"]),
                    valueHasType("array", undefined, []),
                ],
                [true, false, false],
            );
            assert.equal(valueHasType("string", undefined, 5), false, "a structured number is not text");
        });

        it("Pulumi.yaml mistakes the CLI refuses: an object type, an array without items, a default of another type, a type on another namespace", () => {
            const bad: ProjectFile = {
                name: NS,
                config: {
                    runtimeMonitoring: { type: "object" as never },
                    shareWith: { type: "array" },
                    findingsExport: { type: "boolean", default: "yes" },
                    "aws:region": { type: "string", value: "us-east-1" },
                    "aws:profile": {},
                },
            };
            const problems = projectFileProblems(bad).join("\n");
            assert.match(problems, /config\.runtimeMonitoring: type must be one of string, integer, boolean, array/);
            assert.match(problems, /'shareWith' declares an array but does not specify the underlying type/);
            assert.match(problems, /default value specified for configuration key 'findingsExport' is not of the expected type 'boolean'/);
            assert.match(problems, /'aws:region' is not namespaced by the project and should not define a type/);
            assert.match(problems, /'aws:profile' is namespaced and must provide an attribute 'value'/);
        });

        it("shorthand: a bare value is a default for a project key and a value for another namespace's", () => {
            const dir = mkdtempSync(path.join(tmpdir(), "gdsv-project-"));
            writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\nconfig:\n  size: 3\n  aws:region: us-east-1\n");
            assert.deepEqual(readProjectFile(dir).config, { size: { default: 3 }, "aws:region": { value: "us-east-1" } });
        });
    });
});
