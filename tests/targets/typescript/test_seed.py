"""The seed's TypeScript SDK end to end: it compiles strictly, is what prettier makes of it, comes out the same
from every run, and the JavaScript sample of the seed spec runs verbatim against Prism serving the spec."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.corpus import prism
from tests.targets.typescript.conftest import ROOT, SEED, TSC, prettier_check, run, run_node, seed_config


def test_the_layout_mirrors_the_client(seed_sdk: Path) -> None:
    files = sorted(p.relative_to(seed_sdk / "src").as_posix() for p in (seed_sdk / "src").rglob("*.ts"))
    assert "resources/end-users.ts" in files and "client.ts" in files and "index.ts" in files
    resource = (seed_sdk / "src" / "resources" / "end-users.ts").read_text(encoding="utf-8")
    assert "export class EndUsers extends APIResource {" in resource
    assert "delete(id: string, options?: RequestOptions): APIPromise<EndUserDeleteResponse> {" in resource
    assert "objectType: 'end_user';" in resource
    assert "export { type EndUserDeleteResponse as EndUserDeleteResponse };" in resource
    manifest = (seed_sdk / "package.json").read_text(encoding="utf-8")
    assert '"name": "conductor-node"' in manifest and '"dependencies": {}' in manifest


def test_tsc_strict_compiles_it(seed_sdk: Path) -> None:
    done = run([TSC, "-p", "tsconfig.json", "--noEmit", "--strict"], seed_sdk)
    assert done.returncode == 0, done.stdout
    for built in ("dist/cjs/index.js", "dist/cjs/index.d.ts", "dist/esm/index.js", "dist/esm/index.d.ts"):
        assert (seed_sdk / built).is_file(), built


def test_prettier_changes_nothing(seed_sdk: Path) -> None:
    done = prettier_check(seed_sdk)
    assert done.returncode == 0, done.stdout + done.stderr


def test_check_finds_it_byte_identical_from_another_process(seed_sdk: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(seed_config()), encoding="utf-8")
    command = [sys.executable, "-m", "generator", "check", str(SEED), "--target", "typescript", "-o", str(seed_sdk)]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    done = subprocess.run([*command, "-c", str(config)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _javascript_sample() -> str:
    spec = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    samples = spec["paths"]["/end-users/{id}"]["delete"]["x-codeSamples"]
    return next(sample["source"] for sample in samples if sample["lang"] == "JavaScript")


def test_the_seed_javascript_sample_runs_verbatim_against_prism(seed_sdk: Path, tmp_path: Path) -> None:
    if prism.executable() is None:
        pytest.skip("Prism is not installed: run `bash scripts/install-prism.sh`")
    app = tmp_path / "app"
    (app / "node_modules").mkdir(parents=True)
    (app / "node_modules" / "conductor-node").symlink_to(seed_sdk, target_is_directory=True)
    with prism.PrismServer(SEED, tmp_path / "prism.log") as mock:
        done = run_node(_javascript_sample(), app, CONDUCTOR_SECRET_KEY="sk_test", CONDUCTOR_BASE_URL=mock.url)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "end_usr_1234567abcdefg\n"


def test_require_gives_the_commonjs_build(seed_sdk: Path, tmp_path: Path) -> None:
    script = (
        f"const sdk = require({str(seed_sdk / 'dist' / 'cjs' / 'index.js')!r});\n"
        "const client = new sdk.Conductor({ apiKey: 'sk', baseURL: 'http://127.0.0.1:9' });\n"
        "const error = new sdk.NotFoundError(404, {}, undefined, new Headers());\n"
        "console.log(typeof client.endUsers.delete, sdk.default === sdk.Conductor, error.name);\n"
        "const called = new sdk({ apiKey: 'sk', baseURL: 'http://127.0.0.1:9' });\n"  # the module is the class
        "console.log(sdk === sdk.Conductor, called instanceof sdk.Conductor, sdk.NotFoundError === sdk.Conductor.NotFoundError);\n"
    )
    (tmp_path / "script.cjs").write_text(script, encoding="utf-8")
    done = run(["node", "script.cjs"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "function true NotFoundError\ntrue true true\n"
