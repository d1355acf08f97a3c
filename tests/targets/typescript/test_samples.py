"""JavaScript samples of the generated SDK: the seed's own sample comes out character for character, and the
sample of every operation of a varied corpus spec type-checks against that spec's SDK (tsc --strict)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from generator.config import load_config
from generator.model.build import build_api
from generator.spec.load import load_spec
from generator.targets.typescript.examples import program
from generator.targets.typescript.plan import build_plan
from generator.targets.typescript.target import TYPESCRIPT
from tests.support.corpus.harness import CORPUS
from tests.targets.typescript.conftest import ROOT, SEED, TSC, generate, node_tools, run

VARIED = CORPUS / "opc-baseline-3.1" / "baseline_openapi_3.1.yaml"  # 50 operations of every parameter shape


def test_the_seed_javascript_sample_is_generated_character_for_character() -> None:
    plan = build_plan(
        build_api(load_spec(SEED), load_config(ROOT / "specs" / "conductor.config.yaml"), TYPESCRIPT.naming)
    )
    [resource] = plan.resources
    spec = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    samples = spec["paths"]["/end-users/{id}"]["delete"]["x-codeSamples"]
    published = next(sample["source"] for sample in samples if sample["lang"] == "JavaScript")
    assert program(plan, resource, resource.methods[0], "conductor-node") == published


def test_every_sample_of_a_varied_spec_type_checks_against_its_sdk(tmp_path: Path) -> None:
    node_tools()
    if not VARIED.is_file():
        pytest.skip(f"the corpus is not at {CORPUS}")
    project = tmp_path / "sdk"
    config = {"targets": {"typescript": {"output": "x", "npm_name": "varied-sdk"}}}
    done = generate(VARIED, project, config, lenient=True)  # the spec breaks two rules of its own version
    assert done.returncode == 0, done.stderr
    plan = build_plan(build_api(load_spec(VARIED), load_config(None), TYPESCRIPT.naming))
    samples = project / "samples"
    samples.mkdir()
    count = 0
    for resource in plan.all_files():
        for method in resource.methods:
            count += 1
            text = program(plan, resource, method, "varied-sdk")
            (samples / f"sample_{count}.ts").write_text(text + "\nexport {};\n", encoding="utf-8")
    samples_config = {
        "extends": "./tsconfig.json",
        "include": ["src", "samples"],
        "compilerOptions": {"rootDir": ".", "module": "es2022", "moduleResolution": "bundler",
                            "paths": {"varied-sdk": ["./src/index.ts"]}},
    }  # fmt: skip
    (project / "tsconfig.samples.json").write_text(json.dumps(samples_config), encoding="utf-8")
    compiled = run([TSC, "-p", "tsconfig.samples.json", "--noEmit"], project)
    assert count >= 40
    assert compiled.returncode == 0, compiled.stdout[:3000]
