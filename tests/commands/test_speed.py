"""What makes runs fast must never make them wrong (docs/speed.md).

- The committed manifest's stamps let `check` on a fresh clone (no cache) skip black and the validator
  for what is unchanged, yet every byte of every file is still compared: hand edits are found.
- A changed spec is always validated; the same content is not validated twice.
- `generate`/`check` with nothing changed stop early, and only when nothing changed.
- The runtime modules copied as they are need no black: they already are its output.
- Heavy libraries are imported only by the commands that need them.
- Progress: stage timings on stderr, quiet for quick runs and with --quiet.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.cli import main
from generator.progress import Progress
from generator.targets.python.environment import templates_dir
from generator.targets.python.formatting import static_file
from generator.write import CACHE, MANIFEST
from tests.conftest import not_black_formatted
from tests.support.documents import shared_spec

SPEC_A = shared_spec("pets_and_owners.yaml")  # two operations in two resources

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def write_spec(folder: Path, text: str = SPEC_A) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "spec.yaml").write_text(text, encoding="utf-8")
    return folder / "spec.yaml"


def fresh_clone(out: Path, clone: Path) -> Path:
    """The output folder as `git clone` gives it: the committed files, no cache."""
    shutil.copytree(out, clone, ignore=shutil.ignore_patterns(CACHE))
    return clone


def test_fresh_clone_check_trusts_the_manifest_and_still_finds_every_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import black

    spec, out = write_spec(tmp_path / "spec"), tmp_path / "out"
    first = pipeline.generate(pipeline.Options(spec=spec, output=out)).files
    manifest = first[MANIFEST]
    assert "spec content validated by openapi-spec-validator" in manifest
    stamped = [line for line in manifest.splitlines() if line.count("\t") == 2 and "\t-\t" not in line]
    assert any(line.startswith("src/pet/resources/") for line in stamped)
    assert not any("_base_client.py" in line for line in stamped)  # copied as it is: nothing to stamp

    formatted: list[str] = []
    real = black.format_str
    monkeypatch.setattr(black, "format_str", lambda text, *, mode: formatted.append(text) or real(text, mode=mode))
    monkeypatch.setattr(pipeline, "Validation", lambda *a, **k: pytest.fail("validated again"))

    clone = fresh_clone(out, tmp_path / "clone")
    result = pipeline.check(pipeline.Options(spec=spec, output=clone))
    assert result.changes is not None and not result.changes.differs and formatted == []

    # One byte changed anywhere: a rendered module, a copied runtime module, a non-Python file.
    for path in ("src/pet/resources/pets.py", "src/pet/_base_client.py", "README.md"):
        edited = fresh_clone(out, tmp_path / f"edit-{path.replace('/', '-')}")
        text = first[path]
        (edited / path).write_text(text[:-2] + ("x" if text[-2] != "x" else "y") + text[-1], encoding="utf-8")
        result = pipeline.check(pipeline.Options(spec=spec, output=edited))
        assert result.changes is not None and result.changes.changed == [path], path
    assert formatted == []  # the edited module is rendered again in the templates' own layout: no black

    # An edited stamp is no way around it: the file is formatted afresh and the manifest differs.
    tampered = fresh_clone(out, tmp_path / "tampered")
    lines = manifest.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.startswith("src/pet/resources/pets.py\t"))
    lines[index] = lines[index][:-2] + ("0" if lines[index][-2] != "0" else "1") + "\n"
    (tampered / MANIFEST).write_text("".join(lines), encoding="utf-8")
    result = pipeline.check(pipeline.Options(spec=spec, output=tampered))
    assert result.changes is not None and result.changes.changed == [MANIFEST]


def test_a_fresh_clone_check_uses_the_record_and_a_stale_record_is_no_drift(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The manifest's record (inputs digest, listed digests) lets `check` on a fresh clone stop before
    rendering; a record made by other generator code (here: a different inputs digest) only costs the full
    path, and is not reported as drift; any edited file still is."""
    spec, out = write_spec(tmp_path / "spec"), tmp_path / "out"
    pipeline.generate(pipeline.Options(spec=spec, output=out))
    clone = fresh_clone(out, tmp_path / "clone")
    assert pipeline.unchanged(pipeline.Options(spec=spec, output=clone)) is not None
    manifest = (clone / MANIFEST).read_text(encoding="utf-8")
    record = next(line for line in manifest.splitlines() if line.startswith("# run: "))
    stale = record.replace('"inputs": "', '"inputs": "0', 1)
    (clone / MANIFEST).write_text(manifest.replace(record, stale), encoding="utf-8")
    assert pipeline.unchanged(pipeline.Options(spec=spec, output=clone)) is None
    assert main(["check", str(spec), "-o", str(clone)]) == 0
    (clone / "src/pet/_client.py").write_text("edited\n", encoding="utf-8")
    assert main(["check", str(spec), "-o", str(clone)]) == 1


