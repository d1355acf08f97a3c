"""The files that make the generated npm package a repository that tests, checks and publishes itself: the spec
the mock server serves (`openapi/`), the scripts (`bootstrap`, `format`, `lint`, `mock`, `test`; `build` is
package.py's), the CI and npm publish workflows and CONTRIBUTING.md.

The scripts are bash, run as `bash scripts/<name>` (the writer keeps no file modes). Spec text reaches them only
as the spec copy's file name, quoted for the shell; the workflows hold no spec text.
"""

from __future__ import annotations

import shlex

from generator.spec.load import Spec
from generator.targets.spec_copy import SPEC_FOLDER, entry_name, spec_files
from generator.targets.typescript.plan import Plan

PRISM_VERSION = "5.14.2"  # the mock server the scripts run (the newest Prism 5 for Node.js 20)
NODES = ("18", "20", "22")  # CI's test matrix: the versions package.json's `engines` admits that are maintained


def repository_files(plan: Plan, spec: Spec, overlaid: bool, npm_name: str) -> dict[str, str]:
    """{path: text}; `overlaid`: the config's overlays changed the spec in memory (the copy is then what the
    generator read after them)."""
    files = spec_files(spec, overlaid)
    spec_path = f"{SPEC_FOLDER}/{entry_name(spec)}"
    files["scripts/bootstrap"] = _BOOTSTRAP
    files["scripts/format"] = _FORMAT
    files["scripts/lint"] = _LINT
    files["scripts/mock"] = _MOCK.replace("@SPEC@", shlex.quote(spec_path)).replace("@PRISM@", PRISM_VERSION)
    files["scripts/test"] = _TEST
    files[".github/workflows/ci.yml"] = _CI.replace("@NODES@", ", ".join(f"'{v}'" for v in NODES))
    files[".github/workflows/publish-npm.yml"] = _PUBLISH.replace("@NPM_NAME@", npm_name)
    files["CONTRIBUTING.md"] = _contributing(plan, npm_name, spec_path)
    return files


_BOOTSTRAP = """#!/usr/bin/env bash
# Installs the development dependencies (TypeScript, prettier, Node.js's type declarations): `npm ci` when
# package-lock.json is there, else `npm install`. The package itself has no runtime dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -f package-lock.json ]]; then
    npm ci --no-audit --no-fund
else
    npm install --no-audit --no-fund
fi
"""

_FORMAT = """#!/usr/bin/env bash
# Lays out every file as prettier does (.prettierrc.json; .prettierignore names what it leaves alone).
set -euo pipefail
cd "$(dirname "$0")/.."
"${PRETTIER:-node_modules/.bin/prettier}" --write .
"""

_LINT = """#!/usr/bin/env bash
# Checks the layout (prettier), then type-checks the sources and the tests with tsc in strict mode. The tests
# import the package by its name, so it is built first (scripts/build). TSC and PRETTIER may name the tools.
set -euo pipefail
cd "$(dirname "$0")/.."
TSC="${TSC:-node_modules/.bin/tsc}"
"${PRETTIER:-node_modules/.bin/prettier}" --check .
"$TSC" -p tsconfig.json --noEmit
if [[ -f tests/tsconfig.json ]]; then  # an API without operations has no tests
    TSC="$TSC" bash scripts/build
    "$TSC" -p tests/tsconfig.json --noEmit
fi
"""

_MOCK = """#!/usr/bin/env bash
# Starts a mock server of the API on 127.0.0.1: Prism, serving this repository's copy of the spec, so nothing
# but Prism itself comes from the network.
#
#   bash scripts/mock            in the foreground, on port ${MOCK_PORT:-4010}
#   bash scripts/mock --daemon   in the background: returns once it answers; its process group id is in
#                                .prism.pid, its port in .prism.port, its output in .prism.log
#
# Prism @PRISM@ comes from the npm registry through npx; PRISM may name a Prism executable to use instead.
# MOCK_TIMEOUT: seconds to wait for it to start (default 300).
set -euo pipefail
cd "$(dirname "$0")/.."

spec=@SPEC@
port="${MOCK_PORT:-4010}"
if [[ -n "${PRISM:-}" ]]; then
    prism=("$PRISM")
else
    prism=(npx --yes @stoplight/prism-cli@@PRISM@)
fi

if [[ "${1:-}" != "--daemon" ]]; then
    exec "${prism[@]}" mock "$spec" -h 127.0.0.1 -p "$port"
fi

rm -f .prism.pid .prism.port
set -m  # its own process group, so that stopping it stops node and everything npx started
NO_COLOR=1 FORCE_COLOR=0 "${prism[@]}" mock "$spec" -h 127.0.0.1 -p "$port" >.prism.log 2>&1 </dev/null &
pid=$!
set +m
deadline=$((SECONDS + ${MOCK_TIMEOUT:-300}))
until grep -q "Prism is listening" .prism.log 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "scripts/mock: Prism exited before it was ready:" >&2
        tail -n 20 .prism.log >&2
        exit 1
    fi
    if ((SECONDS > deadline)); then
        echo "scripts/mock: Prism was not ready after ${MOCK_TIMEOUT:-300} s (see .prism.log)" >&2
        kill -- "-$pid" 2>/dev/null || true
        exit 1
    fi
    sleep 0.2
done
echo "$pid" >.prism.pid
echo "$port" >.prism.port
echo "scripts/mock: Prism serves $spec on http://127.0.0.1:$port (stop it with: kill -- -$pid)"
"""

