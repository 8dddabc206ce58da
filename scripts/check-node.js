// `npm ci` runs this first (preinstall). On a Node.js older than package.json's engines it says so,
// with the way out, where npm's own engine warning scrolls past unread. It warns rather than stops:
// the suite still runs on the previous LTS, so a newcomer's first `npm ci && npm test` works, while
// CI (.ci/run) proves the supported versions. Plain ES5 and no dependencies: it must run on
// whatever Node is here.
"use strict";
var path = require("path");

var range = require(path.join(__dirname, "..", "package.json")).engines.node;
var minimum = /^>=\s*(\d+)$/.exec(range);
if (!minimum) {
    console.error("check-node: package.json engines.node is \"" + range + "\"; this check understands only \">=N\"");
    process.exit(1);
}
var required = Number(minimum[1]);
var running = Number(process.versions.node.split(".")[0]);
if (running < required) {
    console.error(
        [
            "",
            "warning: guardduty-shared-vpc supports Node.js " + required + " or later (its Pulumi SDK does); this is Node.js v" + process.versions.node + ".",
            "The install and the tests go on, but only Node.js " + required + "+ is supported and tested (.ci/run).",
            "Fetch the pinned Node.js " + required + " from the npm registry (no root; cached outside the clone):",
            "",
            "    export PATH=\"$(scripts/node.sh " + required + "):$PATH\"",
            "    npm ci && npm test",
            "",
            "Or install it with nvm: `nvm install` (reads .nvmrc).",
            ""
        ].join("\n")
    );
}
