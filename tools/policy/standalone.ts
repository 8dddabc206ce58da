/**
 * The pack on its own, as `pulumi policy publish` ships it and the CLI installs a published pack:
 * `npm pack` in `policy/`, the tarball extracted into an empty directory outside this repository,
 * its dependencies installed there from its npm-shrinkwrap.json, and nothing of the repository in
 * reach of Node's module resolution. tests/policy/package.test.ts and `npm run policy:pack-check`
 * build it; both then start it with ./wire.ts as the CLI does.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { POLICY_PACK_DIR, PROJECT_DIR } from "./paths";

export interface PackedPolicy {
    tarball: string;
    /** Paths inside the tarball's `package/`, as `npm pack --json` lists them. */
    files: string[];
    size: number;
    unpackedSize: number;
}

/**
 * The environment for a child npm: without the `npm_*` variables an npm script (`npm test`) sets
 * for its own project, which would otherwise configure the child too, but with the cache and
 * registry the caller chose.
 */
function npmEnv(): NodeJS.ProcessEnv {
    const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
    return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_") || keep.has(key.toLowerCase())));
}

function npm(args: readonly string[], cwd: string): string {
    return execFileSync(process.platform === "win32" ? "npm.cmd" : "npm", args, {
        cwd,
        env: npmEnv(),
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
    });
}

/**
 * `npm pack` of the package in `dir` into `destination` (with `dryRun`, only what it would pack).
 * In policy/ this is exactly what `pulumi policy publish` uploads, bundled contract included: the
 * pack's prepack script places it (policy/scripts/bundleDependencies.mjs).
 */
export function packPackage(dir: string, destination: string, dryRun = false): PackedPolicy {
    const [packed] = JSON.parse(npm(["pack", "--json", `--dry-run=${dryRun}`, "--pack-destination", destination], dir)) as Array<{
        filename: string;
        files: Array<{ path: string }>;
        size: number;
        unpackedSize: number;
    }>;
    return {
        tarball: path.join(destination, packed.filename),
        files: packed.files.map((file) => file.path).sort(),
        size: packed.size,
        unpackedSize: packed.unpackedSize,
    };
}

export function packPolicy(destination: string): PackedPolicy {
    return packPackage(POLICY_PACK_DIR, destination);
}

/** A fresh directory outside the repository, so nothing resolves through the repository's node_modules. */
export function emptyDirectory(prefix = "guardduty-policy-"): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    if (!path.relative(PROJECT_DIR, dir).startsWith("..")) throw new Error(`${dir} is inside the repository; set TMPDIR elsewhere.`);
    return dir;
}

/** Extracts the tarball into `into`; returns the pack's directory (`<into>/package`). */
export function extractPack(tarball: string, into: string): string {
    execFileSync("tar", ["-xzf", tarball, "-C", into]);
    return path.join(into, "package");
}

/** What the CLI runs for a pack: `npm install`, production only, here from the npm cache alone. */
export function installFromCache(packDir: string): void {
    npm(["install", "--offline", "--omit=dev", "--no-audit", "--no-fund", "--loglevel=error"], packDir);
}

/** Copies a directory as hard links (a copy where links cannot cross file systems), leaving out nested node_modules. */
function linkTree(from: string, to: string, counts: { files: number }): void {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from)) {
        if (entry === "node_modules") continue;
        const source = path.join(from, entry);
        const target = path.join(to, entry);
        const stat = lstatSync(source);
        if (stat.isDirectory()) linkTree(source, target, counts);
        else if (stat.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
        else {
            try {
                linkSync(source, target);
            } catch {
                copyFileSync(source, target);
            }
            counts.files++;
        }
    }
}

/**
 * The pack's node_modules as `npm install` lays it out from the shrinkwrap, built from the
 * repository's installed packages instead of the cache: every shrinkwrap entry, and nothing
 * else, at its path, as hard links. The shrinkwrap's entries are the root lockfile's (its sync
 * test holds that), which `npm ci` installs, so this is the tree npm would build, in a second
 * rather than npm's ~20; `npm run policy:pack-check` runs the real install.
 */
export function linkDependenciesFromRepository(packDir: string): { packages: number; files: number } {
    const shrinkwrap = JSON.parse(readFileSync(path.join(packDir, "npm-shrinkwrap.json"), "utf8")) as { packages: Record<string, unknown> };
    const counts = { files: 0 };
    // Bundled dependencies came with the tarball; npm keeps them as they are, and so does this.
    const entries = Object.keys(shrinkwrap.packages).filter((key) => key !== "" && !existsSync(path.join(packDir, key)));
    for (const key of entries) linkTree(path.join(PROJECT_DIR, key), path.join(packDir, key), counts);
    return { packages: entries.length, files: counts.files };
}
