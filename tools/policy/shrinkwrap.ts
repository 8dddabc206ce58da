/**
 * `policy/npm-shrinkwrap.json`: the lockfile the published pack carries, derived from the
 * repository's package-lock.json.
 *
 * A published pack is installed by the CLI of every preview and update in its policy group: the
 * tarball `pulumi policy publish` uploaded, extracted into a directory of its own, and `npm install`
 * there, without this repository's lockfile. With ranges alone (the SDKs' dependencies have them)
 * that would resolve whatever the registry holds that day, not the tree the tests ran against. `npm pack` ships npm-shrinkwrap.json and `npm install` honours it, so the
 * pack installs exactly the root lockfile's versions of its dependencies, by integrity, and can
 * install from the npm cache alone.
 *
 * The shrinkwrap is the root lockfile's entries the pack's dependencies reach, at the same paths:
 * Node's resolution from any of them finds the same packages it finds in this repository.
 *
 *   npm run policy:shrinkwrap           writes it (after changing policy/package.json's dependencies and `npm install`)
 *   npm run policy:shrinkwrap -- --check  exits 1 when it is stale (tests/policy/package.test.ts does the same)
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { POLICY_PACK_DIR, PROJECT_DIR } from "./paths";

export const SHRINKWRAP_PATH = path.join(POLICY_PACK_DIR, "npm-shrinkwrap.json");

interface LockEntry {
    version?: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    dev?: boolean;
    devOptional?: boolean;
    link?: boolean;
    [key: string]: unknown;
}

interface Lockfile {
    name: string;
    version: string;
    lockfileVersion: number;
    requires?: boolean;
    packages: Record<string, LockEntry>;
}

interface PackageJson {
    name: string;
    version: string;
    license?: string;
    engines?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
}

function readJson<T>(file: string): T {
    return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** Where Node finds `name` from the package at `from` (`""` for the pack itself): the nearest node_modules up the path. */
function resolveIn(packages: Lockfile["packages"], from: string, name: string): string | undefined {
    let base = from;
    for (;;) {
        const candidate = `${base === "" ? "" : `${base}/`}node_modules/${name}`;
        if (packages[candidate] && !packages[candidate].link) return candidate;
        if (base === "") return undefined;
        const parent = base.lastIndexOf("/node_modules/");
        base = parent < 0 ? "" : base.slice(0, parent);
    }
}

/** The shrinkwrap for `policy/`, from the root lockfile. Throws when the lockfile lacks something the pack needs. */
export function deriveShrinkwrap(
    rootLock: Lockfile = readJson(path.join(PROJECT_DIR, "package-lock.json")),
    pack: PackageJson = readJson(path.join(POLICY_PACK_DIR, "package.json")),
): Lockfile {
    if (pack.devDependencies && Object.keys(pack.devDependencies).length > 0) {
        throw new Error("policy/package.json has devDependencies: the pack's tooling lives at the repository root, so list them there.");
    }
    const packages = rootLock.packages;
    const nested = Object.keys(packages).filter((key) => key.startsWith("policy/node_modules/"));
    if (nested.length > 0) {
        // npm nests a workspace's dependency when its version differs from the root's; the pack then runs on another tree than the root's.
        throw new Error(
            `package-lock.json installs ${nested.join(", ")} for the policy workspace alone: pin the same versions as the repository root, so the pack and the tools share one tree.`,
        );
    }
    const reached = new Map<string, LockEntry>();
    const queue: string[] = [];
    const need = (from: string, names: Iterable<string>, optional: boolean) => {
        for (const name of names) {
            const found = resolveIn(packages, from, name);
            if (found === undefined) {
                if (optional) continue;
                throw new Error(`package-lock.json has no ${name} for ${from || "policy"}: run npm install at the repository root.`);
            }
            if (!reached.has(found)) {
                reached.set(found, packages[found]);
                queue.push(found);
            }
        }
    };
    const declared = pack.dependencies ?? {};
    need("", Object.keys(declared), false);
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const entry = packages[next];
        need(next, Object.keys(entry.dependencies ?? {}), false);
        need(next, Object.keys(entry.optionalDependencies ?? {}), true);
        // npm installs peer dependencies unless they are marked optional.
        const meta = entry.peerDependenciesMeta ?? {};
        need(
            next,
            Object.keys(entry.peerDependencies ?? {}).filter((name) => !meta[name]?.optional),
            false,
        );
    }
    for (const [name, range] of Object.entries(declared)) {
        const version = packages[`node_modules/${name}`]?.version;
        if (version !== range)
            throw new Error(
                `policy/package.json pins ${name} ${range} but package-lock.json has ${version}: pin exact versions and run npm install at the repository root.`,
            );
    }

    const shrinkwrapPackages: Lockfile["packages"] = {
        "": { name: pack.name, version: pack.version, license: pack.license, dependencies: declared, engines: pack.engines },
    };
    for (const key of [...reached.keys()].sort()) {
        // Everything the pack reaches is a runtime dependency of it, whatever the root tree marks.
        const { dev: _dev, devOptional: _devOptional, ...entry } = reached.get(key)!;
        shrinkwrapPackages[key] = entry;
    }
    return { name: pack.name, version: pack.version, lockfileVersion: rootLock.lockfileVersion, requires: true, packages: shrinkwrapPackages };
}

export function shrinkwrapText(lock: Lockfile = deriveShrinkwrap()): string {
    return `${JSON.stringify(lock, null, 2)}\n`;
}

if (require.main === module) {
    const expected = shrinkwrapText();
    const current = (() => {
        try {
            return readFileSync(SHRINKWRAP_PATH, "utf8");
        } catch {
            return undefined;
        }
    })();
    if (process.argv.includes("--check")) {
        if (current !== expected) {
            console.error(`${path.relative(PROJECT_DIR, SHRINKWRAP_PATH)} is stale: run npm run policy:shrinkwrap.`);
            process.exit(1);
        }
        console.log(`${path.relative(PROJECT_DIR, SHRINKWRAP_PATH)} matches package-lock.json.`);
    } else {
        writeFileSync(SHRINKWRAP_PATH, expected);
        console.log(`wrote ${path.relative(PROJECT_DIR, SHRINKWRAP_PATH)}: ${Object.keys(deriveShrinkwrap().packages).length - 1} packages`);
    }
}
