"""The `samples` command's file gets a JavaScript sample beside the Python ones when the config names the
TypeScript target (generator/samples.py): the seed's comes out character for character as its docs page has it,
the Python-only file is unchanged without that target, and the JavaScript samples run with node against Prism
serving their spec (a small spec with a list, a form body, an upload and a redirect)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import load_config
from generator.model.build import build_api
from generator.spec.load import load_spec
from generator.targets.typescript.target import TYPESCRIPT
from tests.support.corpus import prism
from tests.targets.typescript.conftest import ROOT, SEED, SMALL_SPEC, run, run_node

SEED_PAGE = Path("/work/shared/seed/delete-end-user.md")


def samples(spec: Path, folder: Path, targets: dict[str, Any] | None) -> dict[str, Any]:
    """The overlay `samples` writes for `spec` with a config naming `targets`."""
    config: dict[str, Any] = {"targets": targets} if targets else {}
    if spec == SEED:  # the seed's names (client, environment variables), without its files
        seed = yaml.safe_load((ROOT / "specs" / "conductor.config.yaml").read_text(encoding="utf-8"))
        config = {key: value for key, value in seed.items() if key not in ("samples", "targets")} | config
    config_file = folder / "config.yaml"
    config_file.write_text(yaml.safe_dump(config), encoding="utf-8")
    out = folder / "samples.yaml"
    command = [sys.executable, "-m", "generator", "samples", spec, "-c", config_file, "-o", out]
    done = run(command, ROOT)
    assert done.returncode == 0, done.stderr
    document: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    return document


def entries(document: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The `x-codeSamples` written for each operation, by its action's target."""
    return {a["target"]: a["update"]["x-codeSamples"] for a in document["actions"] if "update" in a}


def _page_sample() -> str:
    """The JavaScript sample on Conductor's docs page for the seed operation, as the page's YAML holds it."""
    text = SEED_PAGE.read_text(encoding="utf-8")
    block = text.split("````yaml DELETE /end-users/{id}\n", 1)[1].split("````", 1)[0]
    operation = yaml.safe_load(block)["paths"]["/end-users/{id}"]["delete"]
    return str(next(s["source"] for s in operation["x-codeSamples"] if s["lang"] == "JavaScript"))


def test_the_seed_gets_its_javascript_sample_character_for_character(tmp_path: Path) -> None:
    typescript = {"typescript": {"output": "ts", "npm_name": "conductor-node"}}
    document = samples(SEED, tmp_path, typescript)
    [written] = entries(document).values()
    assert [(e["lang"], e.get("label")) for e in written] == [
        ("JavaScript", None),
        ("Python", "Python"),
        ("Python", "Python (async)"),
    ]
    if SEED_PAGE.is_file():
        assert written[0]["source"] == _page_sample()
    # The committed samples file (the config names the TypeScript target) is what `samples` writes
    committed = yaml.safe_load((ROOT / "specs" / "conductor.samples.yaml").read_text(encoding="utf-8"))
    assert entries(committed) == entries(document)


def test_without_the_typescript_target_the_samples_are_python_only(tmp_path: Path) -> None:
    spec = tmp_path / "small.yaml"
    spec.write_text(yaml.safe_dump(SMALL_SPEC), encoding="utf-8")
    (tmp_path / "python").mkdir()
    document = samples(spec, tmp_path / "python", None)
    assert document["info"]["title"] == "Python code samples for Pager API"
    assert {e["lang"] for written in entries(document).values() for e in written} == {"Python"}


def test_the_javascript_samples_run_against_prism(small_sdk: Path, tmp_path: Path) -> None:
    """The small spec's samples (a list, a form body, an upload, a redirect) run with node against Prism. The
    seed's is the spec's own sample character for character (above), which test_seed.py runs verbatim."""
    if prism.executable() is None:
        pytest.skip("Prism is not installed: run `bash scripts/install-prism.sh`")
    spec = tmp_path / "small.yaml"
    spec.write_text(yaml.safe_dump(SMALL_SPEC), encoding="utf-8")
    folder = tmp_path / "app"
    (folder / "node_modules").mkdir(parents=True)
    (folder / "node_modules" / "pager").symlink_to(small_sdk, target_is_directory=True)
    document = samples(spec, folder, {"typescript": {"output": "ts", "npm_name": "pager"}})
    api = build_api(load_spec(spec), load_config(None), TYPESCRIPT.naming)
    ran = 0
    with prism.PrismServer(spec, tmp_path / "prism.log") as mock:
        environment = {c.env_var: "test-credential" for c in api.credentials} | {api.base_url_env: mock.url}
        for target, written in entries(document).items():
            [javascript] = [e["source"] for e in written if e["lang"] == "JavaScript"]
            done = run_node(javascript, folder, **environment)
            if "for await" in javascript:
                # Prism answers every page with the same cursor: the walk prints the first page's items, then
                # the repeated-cursor guard ends it (a real API moves on)
                assert done.stdout and "same next page twice" in done.stderr, f"{target}:\n{done.stderr}"
            else:
                assert done.returncode == 0, f"{target}:\n{javascript}\n{done.stderr}"
            ran += 1
    assert ran == 4
