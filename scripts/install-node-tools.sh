#!/usr/bin/env bash
# Installs TypeScript (tsc), prettier and @types/node into tools/node/node_modules for the tests of the generated
# TypeScript SDK (tests/targets/typescript/, scripts/typescript_corpus.py), from the committed package.json and
# package-lock.json. The generator itself never runs node: these only check what it writes. Idempotent: does
# nothing when those versions are already installed there.
#
# TypeScript 5.9.3 is the newest TypeScript written in JavaScript; 7.x (the native port, the newest on the
# registry) ships a binary per platform and drops options the generated tsconfig uses. Prettier 3.10.2 runs on
# Node.js 14 and later. To change a version, edit tools/node/package.json, run `npm install` in tools/node and
# commit both files. @types/node (Node.js 20's declarations) type-checks the generated SDK's tests, which use
# node:test and node:assert; it is a devDependency of the generated package too.
set -euo pipefail
cd "$(dirname "$0")/../tools/node"

installed() {
    node -p "try { require('./node_modules/$1/package.json').version } catch (e) { '' }"
}
wanted() {
    node -p "require('./package.json').dependencies['$1']"
}
if [[ "$(installed typescript)" == "$(wanted typescript)" && "$(installed prettier)" == "$(wanted prettier)" \
    && "$(installed @types/node)" == "$(wanted @types/node)" && -x node_modules/.bin/tsc && -x node_modules/.bin/prettier ]]; then
    echo "TypeScript $(installed typescript) and prettier $(installed prettier) are already installed in tools/node"
    exit 0
fi

echo "Installing TypeScript $(wanted typescript) and prettier $(wanted prettier) into tools/node"
npm ci --no-audit --no-fund --loglevel=error
echo "Installed: tools/node/node_modules/.bin/tsc ($(node_modules/.bin/tsc --version)), prettier $(node_modules/.bin/prettier --version)"
