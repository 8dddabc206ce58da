// `prepack` / `postpack` of the pack: `npm pack` (which `pulumi policy publish` runs) ships the
// bundleDependencies it finds in policy/node_modules, but in this repository npm hoists them to
// the root's node_modules (the contract package is a workspace linked there), where `npm pack`
// does not look (npm/cli#3466). So before packing, each bundled dependency that is not already
// installed in policy/node_modules is put there as its own `npm pack` would publish it, and after
// packing it is removed again, so the repository keeps resolving the workspace itself.
//
//   node scripts/bundleDependencies.mjs          (prepack)  place them
//   node scripts/bundleDependencies.mjs --clean  (postpack) remove what the first placed
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const packDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const nodeModules = path.join(packDir, "node_modules");
// Only directories carrying this mark are ours to remove: a real install in policy/node_modules stays.
const MARK = ".placed-by-prepack";

const manifest = JSON.parse(readFileSync(path.join(packDir, "package.json"), "utf8"));
const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies ?? [];

// The npm running this script passes its whole configuration down as npm_config_* variables
// (`--workspace`, `--dry-run`, `--pack-destination`, …); the nested `npm pack` must not inherit them.
function cleanEnv() {
    const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
    return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_") || keep.has(key.toLowerCase())));
}

function npm(args, cwd) {
    const cli = process.env.npm_execpath;
    const [command, prefix] = cli && cli.endsWith(".js") ? [process.execPath, [cli]] : [process.platform === "win32" ? "npm.cmd" : "npm", []];
    return execFileSync(command, [...prefix, ...args], { cwd, env: cleanEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
}

function place(name) {
    const target = path.join(nodeModules, name);
    if (existsSync(target) && !lstatSync(target).isSymbolicLink() && !existsSync(path.join(target, MARK)))
        return `${name}: installed in policy/node_modules already`;
    rmSync(target, { recursive: true, force: true });
    const source = path.dirname(createRequire(path.join(packDir, "package.json")).resolve(`${name}/package.json`));
    const scratch = mkdtempSync(path.join(os.tmpdir(), "policy-bundle-"));
    try {
        const [packed] = JSON.parse(npm(["pack", "--json", "--dry-run=false", "--pack-destination", scratch], source));
        mkdirSync(target, { recursive: true });
        execFileSync("tar", ["-xzf", path.join(scratch, packed.filename), "-C", target, "--strip-components=1"]);
        writeFileSync(path.join(target, MARK), "Placed by policy/scripts/bundleDependencies.mjs for npm pack; removed by postpack.\n");
        return `${name}@${packed.version}: bundled from ${path.relative(packDir, source) || "."} (${packed.files.length} files)`;
    } finally {
        rmSync(scratch, { recursive: true, force: true });
    }
}

function clean(name) {
    const target = path.join(nodeModules, name);
    if (!existsSync(path.join(target, MARK))) return;
    rmSync(target, { recursive: true, force: true });
    // Leave no empty scope or node_modules behind: the repository has none there.
    for (let dir = path.dirname(target); dir.startsWith(nodeModules) && existsSync(dir) && readdirSync(dir).length === 0; dir = path.dirname(dir)) {
        rmSync(dir, { recursive: true });
        if (dir === nodeModules) break;
    }
}

for (const name of bundled) {
    if (process.argv.includes("--clean")) clean(name);
    else console.error(place(name));
}
