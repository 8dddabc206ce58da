// @ts-check
"use strict";
/**
 * `node -r ./tools/plan/transpileCache.js tools/plan/main.ts` (`npm run plan`): ts-node
 * transpile-only, with what it makes of each file kept on disk.
 *
 * Why: ts-node transpiles every one of the ~60 files the plan runs, on every run, with a cold
 * TypeScript compiler; that was over half of `npm run plan`'s time, while those files rarely
 * change between two runs. Here a file whose source, tsconfig, ts-node and TypeScript are those
 * of an earlier run gets that run's output back, and ts-node is only loaded when a file changed.
 *
 * What runs stays what ts-node would run: every output is ts-node's own `compile` (its tsconfig
 * discovery and options, its inline source map), and stack traces are mapped back to the .ts
 * files by the source-map-support ts-node installs, as ts-node installs it. With a TS_NODE_*
 * variable set, or no tsconfig.json to key on, this is plain ts-node; a cache that cannot be
 * written only costs speed.
 *
 * The cache is in node_modules/.cache/guardduty-shared-vpc (GUARDDUTY_SHARED_VPC_TRANSPILE_CACHE
 * names another directory; the bench points it at an empty one to time a first run), with Node's
 * compile cache of V8 code beside it (Node >= 22.1; it checks each entry against the file's
 * content): it spares compiling the large modules every run loads, TypeScript's among them, which
 * @pulumi/pulumi requires for closure serialization.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const CACHE_DIR = process.env.GUARDDUTY_SHARED_VPC_TRANSPILE_CACHE || path.resolve(__dirname, "../../node_modules/.cache/guardduty-shared-vpc");

/** ts-node's default `ignore`, matched against the path relative to the tsconfig's directory. */
const IGNORED = /(?:^|\/)node_modules\//;

/** @param {string} file */
const slashes = (file) => file.replace(/\\/g, "/");

/** @param {...(string | Buffer)} parts */
function digest(...parts) {
    const hash = crypto.createHash("sha256");
    for (const part of parts) hash.update(part).update("\0");
    return hash.digest("hex");
}

/** @param {string} file */
function readOrNull(file) {
    try {
        return fs.readFileSync(file);
    } catch {
        return null;
    }
}

/** @param {string} file @param {string | Buffer} content */
function writeAtomically(file, content) {
    const temporary = `${file}.${process.pid}.tmp`;
    try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(temporary, content);
        fs.renameSync(temporary, file);
    } catch {
        try {
            fs.rmSync(temporary, { force: true });
        } catch {
            // Nothing was written where nothing can be.
        }
    }
}

/** The tsconfig.json ts-node/register uses: the nearest one from the working directory up (ts.findConfigFile). */
function findConfigFile() {
    for (let dir = process.cwd(); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "tsconfig.json");
        if (fs.existsSync(candidate)) return candidate;
        if (path.dirname(dir) === dir) return undefined;
    }
}

