#!/usr/bin/env bash
# Creates the benchmark-only virtualenv benchmarks/.venv-reference and installs the reference
# generator, openapi-python-client, into it. Never touches the project's own .venv. Idempotent:
# re-running it when the pinned version is already installed does nothing.
set -euo pipefail

REFERENCE_VERSION="0.29.1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv-reference"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi

installed="$("$venv/bin/python" -m pip show openapi-python-client 2>/dev/null | sed -n 's/^Version: //p' || true)"
if [ "$installed" != "$REFERENCE_VERSION" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "openapi-python-client==$REFERENCE_VERSION"
fi

printf "%s in %s\n" "$("$venv/bin/openapi-python-client" --version)" "$venv"
