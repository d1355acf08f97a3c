"""The TypeScript target's config section: `npm_name` is checked (a bad one is one message naming the config
file and key, exit 2, nothing written) and names the package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from tests.targets.typescript.conftest import SEED


def _run(tmp_path: Path, section: dict[str, object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    config = tmp_path / "api.config.yaml"
    config.write_text(yaml.safe_dump({"targets": {"typescript": {"output": "ts", **section}}}), encoding="utf-8")
    code = main(["generate", str(SEED), "-c", str(config), "--target", "typescript", "-q"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("name", ["Bad Name", "UPPER", "../escape", "", 7])
def test_a_bad_npm_name_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: object) -> None:
    code, err = _run(tmp_path, {"npm_name": name}, capsys)
    assert code == 2
    assert err.startswith(f"error: {tmp_path / 'api.config.yaml'} at /targets/typescript/npm_name: 'npm_name' must be")
    assert not (tmp_path / "ts").exists()


def test_an_unknown_key_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(tmp_path, {"npm_nme": "x"}, capsys)
    assert code == 2 and "/targets/typescript/npm_nme: unknown key 'npm_nme'; known keys: npm_name, output" in err


def test_the_npm_name_names_the_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _ = _run(tmp_path, {"npm_name": "@acme/conductor-node"}, capsys)
    assert code == 0
    manifest = json.loads((tmp_path / "ts" / "package.json").read_text(encoding="utf-8"))
    assert manifest["name"] == "@acme/conductor-node" and manifest["dependencies"] == {}