def test_the_record_replays_a_lenient_runs_warnings_wherever_the_spec_is(tmp_path: Path) -> None:
    invalid = SPEC_A.replace("title: Pet API", "title: 7")  # info.title must be a string
    spec, out = write_spec(tmp_path / "here", invalid), tmp_path / "out"
    pipeline.generate(pipeline.Options(spec=spec, output=out, lenient=True))
    elsewhere = write_spec(tmp_path / "there" / "deeper", invalid)
    moved = pipeline.generate(pipeline.Options(spec=elsewhere, output=tmp_path / "out2", lenient=True))
    assert moved.files[MANIFEST] == (out / MANIFEST).read_text(encoding="utf-8")  # no path of this machine in it
    fresh = pipeline.unchanged(pipeline.Options(spec=spec, output=fresh_clone(out, tmp_path / "clone"), lenient=True))
    assert fresh is not None and [w.file for w in fresh.warnings] == [str(spec.resolve())]
    assert any("title" in str(w.pointer) for w in fresh.warnings)


def test_what_the_stamp_does_not_prove_and_check_full(tmp_path: Path) -> None:
    """Documented limit (docs/speed.md): an edit made together with a matching stamp is taken on trust;
    `check --full` trusts no stamp and finds it."""
    from generator.write import digest

    spec, out = write_spec(tmp_path / "spec"), tmp_path / "out"
    first = pipeline.generate(pipeline.Options(spec=spec, output=out)).files
    path = "src/pet/resources/pets.py"
    forged = first[path].replace("class PetsResource", "class  PetsResource")  # not black's layout
    (out / path).write_text(forged, encoding="utf-8")
    (out / MANIFEST).write_text(first[MANIFEST].replace(digest(first[path]), digest(forged)), encoding="utf-8")
    assert main(["check", str(spec), "-o", str(out)]) == 0
    assert main(["check", str(spec), "-o", str(out), "--full"]) == 1


def test_a_changed_spec_is_validated_and_the_same_content_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec, out = write_spec(tmp_path / "spec"), tmp_path / "out"
    pipeline.generate(pipeline.Options(spec=spec, output=out))
    validated: list[object] = []
    real = pipeline.Validation
    monkeypatch.setattr(pipeline, "Validation", lambda *a, **k: validated.append(a) or real(*a, **k))

    moved = write_spec(tmp_path / "elsewhere")  # the same content, somewhere else, on a fresh clone
    result = pipeline.check(pipeline.Options(spec=moved, output=fresh_clone(out, tmp_path / "clone")))
    assert validated == [] and result.changes is not None and not result.changes.differs

    changed = write_spec(tmp_path / "changed", SPEC_A.replace("version: 1.0.0", "version: 1.0.1"))
    result = pipeline.check(pipeline.Options(spec=changed, output=fresh_clone(out, tmp_path / "clone2")))
    assert len(validated) == 1
    assert result.changes is not None and MANIFEST in result.changes.changed  # it records what it validated

    invalid = write_spec(tmp_path / "invalid", SPEC_A.replace("title: Pet API", "title: 7"))
    assert main(["check", str(invalid), "-o", str(fresh_clone(out, tmp_path / "clone3"))]) == 2


