#!/usr/bin/env bash
# The generator's own code held to the bar it sets for its output (README "Code quality"): one formatter,
# lint, strict types and the import layers. .ci/run runs this before the tests; run it before committing.
# Each check runs even when an earlier one failed, so one run lists everything; any failure fails the script.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
failed=()
step() {
    local name=$1
    shift
    echo "--- $name: $*"
    "$@" || failed+=("$name")
}
step black "$bin/black" --check --quiet generator/ scripts/ benchmarks/
step ruff "$bin/ruff" check --quiet generator/
step mypy "$bin/mypy" --strict generator/
step lint-imports "$bin/lint-imports" --no-logo --no-cache
if ((${#failed[@]})); then
    echo "lint failed: ${failed[*]}" >&2
    exit 1
fi
echo "lint passed: black, ruff, mypy --strict, lint-imports"
