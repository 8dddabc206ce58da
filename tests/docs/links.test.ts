/**
 * Relative links in the README and docs/ must reach a file that exists and, with `#anchor`, a
 * heading that exists: the README once pointed at `#more-regions`, a section only
 * docs/management-audit.md had.
 */
import * as assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_DIR } from "../helpers/offline";

/** GitHub's anchor for a heading: lowercase, punctuation dropped (hyphens and underscores kept), spaces as hyphens. */
function headingAnchor(heading: string): string {
    return heading
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}_\- ]/gu, "")
        .replace(/ /g, "-");
}

/** Markdown outside fenced code blocks, where `](…)` and `#` lines are links and headings. */
function prose(file: string): string {
    return readFileSync(path.join(PROJECT_DIR, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
}

function anchorsOf(file: string): Set<string> {
    return new Set([...prose(file).matchAll(/^#{1,6} (.+)$/gm)].map((match) => headingAnchor(match[1].replace(/`/g, ""))));
}

const DOCUMENTS = [
    "README.md",
    ...readdirSync(path.join(PROJECT_DIR, "docs"))
        .filter((file) => file.endsWith(".md"))
        .map((file) => `docs/${file}`),
];

describe("documentation links", () => {
    it("computes GitHub's anchors for headings with code, punctuation and capitals", () => {
        assert.equal(headingAnchor("More regions"), "more-regions");
        assert.equal(headingAnchor("The audit account's detector (management first, then audit)"), "the-audit-accounts-detector-management-first-then-audit");
        assert.equal(headingAnchor("5. CI/CD with GitHub Actions"), "5-cicd-with-github-actions");
        assert.equal(headingAnchor("Moving a region into regions from its own pair of stacks"), "moving-a-region-into-regions-from-its-own-pair-of-stacks");
    });

    for (const document of DOCUMENTS) {
        it(`${document}: every relative link reaches an existing file and heading`, () => {
            const broken: string[] = [];
            for (const [, target] of prose(document).matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^[a-z]+:/i.test(target)) continue;
                const [file, anchor] = target.split("#");
                const resolved = file ? path.normalize(path.join(path.dirname(document), file)) : document;
                if (!existsSync(path.join(PROJECT_DIR, resolved))) broken.push(`${target}: no file ${resolved}`);
                else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor)) broken.push(`${target}: no heading #${anchor} in ${resolved}`);
            }
            assert.deepEqual(broken, []);
        });
    }
});
