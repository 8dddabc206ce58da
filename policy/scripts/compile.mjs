// `prepack` / `postpack` of the pack: the tarball that `pulumi policy publish` uploads carries the
// pack compiled to JavaScript, next to its TypeScript, so that a published pack starts without
// compiling anything. The CLI starts every pack through @pulumi/pulumi/cmd/run-policy-pack, which
// registers ts-node with type-checking and then requires the pack's directory. `main` is `index`,
// which Node resolves to index.js where there is one (in the tarball) and otherwise, through
// ts-node, to index.ts (in this repository, where `pulumi preview --policy-pack policy` keeps
// running the sources as they are, with no build step). ts-node compiles only .ts files: the
// JavaScript runs as it is, and no TypeScript program is built at start-up.
//
// The type-check moves from every start-up to packing, with the same compiler and tsconfig.json:
// any error fails `npm pack`, so a pack that does not compile cannot be published. The files
// written are listed in RECORD and removed again after packing (or before the next compilation,
// if a failed `npm pack` never got to postpack); files the compiler did not write are never
// overwritten.
//
//   node scripts/compile.mjs          (prepack)  type-check and write the JavaScript
//   node scripts/compile.mjs --clean  (postpack) remove what the first wrote
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const packDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RECORD = path.join(packDir, ".compiled-by-prepack");

function clean() {
    if (!existsSync(RECORD)) return;
    for (const file of JSON.parse(readFileSync(RECORD, "utf8"))) rmSync(path.join(packDir, file), { force: true });
    rmSync(RECORD);
}

function compile() {
    clean();
    const ts = createRequire(path.join(packDir, "package.json"))("typescript");
    const format = (diagnostics) =>
        ts.formatDiagnostics(diagnostics, {
            getCanonicalFileName: (file) => file,
            getCurrentDirectory: () => packDir,
            getNewLine: () => "\n",
        });
    const config = ts.getParsedCommandLineOfConfigFile(
        path.join(packDir, "tsconfig.json"),
        {},
        {
            ...ts.sys,
            onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
                throw new Error(format([diagnostic]));
            },
        },
    );
    const program = ts.createProgram({ rootNames: config.fileNames, options: { ...config.options, noEmit: false, noEmitOnError: true } });
    const diagnostics = [...config.errors, ...ts.getPreEmitDiagnostics(program)];
    if (diagnostics.length > 0) {
        console.error(format(diagnostics));
        console.error(`The pack does not compile (${diagnostics.length} errors): nothing packed.`);
        process.exit(1);
    }
    const written = [];
    program.emit(undefined, (file, text) => {
        const relative = path.relative(packDir, file);
        if (relative.startsWith("..") || path.isAbsolute(relative)) throw new Error(`${file} is outside the pack`);
        if (existsSync(file)) throw new Error(`${relative} exists already and is not the compiler's to overwrite`);
        // Recorded before it is written, so that a failure half-way leaves nothing --clean misses.
        written.push(relative);
        writeFileSync(RECORD, JSON.stringify(written, null, 2) + "\n");
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
    });
    console.error(`compiled the pack: ${written.filter((file) => file.endsWith(".js")).length} modules`);
}

if (process.argv.includes("--clean")) clean();
else compile();