def test_nothing_changed_stops_early_and_only_then(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec, out = write_spec(tmp_path / "spec"), tmp_path / "out"
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    first = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert pipeline.unchanged(pipeline.Options(spec=spec, output=out)) is not None
    capsys.readouterr()
    assert main(["check", str(spec), "-o", str(out)]) == 0
    assert "is up to date" in capsys.readouterr().out

    edited = out / "src/pet/_types.py"
    edited.write_bytes(first["src/pet/_types.py"] + b"# mine\n")
    assert pipeline.unchanged(pipeline.Options(spec=spec, output=out)) is None
    assert main(["check", str(spec), "-o", str(out)]) == 1
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    assert edited.read_bytes() == first["src/pet/_types.py"]

    (out / MANIFEST).unlink()  # a file a stale run would have left: not written as recorded
    assert pipeline.unchanged(pipeline.Options(spec=spec, output=out)) is None
    assert main(["generate", str(spec), "-o", str(out)]) == 0

    options = pipeline.Options(spec=spec, output=out)
    for change in (
        lambda: spec.write_text(SPEC_A + "\n# a comment\n", encoding="utf-8"),
        lambda: (tmp_path / "spec" / "spec.config.yaml").write_text("package_name: pets\n", encoding="utf-8"),
    ):
        assert pipeline.unchanged(options) is not None
        change()
        assert pipeline.unchanged(options) is None
        assert main(["generate", str(spec), "-o", str(out)]) == 0
    assert (out / "src" / "pets").is_dir()
    assert pipeline.unchanged(pipeline.Options(spec=spec, output=out, lenient=True)) is None  # other options


def test_copied_runtime_modules_are_black_stable() -> None:
    """Why the formatting stage never formats them: they already are exactly what black makes of them."""
    import black

    from generator.targets.python.formatting import black_mode, known_stable, static_package_files

    names = [name for name in static_package_files() if name.endswith(".py")]
    assert "_base_client.py" in names and (templates_dir() / "src/package/_base_client.py").is_file()
    for name in names:
        assert black.format_str(static_file(name), mode=black_mode()) == static_file(name), name
        assert known_stable(name), f"{name} changed: run `.venv/bin/python scripts/black_stable.py`"


def test_conductor_client_is_what_black_makes_of_it(conductor_project: Path) -> None:
    assert not_black_formatted(conductor_project) == []


def test_risky_characters_are_never_printable() -> None:
    """What lets pysource's fast paths skip the per-character check: str.isprintable() refuses them all."""
    from generator.targets.python.pysource import _is_risky

    assert not [c for c in range(sys.maxunicode + 1) if chr(c).isprintable() and _is_risky(chr(c))]


HEAVY = ("black", "jinja2", "jsonpath_rfc9535", "openapi_spec_validator")  # jsonpath: for overlays alone
PROBE = """\
import sys
from generator.cli import main
code = main(sys.argv[1:])
print("LOADED", [name for name in {heavy!r} if name in sys.modules])
"""


def loaded_by(*args: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE.format(heavy=HEAVY), *args], cwd=ROOT, env=ENV,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED"))
    return list(json.loads(line.removeprefix("LOADED ").replace("'", '"')))


def test_heavy_imports_only_where_needed(tmp_path: Path) -> None:
    spec, out = write_spec(tmp_path / "spec"), tmp_path / "out"
    # The first run renders; its templates write black's layout, so black is not needed for this spec; the
    # validator runs in a forked process, so only that process imports it.
    assert loaded_by("generate", str(spec), "-o", str(out)) == ["jinja2"]
    assert loaded_by("generate", str(spec), "-o", str(out)) == []  # nothing changed
    clone = fresh_clone(out, tmp_path / "clone")
    assert loaded_by("check", str(spec), "-o", str(clone)) == []  # the manifest's record: nothing rendered
    (clone / "README.md").write_text("edited\n", encoding="utf-8")
    assert loaded_by("check", str(spec), "-o", str(clone)) == ["jinja2"]  # renders, formats nothing
    assert loaded_by("validate", str(spec)) == ["openapi_spec_validator"]
    assert loaded_by("inspect", str(spec)) == ["openapi_spec_validator"]
    assert loaded_by("diff", str(spec), str(spec)) == []


def test_progress_lines_are_parseable_and_only_for_long_runs() -> None:
    stream = io.StringIO()
    shown = Progress(stream, after=0.0)
    with shown.stage("render", total=3):
        for _ in range(3):
            shown.advance()
    shown.record("validate", 1.5, "beside the other stages")
    shown.finish()
    lines = stream.getvalue().splitlines()
    assert [line.split()[:2] for line in lines] == [["timing:", "render"], ["timing:", "validate"], ["timing:", "total"]]
    assert lines[1] == "timing: validate 1.50 s (beside the other stages)" and "\r" not in stream.getvalue()

    quick = io.StringIO()
    shown = Progress(quick, after=60.0)
    with shown.stage("load"):
        pass
    shown.finish()
    assert quick.getvalue() == ""

    live = io.StringIO()  # as on a terminal: a counter rewritten in place, erased before the next line
    shown = Progress(live, after=0.0, live=True)
    with shown.stage("format", total=2):
        shown.advance()
    assert live.getvalue().startswith("\r\x1b[Kformat 1/2\r\x1b[Ktiming: format ")


def test_quiet_prints_no_timings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("generator.progress.AFTER_SECONDS", 0.0)  # as if the run were long
    spec = write_spec(tmp_path / "spec")
    assert main(["generate", str(spec), "-o", str(tmp_path / "a")]) == 0
    err = capsys.readouterr().err
    stages = [line.split()[1] for line in err.splitlines() if line.startswith("timing: ")]
    assert stages == ["load", "model", "render", "format", "validate", "write", "total"], err
    assert main(["generate", str(spec), "-o", str(tmp_path / "b"), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_release_folder_name_is_the_one_release_uses() -> None:
    from generator import cli, release

    assert cli.RELEASED == release.RELEASED
