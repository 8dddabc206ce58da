import * as assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import {
    AGENT_MANAGEMENT_MODES,
    AGENT_PACKAGE,
    AGENT_SSM_DOCUMENT,
    GUARDDUTY_MANAGED_TAG,
    PROJECT,
    roleComponentType,
    ROLES,
} from "guardduty-shared-vpc-contract/vocabulary";
import { PROJECT_DIR } from "../helpers/offline";

/**
 * Issue 13's "one vocabulary": the names the program, the pack and the tools share are written
 * once, in contract/src/vocabulary.ts, and imported everywhere else. Tests are exempt: they spell
 * values out on purpose, so that a changed constant shows up as a failing test.
 */
const SCANNED = ["index.ts", "stacks", "src", "policy", "tools", "bench", "examples"];

function sourceFiles(entry: string): string[] {
    const stat = statSync(entry, { throwIfNoEntry: false });
    if (!stat) return [];
    if (stat.isFile()) return /\.ts$/.test(entry) && !entry.endsWith(".d.ts") ? [entry] : [];
    return readdirSync(entry)
        .filter((name) => name !== "node_modules" && name !== "dist" && !name.startsWith("."))
        .flatMap((name) => sourceFiles(path.join(entry, name)));
}

interface Spelling {
    file: string;
    line: number;
    text: string;
    why: string;
}

/** A component type token of this project: `guardduty-shared-vpc:<module>:<Type>`. */
const OWN_TYPE_TOKEN = new RegExp(`^${PROJECT}:[a-z][A-Za-z]*:([A-Z][A-Za-z]*|$)`);

/** A configuration key in the project's namespace, written out whole: `guardduty-shared-vpc:accountId`. */
const OWN_CONFIG_KEY = new RegExp(`^${PROJECT}:[A-Za-z][\\w.\\[\\]]*$`);

/**
 * A guardduty-data service name built or written out (`com.amazonaws.${region}.guardduty-data`),
 * or the FIPS variant's name: the variant depends on the partition, which
 * guardDutyDataServiceName() decides in one place.
 */
const GUARDDUTY_DATA_SERVICE_NAME = /(^|\.)guardduty-data-fips\b|^com\.amazonaws\.[^.]*\.guardduty-data\b|^\.guardduty-data\b/;

/** Every place a file's text spells out a vocabulary value instead of importing it. */
function spellings(file: string, text = readFileSync(file, "utf8")): Spelling[] {
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const exact = new Map<string, string>([
        [PROJECT, "PROJECT"],
        [GUARDDUTY_MANAGED_TAG, "GUARDDUTY_MANAGED_TAG"],
        [AGENT_SSM_DOCUMENT, "AGENT_SSM_DOCUMENT"],
        [AGENT_PACKAGE, "AGENT_PACKAGE"],
        ...ROLES.map((role) => [roleComponentType(role), `roleComponentType("${role}")`] as [string, string]),
    ]);
    const lists = [
        { values: ROLES as readonly string[], name: "ROLES" },
        { values: AGENT_MANAGEMENT_MODES as readonly string[], name: "AGENT_MANAGEMENT_MODES" },
    ];
    const found: Spelling[] = [];
    const report = (node: ts.Node, why: string) =>
        found.push({
            file: path.relative(PROJECT_DIR, file),
            line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            text: node.getText().slice(0, 80),
            why,
        });
    const visit = (node: ts.Node): void => {
        // An import's module name is where the vocabulary comes from, not a spelling of it.
        if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) return;
        if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
            const name = exact.get(node.text);
            if (name) report(node, `import ${name} from guardduty-shared-vpc-contract/vocabulary`);
            else if (OWN_TYPE_TOKEN.test(node.text)) report(node, "build type tokens with componentType()/roleComponentType()");
            else if (GUARDDUTY_DATA_SERVICE_NAME.test(node.text)) report(node, "build the service name with guardDutyDataServiceName(region)");
            else if (OWN_CONFIG_KEY.test(node.text)) report(node, "write the namespace as `${PROJECT}:…`");
        } else if (ts.isTemplateExpression(node) && OWN_TYPE_TOKEN.test(node.head.text)) {
            report(node, "build type tokens with componentType()/roleComponentType()");
        } else if (
            ts.isTemplateExpression(node) &&
            [node.head, ...node.templateSpans.map((span) => span.literal)].some((part) => GUARDDUTY_DATA_SERVICE_NAME.test(part.text))
        ) {
            report(node, "build the service name with guardDutyDataServiceName(region)");
        } else if (ts.isArrayLiteralExpression(node)) {
            const strings = node.elements.map((element) => (ts.isStringLiteral(element) ? element.text : undefined));
            for (const list of lists) {
                if (strings.length === list.values.length && list.values.every((value) => strings.includes(value))) {
                    report(node, `import ${list.name} from guardduty-shared-vpc-contract/vocabulary`);
                }
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe("architecture: one vocabulary", () => {
    const files = SCANNED.flatMap((entry) => sourceFiles(path.join(PROJECT_DIR, entry)));

    it("scans the program, the pack, the tools, the bench and the examples", () => {
        for (const root of ["stacks", "src", "policy", "tools", "bench", "examples"]) {
            assert.ok(
                files.some((file) => path.relative(PROJECT_DIR, file).startsWith(`${root}${path.sep}`)),
                `no source files under ${root}/`,
            );
        }
    });

    it("spells no role list, mode list, agent tag, SSM document, project name, namespaced key, type token or guardduty-data service name outside the contract", () => {
        const found = files.flatMap((file) => spellings(file)).map((s) => `${s.file}:${s.line} ${s.text} (${s.why})`);
        assert.deepEqual(found, []);
    });

    it("catches each kind of spelling it is meant to catch", () => {
        const spelled = [
            `const roles = ["participant", "owner", "audit", "management"];`,
            `const modes = ["manual", "automated"];`,
            `const tag = "GuardDutyManaged";`,
            `const doc = 'AmazonGuardDuty-ConfigureRuntimeMonitoringSsmPlugin';`,
            "const type = `guardduty-shared-vpc:stacks:${role}`;",
            `const other = "guardduty-shared-vpc:network:SharedVpc";`,
            `const project = "guardduty-shared-vpc";`,
            `const pkg = { name: "AmazonGuardDuty-RuntimeMonitoringSsmPlugin" };`,
            `const config = { "guardduty-shared-vpc:accountId": "111111111111" };`,
            'const fine = `${PROJECT}:accountId`; const alsoFine = ["owner", "participant"]; const prose = "set guardduty-shared-vpc:accountId to the GuardDutyManaged account";',
            "const service = `com.amazonaws.${region}.guardduty-data`;",
            'const govCloud = "com.amazonaws.us-gov-west-1.guardduty-data";',
            'const fips = { service: "guardduty-data-fips" };',
            "const name = `${prefix}.guardduty-data-fips`;",
            'const prose = "the guardduty-data endpoint of the owner"; const label = "guardduty-data";',
            `import { ROLES } from "guardduty-shared-vpc";`,
        ].join("\n");
        assert.deepEqual(
            spellings(path.join(PROJECT_DIR, "src", "probe.ts"), spelled).map((s) => s.line),
            [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14],
        );
    });
});
