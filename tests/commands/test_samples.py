"""`python -m generator samples`: x-codeSamples for every operation, as an overlay or merged into the spec.

The seed test: for the spec Conductor's docs page shows (../shared/seed/delete-end-user.md), our Python sample
of DELETE /end-users/{id} is that page's own Python sample, character for character. Running every sample
against Prism is tests/corpus_runs/test_corpus.py's (tests/support/corpus/samples.py).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from tests.support.corpus.harness import SHARED
from tests.support.documents import shared_spec

ROOT = Path(__file__).resolve().parents[2]
SEED_PAGE = SHARED / "seed" / "delete-end-user.md"

# A list that pages by cursor, an operation answering 204, one answering a model with an id that already has
# samples in two languages (Python among them), and a comment the spec format must keep.
SPEC = shared_spec("samples_pets.yaml")


def _samples(tmp_path: Path, *args: str, spec_text: str = SPEC, name: str = "pets.yaml") -> str:
    spec = tmp_path / name
    spec.write_text(spec_text, encoding="utf-8")
    out = tmp_path / ("out.json" if name.endswith(".json") else "out.yaml")
    assert main(["samples", str(spec), "-o", str(out), *args]) == 0
    return out.read_text(encoding="utf-8")


def _sources(entries: list[dict[str, str]]) -> dict[str, str]:
    return {entry.get("label", entry["lang"]): entry["source"] for entry in entries}


def _seed_sample() -> tuple[str, str]:
    """The spec on the seed page, and the Python sample it carries for DELETE /end-users/{id}."""
    page = SEED_PAGE.read_text(encoding="utf-8")
    match = re.search(r"^````yaml[^\n]*\n(.*?)^````$", page, re.DOTALL | re.MULTILINE)
    assert match is not None, f"no YAML block in {SEED_PAGE}"
    spec = yaml.safe_load(match.group(1))
    (python,) = [s["source"] for s in spec["paths"]["/end-users/{id}"]["delete"]["x-codeSamples"] if s["lang"] == "Python"]
    return match.group(1), python


@pytest.mark.skipif(not SEED_PAGE.is_file(), reason=f"the seed page is missing: {SEED_PAGE}")
@pytest.mark.parametrize("source", ["seed page", "specs/conductor.yaml"])
def test_the_seed_operation_gets_the_seed_pages_own_python_sample(source: str, tmp_path: Path) -> None:
    seed_spec, expected = _seed_sample()
    spec = tmp_path / "conductor.yaml"
    if source == "seed page":
        spec.write_text(seed_spec, encoding="utf-8")
    else:
        shutil.copy(ROOT / "specs" / "conductor.yaml", spec)
    shutil.copy(ROOT / "specs" / "conductor.config.yaml", tmp_path / "conductor.config.yaml")
    assert main(["samples", str(spec), "-o", str(tmp_path / "samples.yaml")]) == 0
    overlay = yaml.safe_load((tmp_path / "samples.yaml").read_text(encoding="utf-8"))
    (update,) = [a["update"] for a in overlay["actions"] if a["target"] == "$.paths['/end-users/{id}']['delete']"]
    assert _sources(update["x-codeSamples"])["Python"] == expected
    assert "conductor = AsyncConductor(" in _sources(update["x-codeSamples"])["Python (async)"]


def test_overlay_has_one_update_per_operation_and_the_spec_is_untouched(tmp_path: Path) -> None:
    overlay = yaml.safe_load(_samples(tmp_path))
    assert (tmp_path / "pets.yaml").read_text(encoding="utf-8") == SPEC
    assert overlay["overlay"] == "1.0.0" and overlay["extends"] == "pets.yaml"
    assert overlay["info"] == {"title": "Python code samples for Pets API", "version": "0.1.0"}
    targets = [(a["target"], "remove" if a.get("remove") else "update") for a in overlay["actions"]]
    assert targets == [
        ("$.paths['/pets']['get']", "update"),
        # samples already there: removed first, written back with the other languages kept (Overlay 1.0 does not
        # say how an update merges into an existing array)
        ("$.paths['/pets/{pet_id}']['get']['x-codeSamples']", "remove"),
        ("$.paths['/pets/{pet_id}']['get']", "update"),
        ("$.paths['/pets/{pet_id}']['delete']", "update"),
    ]
    updates = [a["update"]["x-codeSamples"] for a in overlay["actions"] if "update" in a]
    listing, retrieve, delete = (_sources(u) for u in updates)
    assert listing["Python"] == (
        "import os\n"
        "from pets import Pets\n"
        "\n"
        "pets = Pets(\n"
        '    api_key=os.environ.get("PETS_API_KEY"),  # This is the default and can be omitted\n'
        ")\n"
        "for pet in pets.pets.list(\n"
        '    kind="aaa",\n'
        "):\n"
        "    print(pet.id)"
    )  # the list walked item by item (it auto-paginates), the required argument fitting its pattern
    assert "    async for pet in pets.pets.list(\n" in listing["Python (async)"]
    assert retrieve["Python"].endswith('pet = pets.pets.retrieve(\n    "pet_123",\n)\nprint(pet.id)')
    assert [e["lang"] for e in updates[1]] == ["Shell", "Python", "Python"]  # the old Python sample replaced
    assert delete["Python"].endswith('pets.pets.delete(\n    "pet_123",\n)')  # nothing to print
    assert "asyncio.run(main())" in delete["Python (async)"]


def test_every_sample_compiles_and_the_output_is_deterministic(tmp_path: Path) -> None:
    first = _samples(tmp_path)
    assert _samples(tmp_path) == first
    for action in yaml.safe_load(first)["actions"]:
        for entry in action.get("update", {}).get("x-codeSamples", []):
            if entry["lang"] == "Python":
                compile(entry["source"], entry["label"], "exec")


def _apply(spec: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """The overlay's actions applied to `spec` (only the targets `samples` writes)."""
    for action in overlay["actions"]:
        assert action["target"].startswith("$.paths[")
        parts = re.findall(r"\['((?:[^'\\]|\\.)*)'\]", action["target"])
        node = spec["paths"]
        for part in parts[:-1]:
            node = node[part]
        if action.get("remove"):
            del node[parts[-1]]
        else:
            node[parts[-1]].update(action["update"])
    return spec


