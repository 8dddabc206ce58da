import * as assert from "node:assert/strict";
import * as path from "node:path";
import * as ts from "typescript";
import { POLICY_PACK_DIR } from "../../tools/policy/paths";

/**
 * Declarations ts-node need not parse when the CLI starts the pack: @pulumi/pulumi's, but for the
 * two files @pulumi/policy's types come from, and everything the SDK's index brings (gRPC,
 * protobuf, @types/node).
 */
const TRIMMED = /\/node_modules\/(@pulumi\/pulumi\/(?!(resource|output)\.d\.ts$)|@grpc\/|@types\/|undici-types\/|protobufjs\/|google-protobuf\/)/;

function packCompilerSettings(): ts.ParsedCommandLine {
    const parsed = ts.getParsedCommandLineOfConfigFile(
        path.join(POLICY_PACK_DIR, "tsconfig.json"),
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
                throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
            },
        },
    );
    if (!parsed) throw new Error("policy/tsconfig.json could not be read");
    return parsed;
}

function isPackSource(file: ts.SourceFile): boolean {
    return !file.isDeclarationFile && !path.relative(POLICY_PACK_DIR, file.fileName).startsWith("..");
}

/** @pulumi/policy's declarations, and what the mapping gives them in place of @pulumi/pulumi's. */
function isPolicySdk(file: ts.SourceFile): boolean {
    return file.fileName.includes("/node_modules/@pulumi/policy/") || !path.relative(path.join(POLICY_PACK_DIR, "stubs"), file.fileName).startsWith("..");
}

/** The compiler's errors in the files `which` selects (declaration files too: the programs here check them). */
function diagnostics(program: ts.Program, which: (file: ts.SourceFile) => boolean): string[] {
    const files = program.getSourceFiles().filter(which);
    return [
        ...program.getOptionsDiagnostics(),
        ...program.getGlobalDiagnostics(),
        ...files.flatMap((file) => [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)]),
    ].map((d) => ts.formatDiagnostic(d, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => POLICY_PACK_DIR, getNewLine: () => "\n" }));
}

/** The type the checker gives every identifier and expression of the pack's own code, by position. */
function typesSeen(program: ts.Program): string[] {
    const checker = program.getTypeChecker();
    const seen: string[] = [];
    for (const file of program.getSourceFiles().filter(isPackSource)) {
        const visit = (node: ts.Node): void => {
            if (ts.isIdentifier(node) || ts.isExpression(node)) {
                const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
                const type = checker.typeToString(checker.getTypeAtLocation(node), undefined, ts.TypeFormatFlags.NoTruncation);
                seen.push(`${path.relative(POLICY_PACK_DIR, file.fileName)}:${line + 1}:${character + 1} ${node.getText(file).slice(0, 40)}: ${type}`);
            }
            ts.forEachChild(node, visit);
        };
        visit(file);
    }
    return seen;
}

/**
 * policy/tsconfig.json as ts-node compiles the pack when the CLI starts it from the repository:
 * "@pulumi/pulumi" is mapped to the two types @pulumi/policy's declarations take from it
 * (policy/stubs/pulumi.d.ts), and "@pulumi/pulumi/queryable" to the one they take from that, as
 * `any` (policy/stubs/queryable.d.ts), which keeps the SDK's index, and most of the start-up's
 * parsing, away. That may only save time: the pack must be checked exactly as against the
 * complete SDK.
 */
describe("policy pack compiler settings (policy/tsconfig.json)", function () {
    this.timeout(120000);
    let trimmed: ts.Program;
    let full: ts.Program;
    let typesTrimmed: string[];
    let typesFull: string[];

    before(() => {
        const settings = packCompilerSettings();
        assert.deepEqual(settings.options.types, [], "no @types package is loaded for the pack's own sake (it uses no Node.js API)");
        // skipLibCheck off, so that errors in the declarations can be asked for (only where these tests ask).
        const options = { ...settings.options, skipLibCheck: false };
        const { paths: _paths, ...complete } = options;
        // Types first, on fresh checkers and in the same order: a union prints its members in the order the checker made them.
        trimmed = ts.createProgram({ rootNames: settings.fileNames, options });
        typesTrimmed = typesSeen(trimmed);
        full = ts.createProgram({ rootNames: settings.fileNames, options: complete });
        typesFull = typesSeen(full);
    });

    it("leaves the SDK's index, gRPC and @types/node out of the program that ts-node builds at start-up, and @pulumi/policy's declarations no worse off", () => {
        assert.deepEqual(
            trimmed
                .getSourceFiles()
                .map((file) => file.fileName)
                .filter((file) => TRIMMED.test(file)),
            [],
        );
        assert.deepEqual(diagnostics(trimmed, isPackSource), []);
        // A name @pulumi/policy imports that the mapping does not give it would be an error here (hidden by skipLibCheck where the pack is compiled).
        assert.deepEqual(diagnostics(trimmed, isPolicySdk), diagnostics(full, isPolicySdk));
    });

    it("gives every expression of the pack the same type as the complete SDK declarations do, and type-checks against those too", () => {
        assert.ok(
            full.getSourceFiles().some((file) => TRIMMED.test(file.fileName)),
            "without the mapping the program has the whole SDK's declarations (else this compares nothing)",
        );
        assert.deepEqual(diagnostics(full, isPackSource), []);
        const [expected, actual] = [typesFull, typesTrimmed];
        assert.equal(actual.length, expected.length, "the same code, seen through both programs");
        assert.ok(expected.length > 1000, `only ${expected.length} identifiers and expressions compared`);
        const differing = expected.flatMap((complete, index) => (complete === actual[index] ? [] : [{ complete, trimmed: actual[index] }]));
        assert.deepEqual(differing, [], "types that change with the SDK's declarations cut down to what @pulumi/policy's types use");
    });
});