/** @param {string} name @param {string} from */
function versionOf(name, from) {
    try {
        return String(JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`, { paths: [from, __dirname] }), "utf8")).version);
    } catch {
        return "(not installed)";
    }
}

/** Where the files ts-node read for this tsconfig are listed. @param {string} configFile */
const configRecordOf = (configFile) => path.join(CACHE_DIR, "config", `${digest(configFile).slice(0, 40)}.json`);

/**
 * Everything besides a file's own name and source that decides ts-node's output for it: this
 * file, the TypeScript and ts-node that would run, and the content of every file ts-node read for
 * its configuration when it last ran (the tsconfig and whatever it extends). Undefined until
 * ts-node has run once with this tsconfig.
 * @param {string} configFile
 */
function environmentKey(configFile) {
    /** @type {{ configFile?: string; read?: string[] } | undefined} */
    let record;
    try {
        record = JSON.parse(fs.readFileSync(configRecordOf(configFile), "utf8"));
    } catch {
        return undefined;
    }
    if (record?.configFile !== configFile || !Array.isArray(record.read)) return undefined;
    const configDir = path.dirname(configFile);
    return digest(
        readOrNull(__filename) ?? "",
        versionOf("typescript", configDir),
        versionOf("ts-node", configDir),
        configFile,
        ...record.read.flatMap((file) => [file, readOrNull(file) ?? "(missing)"]),
    );
}

/** source-map-support as ts-node installs it, reading what this hook compiled from memory. */
function installSourceMapSupport(/** @type {Map<string, string>} */ outputs) {
    const tsNodeDir = path.dirname(require.resolve("ts-node/package.json"));
    require(require.resolve("@cspotcode/source-map-support", { paths: [tsNodeDir] })).install({
        environment: "node",
        retrieveFile: (/** @type {string} */ file) => outputs.get(slashes(file)) ?? "",
        redirectConflictingLibrary: true,
    });
}

function install() {
    const found = findConfigFile();
    if (found === undefined || Object.keys(process.env).some((name) => name.startsWith("TS_NODE_"))) {
        require("ts-node").register({ transpileOnly: true });
        return;
    }
    const configFile = found;
    const configDir = path.dirname(configFile);
    let environment = environmentKey(configFile);
    /** @type {Map<string, string>} compiled output by file, for stack traces (ts-node keeps the same) */
    const outputs = new Map();

    /** @type {{ compile(source: string, fileName: string): string } | undefined} */
    let service;
    /** ts-node's transpile-only service, created for the first file the cache does not hold. */
    function tsNode() {
        if (service) return service;
        const read = new Set([configFile]);
        const ts = require(require.resolve("typescript", { paths: [configDir, __dirname] }));
        service = require("ts-node").create({
            transpileOnly: true,
            readFile: (/** @type {string} */ file) => {
                read.add(path.resolve(file));
                return ts.sys.readFile(file);
            },
        });
        writeAtomically(configRecordOf(configFile), JSON.stringify({ configFile, read: [...read] }));
        environment = environmentKey(configFile);
        return /** @type {NonNullable<typeof service>} */ (service);
    }

    /** @param {string} source @param {string} fileName */
    function compile(source, fileName) {
        const entry = path.join(CACHE_DIR, "ts", `${digest(fileName).slice(0, 40)}.js`);
        const known = environment;
        if (known !== undefined) {
            const header = `//${digest(known, fileName, source)}\n`;
            const cached = readOrNull(entry)?.toString("utf8");
            if (cached?.startsWith(header)) return cached.slice(header.length);
        }
        const output = tsNode().compile(source, fileName);
        // tsNode() has just recorded the configuration, when it had not been.
        const learned = environment;
        if (learned !== undefined) writeAtomically(entry, `//${digest(learned, fileName, source)}\n${output}`);
        return output;
    }

    /** @typedef {NodeJS.Module & { _compile(source: string, fileName: string): unknown }} CompilingModule */
    const extensions = /** @type {Record<string, (module: CompilingModule, fileName: string) => unknown>} */ (
        /** @type {{ _extensions: unknown }} */ (/** @type {unknown} */ (Module))._extensions
    );
    // As ts-node registers itself: the previous handler reads the file, and its `_compile` gets the output instead.
    const previous = extensions[".ts"] ?? extensions[".js"];
    extensions[".ts"] = function (module, fileName) {
        if (IGNORED.test(slashes(path.relative(configDir, fileName)))) return previous(module, fileName);
        const moduleCompile = module._compile;
        module._compile = function (/** @type {string} */ source, /** @type {string} */ name) {
            const output = compile(source, name);
            outputs.set(slashes(name), output);
            return moduleCompile.call(this, output, name);
        };
        return previous(module, fileName);
    };
    installSourceMapSupport(outputs);
}

if (typeof Module.enableCompileCache === "function") Module.enableCompileCache(path.join(CACHE_DIR, "v8"));
install();