def test_spec_format_equals_the_spec_with_the_overlay_applied_and_keeps_every_other_byte(tmp_path: Path) -> None:
    merged = _samples(tmp_path, "--format", "spec")
    overlay = yaml.safe_load(_samples(tmp_path))
    assert yaml.safe_load(merged) == _apply(yaml.safe_load(SPEC), overlay)
    assert "  # a comment that stays\n" in merged
    assert "          source: curl https://pets.example.com/pets/pet_123   # kept as written\n" in merged
    assert 'print("an old sample")' not in merged
    # outside the operations' samples the text is the original's, line for line
    def outside(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.strip() and not line.startswith(" " * 6)]

    assert outside(merged) == outside(SPEC)
    assert _samples(tmp_path, "--format", "spec", spec_text=merged) == merged  # running it again changes nothing


def test_json_in_json_out(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC)
    text = json.dumps(document, indent=4) + "\n"
    merged = _samples(tmp_path, "--format", "spec", spec_text=text, name="pets.json")
    overlay = json.loads(_samples(tmp_path, spec_text=text, name="pets.json"))
    assert json.loads(merged) == _apply(document, overlay)
    assert merged.startswith('{\n    "openapi": "3.1.0",\n')


def test_stdout_and_help(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    assert main(["samples", str(spec)]) == 0
    printed = capsys.readouterr().out
    assert yaml.safe_load(printed)["extends"] == str(spec)
    with pytest.raises(SystemExit):
        main(["samples", "--help"])
    assert "--format {overlay,spec}" in capsys.readouterr().out


def test_check_covers_the_configured_samples_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    (tmp_path / "pets.config.yaml").write_text("samples:\n  path: docs/pets.samples.json\n", encoding="utf-8")
    out = tmp_path / "client"
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    samples = tmp_path / "docs" / "pets.samples.json"
    assert json.loads(samples.read_text(encoding="utf-8"))["extends"] == "../pets.yaml"
    assert main(["check", str(spec), "-o", str(out)]) == 0
    capsys.readouterr()
    samples.write_text(samples.read_text(encoding="utf-8").replace("print(pet.id)", "print(pet)"), encoding="utf-8")
    assert main(["check", str(spec), "-o", str(out), "--diff"]) == 1
    printed = capsys.readouterr().out
    assert f"{samples} differs from the code samples" in printed
    assert re.search(r"^-.*print\(pet\)", printed, re.MULTILINE) and re.search(r"^\+.*print\(pet\.id\)", printed, re.MULTILINE)
    assert main(["samples", str(spec)]) == 0  # without -o: the configured file
    assert main(["check", str(spec), "-o", str(out)]) == 0


def test_a_bad_samples_config_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "pets.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    (tmp_path / "pets.config.yaml").write_text("samples:\n  path: s.yaml\n  format: html\n", encoding="utf-8")
    assert main(["samples", str(spec)]) == 2
    assert "pets.config.yaml at /samples/format: 'format' must be one of overlay, spec" in capsys.readouterr().err


LONG_BODY_SPEC = shared_spec("samples_long_request_body.yaml")


def test_samples_are_in_blacks_layout_where_a_value_is_long(tmp_path: Path) -> None:
    """A body too long for one line is laid out as black lays it out; a call without arguments is one line."""
    import black

    from generator.targets.python.formatting import black_mode

    overlay = yaml.safe_load(_samples(tmp_path, spec_text=LONG_BODY_SPEC))
    sources = {a["target"]: _sources(a["update"]["x-codeSamples"]) for a in overlay["actions"]}
    for entries in sources.values():
        for source in entries.values():
            assert black.format_str(source + "\n", mode=black_mode()) == source + "\n"
            assert max(len(line) for line in source.split("\n")) <= 100
    created = sources["$.paths['/balancers']['post']"]["Python"]
    assert '    body={\n        "region": "nyc3",\n        "forwarding_rules": [\n' in created
    assert "balancer = balancers.balancers.list()\nprint(balancer)" in sources["$.paths['/balancers']['get']"]["Python"]
