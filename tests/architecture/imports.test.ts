import * as assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";
import { PROJECT_DIR } from "../helpers/offline";

/**
 * Who may import whom, from README's "Architecture" section: the deployable program (entry,
 * stacks, src) imports nothing of the tools or tests; the policy pack imports nothing outside
 * its own folder (it is published and run on its own); tools, bench and tests may use both.
 */
const LAYERS = {
    program: ["index.ts", "stacks", "src"],
    pack: ["policy"],
    tooling: ["tools", "bench", "tests", "examples"],
} as const;
type Layer = keyof typeof LAYERS;

const MAY_IMPORT: Readonly<Record<Layer, readonly Layer[]>> = {
    program: ["program"],
    pack: ["pack"],
    tooling: ["program", "pack", "tooling"],
};

function sourceFiles(dir: string): string[] {
    const out: string[] = [];
    for (const entry of readdirSync(dir)) {
        if (entry === "node_modules" || entry === "dist" || entry.startsWith(".")) continue;
        const full = path.join(dir, entry);
        if (statSync(full).isDirectory()) out.push(...sourceFiles(full));
        else if (/\.ts$/.test(entry) && !entry.endsWith(".d.ts")) out.push(full);
    }
    return out;
}

function layerOf(file: string): Layer | undefined {
    const relative = path.relative(PROJECT_DIR, file).split(path.sep);
    for (const [layer, roots] of Object.entries(LAYERS) as [Layer, readonly string[]][]) {
        if (roots.includes(relative[0])) return layer;
    }
    return undefined;
}

/** Relative imports of a file (static, `import type`, `export … from` and dynamic `import("…")`), resolved to files. */
function projectImports(file: string): string[] {
    const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    return info.importedFiles
        .map((ref) => ref.fileName)
        .filter((name) => name.startsWith("."))
        .map((name) => {
            const base = path.resolve(path.dirname(file), name);
            for (const candidate of [`${base}.ts`, path.join(base, "index.ts"), base]) {
                try {
                    if (statSync(candidate).isFile()) return candidate;
                } catch {
                    // not this candidate
                }
            }
            throw new Error(`${path.relative(PROJECT_DIR, file)} imports ${name}, which does not resolve to a file`);
        });
}

describe("architecture: who may import whom", () => {
    const files = ["index.ts", "stacks", "src", "policy", "tools", "bench", "tests", "examples"]
        .map((entry) => path.join(PROJECT_DIR, entry))
        .flatMap((entry) => {
            try {
                return statSync(entry).isDirectory() ? sourceFiles(entry) : [entry];
            } catch {
                return [];
            }
        });
    const graph = new Map(files.map((file) => [file, projectImports(file)]));
    const show = (file: string) => path.relative(PROJECT_DIR, file);

    it("finds the program, the pack and the tooling", () => {
        for (const layer of Object.keys(LAYERS) as Layer[]) {
            if (layer === "tooling") continue;
            assert.ok(
                files.some((file) => layerOf(file) === layer),
                `no files in the ${layer} layer`,
            );
        }
    });

    it("imports only what each layer may: the program no tools or tests, the pack nothing outside policy/", () => {
        const breaches: string[] = [];
        for (const [file, imports] of graph) {
            const from = layerOf(file);
            if (!from) continue;
            for (const target of imports) {
                const to = layerOf(target);
                if (to === undefined || !MAY_IMPORT[from].includes(to))
                    breaches.push(`${show(file)} (${from}) → ${show(target)} (${to ?? "outside every layer"})`);
            }
        }
        assert.deepEqual(breaches, []);
    });

    it("names every source file in one style: lowerCamelCase, no dashes or underscores", () => {
        const misnamed = files.map(show).filter((file) => !/^[a-z][A-Za-z0-9]*(\.[a-z]+)*\.ts$/.test(path.basename(file)));
        assert.deepEqual(misnamed, []);
    });

    it("imports Node's built-ins through node: only", () => {
        const builtins = new Set(builtinModules.filter((name) => !name.startsWith("_") && !name.includes(":")));
        const bare: string[] = [];
        for (const file of files) {
            for (const ref of ts.preProcessFile(readFileSync(file, "utf8"), true, true).importedFiles) {
                if (builtins.has(ref.fileName) || builtins.has(ref.fileName.split("/")[0])) bare.push(`${show(file)}: "${ref.fileName}"`);
            }
        }
        assert.deepEqual(bare, []);
    });

    it("has no import cycle anywhere", () => {
        const cycles: string[] = [];
        const state = new Map<string, "open" | "done">();
        const stack: string[] = [];
        const visit = (file: string) => {
            state.set(file, "open");
            stack.push(file);
            for (const target of graph.get(file) ?? []) {
                if (state.get(target) === "open") cycles.push([...stack.slice(stack.indexOf(target)), target].map(show).join(" → "));
                else if (!state.has(target)) visit(target);
            }
            stack.pop();
            state.set(file, "done");
        };
        for (const file of graph.keys()) if (!state.has(file)) visit(file);
        assert.deepEqual(cycles, []);
    });
});
