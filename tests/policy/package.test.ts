import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import * as ts from "typescript";
import { allPolicies } from "../../policy/policies";
import { evaluatePolicies } from "../../tools/policy/evaluate";
import { POLICY_PACK_DIR } from "../../tools/policy/paths";
import { shrinkwrapText } from "../../tools/policy/shrinkwrap";
import { emptyDirectory, extractPack, linkDependenciesFromRepository, PackedPolicy, packPackage, packPolicy } from "../../tools/policy/standalone";
import { AnalyzerConnection, startPolicyPack } from "../../tools/policy/wire";
import { participantFixture } from "./helpers";

const START_TIMEOUT_MS = 60000;

interface PackManifest {
    name: string;
    version: string;
    main: string;
    dependencies: Record<string, string>;
    devDependencies?: Record<string, string>;
    bundleDependencies?: string[];
}

/** Files under `dir` (relative, `/`-separated), leaving out node_modules and dot-files. */
function filesUnder(dir: string, prefix = ""): string[] {
    return readdirSync(dir).flatMap((entry) => {
        if (entry === "node_modules" || entry.startsWith(".")) return [];
        const full = path.join(dir, entry);
        return statSync(full).isDirectory() ? filesUnder(full, `${prefix}${entry}/`) : [`${prefix}${entry}`];
    });
}

/** The pack's own TypeScript in the repository (its modules and declarations): what must ship, tests excluded. */
function packSources(): string[] {
    return filesUnder(POLICY_PACK_DIR).filter((file) => file.endsWith(".ts") && !/\.(test|spec)\.ts$/.test(file));
}