_TEST = """#!/usr/bin/env bash
# Builds the package, compiles the tests (tests/tsconfig.json, into dist-tests/) and runs them with `node --test`
# (arguments are passed on to it) against a mock server of the API: the one TEST_API_BASE_URL names, else one
# `scripts/mock --daemon` left running, else one started here on a free port and stopped when the tests end.
# TSC may name the TypeScript compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
TSC="${TSC:-node_modules/.bin/tsc}"
if [[ ! -f tests/tsconfig.json ]]; then
    echo "scripts/test: the API has no operations, so there are no tests"
    exit 0
fi

started=""
stop_mock() {
    if [[ -n "$started" ]]; then
        kill -- "-$started" 2>/dev/null || true
        rm -f .prism.pid .prism.port
    fi
}
trap stop_mock EXIT

if [[ -z "${TEST_API_BASE_URL:-}" ]]; then
    if [[ -f .prism.pid && -f .prism.port ]] && kill -0 "$(cat .prism.pid)" 2>/dev/null; then
        export TEST_API_BASE_URL="http://127.0.0.1:$(cat .prism.port)"
    else
        free_port='const s = require("net").createServer().listen(0, "127.0.0.1", () => {
            console.log(s.address().port);
            s.close();
        });'
        MOCK_PORT="$(node -e "$free_port")" bash scripts/mock --daemon
        started="$(cat .prism.pid)"
        export TEST_API_BASE_URL="http://127.0.0.1:$(cat .prism.port)"
    fi
fi

TSC="$TSC" bash scripts/build
rm -rf dist-tests
"$TSC" -p tests/tsconfig.json
mapfile -t tests < <(find dist-tests -name '*.test.js' | LC_ALL=C sort)
node --test "$@" "${tests[@]}"
"""

_CI = """# Layout, type checks and tests of the SDK on every push and pull request (generated; edit the spec or the
# generator's config instead).
name: CI

on:
  push:
    branches: [main]
  pull_request:
  workflow_dispatch:

permissions:
  contents: read

jobs:
  lint:
    name: prettier and tsc
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: '22'
      - name: Install
        run: bash scripts/bootstrap
      - name: prettier --check, tsc --noEmit (sources and tests)
        run: bash scripts/lint

  test:
    name: test on Node.js ${{ matrix.node }}
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        node: [@NODES@]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${{ matrix.node }}
      - name: Install
        run: bash scripts/bootstrap
      - name: Tests against a mock server of the API (Prism, started by scripts/test)
        run: bash scripts/test
"""

_PUBLISH = """# Publishes the package to npm when a GitHub release is published (or by hand), with provenance. The
# repository secret NPM_TOKEN must hold an npm automation token allowed to publish @NPM_NAME@. The release's tag
# must name the version in package.json (`v1.2.3`).
name: Publish to npm

on:
  release:
    types: [published]
  workflow_dispatch:

permissions:
  contents: read

jobs:
  publish:
    name: build, check and publish
    runs-on: ubuntu-latest
    environment: npm
    permissions:
      contents: read
      id-token: write # npm provenance
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: '22'
          registry-url: 'https://registry.npmjs.org'
      - name: The release's tag names the version being published
        if: github.event_name == 'release'
        env:
          TAG: ${{ github.event.release.tag_name }}
        run: |
          version=$(node -p 'require("./package.json").version')
          if [ "${TAG#v}" != "$version" ]; then
            echo "the release tag $TAG does not name the version $version of package.json" >&2
            exit 1
          fi
      - name: Install
        run: bash scripts/bootstrap
      - name: Lint and build
        run: bash scripts/lint
      - name: Publish
        run: npm publish --provenance --access public
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
"""


def _contributing(plan: Plan, npm_name: str, spec_path: str) -> str:
    lines = [
        f"# Contributing to {npm_name}",
        "",
        "This repository is generated from the API's OpenAPI document by openapi-sdkgen: the package (`src/`),",
        "its tests, the scripts, the workflows and these notes. Most changes belong in the spec or in the",
        "generator's config, not in these files.",
        "",
        "## Setting up",
        "",
        "```sh",
        "bash scripts/bootstrap",
        "```",
        "",
        "installs TypeScript, prettier and Node.js's type declarations (the package itself has no dependencies).",
        f"The tests call every method against a mock server of the API: Prism {PRISM_VERSION}, which the scripts",
        f"run through `npx`, serving `{spec_path}`, the copy of the spec in this repository. Set `PRISM` to a",
        "Prism executable to use that one instead.",
        "",
        "## Running",
        "",
        "- `bash scripts/build`: compiles `src/` to CommonJS in `dist/cjs` and ES modules in `dist/esm`, each",
        "  with its declarations.",
        "- `bash scripts/test`: builds, compiles the tests into `dist-tests/` and runs them with `node --test`",
        "  against the mock server `TEST_API_BASE_URL` names, else one `scripts/mock --daemon` left running,",
        "  else one it starts on a free port and stops at the end.",
        "- `bash scripts/mock`: the mock server in the foreground on port `MOCK_PORT` (default 4010); `--daemon`",
        "  in the background.",
        "- `bash scripts/lint`: `prettier --check`, then `tsc` over the sources and the tests.",
        "- `bash scripts/format`: `prettier --write`.",
        "",
        "`tests/api-resources/` mirrors the client (`client.a.b` is tested in `tests/api-resources/a/b.test.ts`).",
        "Each method is called with its required parameters, checking `.asResponse()`, the awaited value and",
        "`.withResponse()`, and, when it has optional ones, with every parameter. The values are the spec's",
        "examples, else values built to fit the parameters' schemas.",
        "",
        "## Releasing",
        "",
        "Publish a GitHub release tagged `v<version>` (the version in package.json):",
        "`.github/workflows/publish-npm.yml` lints, builds and publishes the package to npm with the repository",
        "secret `NPM_TOKEN`.",
        "",
    ]
    return "\n".join(lines)
