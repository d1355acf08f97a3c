#!/usr/bin/env bash
# Creates the benchmark-only virtualenv benchmarks/.venv-client for client_overhead.py. Never touches the
# project's own .venv. Idempotent: re-running it when everything is in place does nothing.
#
# Both SDKs are imported as `conductor`, so they live apart and are never imported in one interpreter:
#   - the reference, conductor-py (Stainless-generated, from PyPI), in the venv's site-packages, with
#     its own dependencies;
#   - ours, from generated/, with `pip install --no-deps --target benchmarks/.venv-client/ours`;
#     client_overhead.py puts that folder first on PYTHONPATH when it measures ours.
# httpx and pydantic are pinned to the versions of the project's .venv, so both SDKs (and the plain
# httpx baseline) run on the same ones. Ours is reinstalled whenever generated/src/conductor changed.
set -euo pipefail

REFERENCE_VERSION="1.92.3"  # conductor-py
HTTPX_VERSION="0.28.1"
PYDANTIC_VERSION="2.14.4"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="$here/.venv-client"
ours="$venv/ours"
pip=("$venv/bin/python" -m pip --quiet --disable-pip-version-check)

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi

version_of() { "$venv/bin/python" -m pip show "$1" 2>/dev/null | sed -n 's/^Version: //p' || true; }
if [ "$(version_of conductor-py)" != "$REFERENCE_VERSION" ] \
    || [ "$(version_of httpx)" != "$HTTPX_VERSION" ] \
    || [ "$(version_of pydantic)" != "$PYDANTIC_VERSION" ]; then
    "${pip[@]}" install "conductor-py==$REFERENCE_VERSION" "httpx==$HTTPX_VERSION" \
        "pydantic==$PYDANTIC_VERSION"
fi

# Ours: installed from a copy of generated/ (so building the wheel writes nothing into the work tree),
# and only when the installed sources differ from generated/src/conductor.
if ! diff -rq --exclude=__pycache__ "$root/generated/src/conductor" "$ours/conductor" >/dev/null 2>&1; then
    staging="$(mktemp -d)"
    trap 'rm -rf "$staging"' EXIT
    mkdir -p "$staging/generated"
    cp -r "$root/generated/src" "$root/generated/pyproject.toml" "$root/generated/README.md" \
        "$staging/generated/"
    rm -rf "$ours"
    "${pip[@]}" install --no-deps --target "$ours" "$staging/generated"
fi

"$venv/bin/python" - "$ours" <<'EOF'
import importlib.metadata as md, sys
print(f"conductor-py {md.version('conductor-py')} (reference), httpx {md.version('httpx')}, "
      f"pydantic {md.version('pydantic')} in {sys.prefix}; ours in {sys.argv[1]}")
EOF
