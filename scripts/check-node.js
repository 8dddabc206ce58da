// `npm ci` runs this first (preinstall). On a Node.js older than package.json's engines it stops
// with the way out, instead of npm's engine warning scrolling past and the suite later failing in
// ways that do not say why. Plain ES5 and no dependencies: it must run on whatever Node is here.
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
            "guardduty-shared-vpc needs Node.js " + required + " or later (its Pulumi SDK does); this is Node.js v" + process.versions.node + ".",
            "Fetch the pinned Node.js " + required + " from the npm registry (no root; cached outside the clone) and run again:",
            "",
            "    export PATH=\"$(scripts/node.sh " + required + "):$PATH\"",
            "    npm ci && npm test",
            "",
            "Or install it with nvm: `nvm install` (reads .nvmrc).",
            ""
        ].join("\n")
    );
    process.exit(1);
}
