#!/usr/bin/env bash
# Generates the clients of the four large corpus specs and runs ruff, mypy --strict and pyright on each (its package and its generated tests).
# Too slow for CI (mypy alone takes minutes per client on 2 cores); run it by hand after generator changes.
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
out=${1:-$(mktemp -d)}
mkdir -p "$out"
for entry in jira-platform/platform-swagger.v3.json box/openapi.json \
             digitalocean/specification/DigitalOcean-public.v2.yaml openai/openapi.yaml; do
    client="$out/${entry%%/*}"
    if ! .venv/bin/python -m generator generate "$corpus/$entry" -o "$client" --lenient > /dev/null 2> "$client.log"; then
        echo "${entry%%/*}: generation failed: $(tail -n 1 "$client.log")"
        continue
    fi
    venv="$PWD/.venv/bin"
    ruff=$(cd "$client" && "$venv/ruff" check --no-cache src tests 2>&1 | tail -n 1)
    mypy=$(cd "$client" && "$venv/mypy" --strict src tests 2>&1 | tail -n 1)
    pyright=$(cd "$client" && "$venv/pyright" --pythonpath "$venv/python" src tests 2>&1 | tail -n 1)
    echo "${entry%%/*}: ruff: $ruff | mypy: $mypy | pyright: $pyright"
done