/** What `npm pack` compiles the pack's modules to (policy/scripts/compile.mjs), next to each. */
function compiledFrom(sources: readonly string[]): string[] {
    return sources.filter((file) => !file.endsWith(".d.ts")).flatMap((file) => [file.replace(/\.ts$/, ".js"), file.replace(/\.ts$/, ".js.map")]);
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function packageName(specifier: string): string {
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/**
 * `policy/` as a package of its own: what `npm pack` puts in the tarball (which is what
 * `pulumi policy publish` uploads), and that tarball installed in an empty directory, out of reach
 * of this repository's node_modules, started as the CLI starts a pack.
 *
 * The install here lays out the shrinkwrap's tree from the repository's installed packages (hard
 * links, ~2 s) instead of running npm (~20 s of the suite on this 2-core machine, more when
 * others are busy): the tree is the same, since the shrinkwrap's entries are the root lockfile's
 * (checked below) and `npm ci` installed exactly those. `npm run policy:pack-check` runs the real
 * `npm install --offline` and `tsc` in the installed directory.
 */
describe("policy pack as a package of its own (npm pack, installed in an empty directory)", function () {
    this.timeout(START_TIMEOUT_MS + 60000);
    const manifest = JSON.parse(readFileSync(path.join(POLICY_PACK_DIR, "package.json"), "utf8")) as PackManifest;
    let work: string;
    let packed: PackedPolicy;
    let packDir: string;

    before(() => {
        work = emptyDirectory();
        packed = packPolicy(work);
        packDir = extractPack(packed.tarball, work);
    });

    after(() => {
        if (work) rmSync(work, { recursive: true, force: true });
    });

    it("packs its modules (TypeScript, and the JavaScript npm pack compiled them to), project file, compiler settings, manifest and lockfile, and nothing else: no tests, no tools", () => {
        const own = packed.files.filter((file) => !file.startsWith("node_modules/"));
        const sources = packSources();
        const expected = [...sources, ...compiledFrom(sources), "PulumiPolicy.yaml", "tsconfig.json", "package.json", "npm-shrinkwrap.json"].sort();
        assert.deepEqual(own, expected);
        assert.deepEqual(manifest.devDependencies ?? {}, {}, "the pack's tooling is the repository's, not the pack's");
    });

    it("starts from the JavaScript where it is installed and from the TypeScript in the repository, which npm pack leaves without compiled files", () => {
        assert.equal(manifest.main, "index", "an extension in main would pick one of the two for both");
        assert.equal(require.resolve(packDir), path.join(packDir, "index.js"));
        // ts-node is registered in this process as run-policy-pack registers it in the pack's.
        assert.equal(require.resolve(POLICY_PACK_DIR), path.join(POLICY_PACK_DIR, "index.ts"));
        const compiled = filesUnder(POLICY_PACK_DIR).filter((file) => /\.js(\.map)?$/.test(file));
        assert.deepEqual(compiled, [], "compiled files left in policy/ would run instead of the sources");
        assert.equal(existsSync(path.join(POLICY_PACK_DIR, ".compiled-by-prepack")), false);
    });

    it("bundles the contract package exactly as that package publishes itself, and leaves policy/ as it found it", () => {
        assert.deepEqual(manifest.bundleDependencies, ["guardduty-shared-vpc-contract"]);
        const contractDir = path.dirname(require.resolve("guardduty-shared-vpc-contract/package.json", { paths: [POLICY_PACK_DIR] }));
        const published = packPackage(contractDir, work, true).files.map((file) => `node_modules/guardduty-shared-vpc-contract/${file}`);
        assert.deepEqual(
            packed.files.filter((file) => file.startsWith("node_modules/")),
            published,
        );
        assert.ok(published.includes("node_modules/guardduty-shared-vpc-contract/dist/vocabulary.js"), "the vocabulary the pack imports is built");
        // prepack places the copy in policy/node_modules; postpack must take it away again, or the repository would resolve a stale copy.
        assert.equal(existsSync(path.join(POLICY_PACK_DIR, "node_modules")), false, "policy/node_modules is left behind");
    });

    it("imports, from what it ships, only its own modules, Node's and the dependencies it declares, pinned exactly", () => {
        const shipped = new Set(packed.files);
        const declared = new Set(Object.keys(manifest.dependencies));
        const builtins = new Set(builtinModules);
        const breaches: string[] = [];
        for (const file of packed.files.filter((f) => /\.(ts|js)$/.test(f) && !f.startsWith("node_modules/"))) {
            const extension = path.extname(file);
            for (const { fileName: specifier } of ts.preProcessFile(readFileSync(path.join(packDir, file), "utf8"), true, true).importedFiles) {
                if (specifier.startsWith(".")) {
                    const base = path.posix.join(path.posix.dirname(file), specifier);
                    if (![`${base}${extension}`, `${base}/index${extension}`].some((candidate) => shipped.has(candidate)))
                        breaches.push(`${file} → ${specifier} (not shipped)`);
                } else if (!specifier.startsWith("node:") && !builtins.has(specifier) && !declared.has(packageName(specifier))) {
                    breaches.push(`${file} → ${specifier} (not a dependency of the pack)`);
                }
            }
        }
        // The compiler's `types` are imports too: ts-node type-checks the pack with them when it starts.
        const tsconfig = ts.parseConfigFileTextToJson("tsconfig.json", readFileSync(path.join(packDir, "tsconfig.json"), "utf8")).config as {
            compilerOptions?: { types?: string[] };
        };
        for (const type of tsconfig.compilerOptions?.types ?? [])
            if (!declared.has(`@types/${type}`)) breaches.push(`tsconfig.json types → ${type} (@types/${type} is not a dependency of the pack)`);
        assert.deepEqual(breaches, []);
        for (const [name, version] of Object.entries(manifest.dependencies)) assert.match(version, /^\d+\.\d+\.\d+$/, `${name} is pinned exactly`);
    });

    it("ships the root lockfile's tree for its dependencies (npm-shrinkwrap.json is current: npm run policy:shrinkwrap)", () => {
        assert.equal(readFileSync(path.join(packDir, "npm-shrinkwrap.json"), "utf8"), shrinkwrapText());
        const lock = JSON.parse(shrinkwrapText()) as { version: string; packages: Record<string, { dependencies?: Record<string, string> }> };
        assert.equal(lock.version, manifest.version);
        assert.deepEqual(lock.packages[""].dependencies, manifest.dependencies);
    });

    it("installed alone, starts through run-policy-pack as the CLI does, answers GetAnalyzerInfo with its policies, version and settings, and judges a stack as its sources do", async () => {
        const linked = linkDependenciesFromRepository(packDir);
        console.log(
            `      ${path.basename(packed.tarball)}: ${packed.files.length} files, ${(packed.size / 1024).toFixed(1)} KiB; ${linked.packages} packages linked (${linked.files} files)`,
        );
        // Everything the pack loads resolves inside its own directory.
        for (const dependency of [
            "@pulumi/policy",
            "@pulumi/pulumi/cmd/run-policy-pack",
            "typescript",
            "ts-node",
            "guardduty-shared-vpc-contract/vocabulary",
        ]) {
            assert.ok(require.resolve(dependency, { paths: [packDir] }).startsWith(`${packDir}${path.sep}`), dependency);
        }
        const pack = await startPolicyPack({ packDir, timeoutMs: START_TIMEOUT_MS });
        const analyzer = new AnalyzerConnection(pack.address);
        try {
            console.log(`      start-up of the installed pack (spawn → port): ${pack.startupMs.toFixed(0)} ms`);
            const info = await analyzer.info();
            assert.equal(info.name, "guardduty-shared-vpc");
            assert.equal(info.version, manifest.version);
            assert.equal(info.supportsConfig, true);
            assert.deepEqual(
                info.policies.map((p) => [p.name, p.enforcementLevel, p.configSchema]),
                allPolicies.map((p) => [p.name, "mandatory", p.configSchema]),
            );
            // The compiled policies judge as the sources do: a participant with an endpoint on the owner's group, unpinned.
            const { b, provider } = participantFixture();
            provider.inputs = { region: "us-east-1" };
            provider.outputs = { ...provider.inputs };
            b.add("aws:ec2/vpcEndpoint:VpcEndpoint", "own-endpoint", {
                vpcId: "vpc-0aef6ec2d11fe5f5b",
                serviceName: "com.amazonaws.us-east-1.ssm",
                vpcEndpointType: "Interface",
                privateDnsEnabled: true,
                securityGroupIds: ["sg-b339f47ff1b3e097f"],
            });
            const overTheWire = (await analyzer.analyzeStack(b.resources)).map((d) => [d.policy, d.enforcementLevel, d.urn, d.message]);
            // The SDK puts the policy's description before each message it sends.
            const description = new Map(allPolicies.map((p) => [p.name, p.description]));
            const fromSources = (await evaluatePolicies("participant", b.resources))
                .filter((v) => v.phase === "stack")
                .map((v) => [v.policy, v.enforcementLevel, v.urn, `${description.get(v.policy)}\n${v.message}`]);
            assert.equal(overTheWire.length, 3, JSON.stringify(overTheWire));
            assert.deepEqual(overTheWire, fromSources);
        } finally {
            analyzer.close();
            await pack.stop();
        }
    });
});
