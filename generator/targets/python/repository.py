"""The files that make the generated package a repository that tests, checks and releases itself.

Beside the package and its tests (generator/targets/python/project.py): the spec the mock server serves
(`openapi/`), the scripts that start the mock, run the tests and lint (`scripts/`), the CI and publish workflows
(`.github/workflows/`), CONTRIBUTING.md, and LICENSE and SECURITY.md when the spec or the config name a
licence or a security contact (none is invented).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.model.ir import Api
from generator.spec.load import Spec
from generator.targets.python.environment import render_template
from generator.targets.spec_copy import SPEC_FOLDER, entry_name, spec_files

PRISM_VERSION = "5.14.2"  # the mock server the scripts run (the newest Prism 5 for Node.js 20)
PYTHONS = ("3.10", "3.11", "3.12", "3.13")  # CI's test matrix: the versions the package supports
# The scripts are run as `bash scripts/test` (the writer keeps no file modes), so each is listed here.
SCRIPTS = ("mock", "test", "lint")


def repository_files(api: Api, spec: Spec, overlaid: bool) -> dict[str, str]:
    """{path: text} of the repository's files; `overlaid`: the config's overlays changed the spec in memory."""
    files = spec_files(spec, overlaid)
    spec_path = f"{SPEC_FOLDER}/{entry_name(spec)}"
    context: dict[str, Any] = {
        "api": api,
        "spec_path": spec_path,
        "prism_version": PRISM_VERSION,
        "pythons": PYTHONS,
        "example_path": _example_path(api),
        "example_test": _example_test(api),
    }
    for name in SCRIPTS:
        files[f"scripts/{name}"] = render_template(f"repo/{name}.jinja", **context)
    files[".github/workflows/ci.yml"] = render_template("repo/ci.yml.jinja", **context)
    files[".github/workflows/publish-pypi.yml"] = render_template("repo/publish-pypi.yml.jinja", **context)
    files["CONTRIBUTING.md"] = render_template("repo/CONTRIBUTING.md.jinja", **context)
    if api.license is not None:
        files["LICENSE"] = render_template("repo/LICENSE.jinja", license=api.license, **context)
    if api.security_contact:
        files["SECURITY.md"] = render_template("repo/SECURITY.md.jinja", contact=api.security_contact, **context)
    return files


def _example_path(api: Api) -> str:
    resource = next((r for r in api.all_resources() if r.operations), None)
    return ".".join(resource.path) if resource else "<resource>"


def _example_test(api: Api) -> str:
    resource = next((r for r in api.all_resources() if r.operations), None)
    return f"{Path(*resource.test_module.split('.'))}.py" if resource else "test_<resource>.py"
