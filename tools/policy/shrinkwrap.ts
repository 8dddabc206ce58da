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
    peer?: boolean;
    inBundle?: boolean;
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
    bundleDependencies?: string[];
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

/**
 * The flags npm itself writes for the pack's tree, so that `npm install` finds the shrinkwrap as it
 * would have written it and leaves it alone: `inBundle` on everything a bundled dependency reaches
 * through any dependency, peer ones included (npm counts a bundle's dependencies as bundled, though
 * it still installs them when the bundler is the root), and `peer` on what only peer dependencies reach.
 */
function dependencyFlags(
    packages: Lockfile["packages"],
    reached: ReadonlyMap<string, LockEntry>,
    declared: readonly string[],
    bundled: ReadonlySet<string>,
): { inBundle: Set<string>; peer: Set<string> } {
    const edges = new Map<string, Array<{ to: string; peer: boolean }>>();
    const rootEdges = [...declared, ...bundled].map((name) => ({ to: `node_modules/${name}`, peer: false }));
    edges.set("", rootEdges);
    for (const [key, entry] of reached) {
        const out: Array<{ to: string; peer: boolean }> = [];
        const add = (names: Record<string, string> | undefined, peer: boolean) => {
            for (const name of Object.keys(names ?? {})) {
                const bundledTarget = `node_modules/${name}`;
                const to = bundled.has(name) && reached.has(bundledTarget) ? bundledTarget : resolveIn(packages, key, name);
                if (to !== undefined && reached.has(to)) out.push({ to, peer });
            }
        };
        add(entry.dependencies, false);
        add(entry.optionalDependencies, false);
        add(entry.peerDependencies, true);
        edges.set(key, out);
    }
    const closure = (from: Iterable<string>, follow: (edge: { peer: boolean }) => boolean) => {
        const seen = new Set<string>(from);
        const queue = [...seen];
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            for (const edge of edges.get(next) ?? []) {
                if (follow(edge) && !seen.has(edge.to)) {
                    seen.add(edge.to);
                    queue.push(edge.to);
                }
            }
        }
        return seen;
    };
    const inBundle = closure(
        [...bundled].map((name) => `node_modules/${name}`),
        () => true,
    );
    const viaNonPeer = closure([""], (edge) => !edge.peer);
    return { inBundle, peer: new Set([...reached.keys()].filter((key) => !viaNonPeer.has(key))) };
}

/** npm's key order in a lockfile entry (json-stringify-nice): scalars and arrays first, name/version/resolved/integrity leading and the rest alphabetical, then objects as they came. */
function npmKeyOrder(entry: LockEntry): LockEntry {
    const preferred = ["name", "version", "lockfileVersion", "resolved", "integrity", "requires", "packages", "dependencies"];
    const isObject = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
    const rank = (key: string) => (preferred.includes(key) ? preferred.indexOf(key) : preferred.length);
    const scalars = Object.keys(entry)
        .filter((key) => !isObject(entry[key]))
        .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, "en"));
    const objects = Object.keys(entry).filter((key) => isObject(entry[key]));
    return Object.fromEntries([...scalars, ...objects].map((key) => [key, entry[key]])) as LockEntry;
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
    const bundled = new Set(pack.bundleDependencies ?? []);
    // A bundled dependency is this repository's own workspace (the root lockfile links it): the
    // tarball carries it (policy/scripts/bundleDependencies.mjs), and npm keeps a package it finds
    // installed that matches its lock entry's version when the entry names no source to fetch.
    for (const name of bundled) {
        const link = packages[`node_modules/${name}`];
        const workspace = link?.link && typeof link.resolved === "string" ? packages[link.resolved] : undefined;
        if (!workspace) throw new Error(`policy/package.json bundles ${name}, which is no workspace of this repository: only workspaces are bundled.`);
        const { name: _name, devDependencies: _dev, ...entry } = workspace;
        reached.set(`node_modules/${name}`, entry);
        queue.push(`node_modules/${name}`);
    }
    const need = (from: string, names: Iterable<string>, optional: boolean) => {
        for (const name of names) {
            if (from === "" && bundled.has(name)) continue;
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
        const entry = reached.get(next)!;
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
        const version = reached.get(`node_modules/${name}`)?.version;
        if (version !== range)
            throw new Error(
                `policy/package.json pins ${name} ${range} but package-lock.json has ${version}: pin exact versions and run npm install at the repository root.`,
            );
    }

    const shrinkwrapPackages: Lockfile["packages"] = {
        "": {
            name: pack.name,
            version: pack.version,
            ...(bundled.size > 0 ? { bundleDependencies: [...bundled] } : {}),
            license: pack.license,
            dependencies: declared,
            engines: pack.engines,
        },
    };
    const flags = dependencyFlags(packages, reached, Object.keys(declared), bundled);
    for (const key of [...reached.keys()].sort()) {
        // Everything the pack reaches is a runtime dependency of it, whatever the root tree marks; npm's own flags are the pack tree's.
        const { dev: _dev, devOptional: _devOptional, peer: _peer, inBundle: _inBundle, ...entry } = reached.get(key)!;
        shrinkwrapPackages[key] = npmKeyOrder({
            ...entry,
            ...(flags.inBundle.has(key) ? { inBundle: true } : {}),
            ...(flags.peer.has(key) ? { peer: true } : {}),
        });
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
