"""The write stage (generator/write.py), determinism, and the two modules every name and string goes through.

write.py promises: only files listed in the folder's manifest are replaced or removed; nothing is written
or removed outside the folder; everything is staged before anything is moved, so a failure while staging
leaves the folder as it was; the manifest is moved last, so it never lists a file that is not there.
"""

from __future__ import annotations

import keyword
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from generator import pipeline
from generator.cli import main
from generator.errors import GeneratorError
from generator.model.naming import unique
from generator.targets.python.naming import pascal_case, snake_case
from generator.targets.python.pysource import comment_text, docstring_text, literal, string_literal
from generator.write import CACHE, JOURNAL, MANIFEST, STAGING, compare, previous_files, with_manifest, write
from tests.support.documents import shared_spec

SPEC_A = shared_spec("pets_and_owners.yaml")  # two operations in two resources
SPEC_B = shared_spec("pets.yaml")  # SPEC_A with the owners resource gone

ROOT = Path(__file__).resolve().parents[2]



# --- helpers -----------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (value None) under `folder`, by relative path."""
    result: dict[str, bytes | None] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        result[key] = None if path.is_dir() else path.read_bytes()
    return result


def files_only(snap: dict[str, bytes | None]) -> dict[str, bytes]:
    return {path: data for path, data in snap.items() if data is not None}


def write_spec(folder: Path, text: str, name: str = "spec.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / name
    spec.write_text(text, encoding="utf-8")
    return spec


def generate(spec: Path, out: Path) -> pipeline.Result:
    return pipeline.generate(pipeline.Options(spec=spec, output=out))


def manifest_paths(out: Path) -> list[str]:
    text = (out / MANIFEST).read_text(encoding="utf-8")
    return [line.split("\t")[0] for line in text.splitlines() if line and not line.startswith("#")]  # path, stamps


def package_dir(out: Path) -> Path:
    (package,) = [p for p in (out / "src").iterdir() if p.is_dir()]
    return package


# --- removal of files the generator no longer produces -------------------------------------------------


def test_files_no_longer_generated_are_removed_and_manifest_updated(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(write_spec(tmp_path / "a", SPEC_A), out)
    package = package_dir(out)
    owners = sorted(p.relative_to(out).as_posix() for p in [*package.rglob("owner*.py"), *out.glob("tests/api_resources/test_owners.py")])
    assert f"{package.relative_to(out).as_posix()}/resources/owners.py" in owners
    assert set(owners) <= set(manifest_paths(out))

    result = generate(write_spec(tmp_path / "b", SPEC_B), out)
    assert result.changes is not None
    assert sorted(result.changes.removed) == owners
    for path in owners:
        assert not (out / path).exists()
    listed = manifest_paths(out)
    assert not set(owners) & set(listed)
    # The manifest lists exactly the files now on disk (besides itself and the cache).
    on_disk = {p for p, data in snapshot(out).items() if data is not None and p not in (MANIFEST, CACHE)}
    assert set(listed) == on_disk
    assert (package / "resources" / "pets.py").is_file()


def test_write_removes_emptied_folders_but_not_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, with_manifest({"keep.txt": "k\n", "gone/deep/x.txt": "x\n", "mixed/y.txt": "y\n"}))
    (out / "mixed" / "mine.txt").write_text("user\n", encoding="utf-8")
    changes = write(out, with_manifest({"keep.txt": "k\n"}))
    assert sorted(changes.removed) == ["gone/deep/x.txt", "mixed/y.txt"]
    assert not (out / "gone").exists()
    assert (out / "mixed" / "mine.txt").read_text(encoding="utf-8") == "user\n"
    assert sorted(snapshot(out)) == [MANIFEST, "keep.txt", "mixed", "mixed/mine.txt"]

    changes = write(out, with_manifest({}))
    assert changes.removed == ["keep.txt"]
    assert out.is_dir()


# --- user files ------------------------------------------------------------------------------------------


def test_user_files_are_never_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec_a = write_spec(tmp_path / "a", SPEC_A)
    spec_b = write_spec(tmp_path / "b", SPEC_B)
    generate(spec_a, out)
    package = package_dir(out)
    user_files = {
        out / "NOTES.txt": b"my notes\n",
        package / "custom.py": b"# hand-written helper\nVALUE = 1\n",
        package / "resources" / "owners_extra.py": b"# next to a generated file that will be removed\n",
    }
    for path, data in user_files.items():
        path.write_bytes(data)
    stamps = {path: path.stat().st_mtime_ns for path in user_files}

    generate(spec_b, out)  # removes the owners resource
    generate(spec_a, out)  # and adds it back
    for path, data in user_files.items():
        assert path.read_bytes() == data
        assert path.stat().st_mtime_ns == stamps[path]
    for line in manifest_paths(out):
        assert not line.endswith(("NOTES.txt", "custom.py", "owners_extra.py"))

    # User files do not count as drift either.
    changes = pipeline.check(pipeline.Options(spec=spec_a, output=out)).changes
    assert changes is not None and not changes.differs


# --- a tampered manifest ---------------------------------------------------------------------------------


def test_tampered_manifest_never_deletes_outside_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "work" / "out"
    generate(write_spec(tmp_path / "a", SPEC_A), out)
    victims = [tmp_path / "work" / "outside.txt", tmp_path / "outside2.txt", tmp_path / "work" / "back.txt"]
    for victim in victims:
        victim.write_text("precious\n", encoding="utf-8")
    tampered = [
        "../outside.txt",
        "src/../../outside.txt",
        "./../../outside2.txt",
        str(victims[1]),  # absolute
        "..\\back.txt",
        "C:/outside.txt",
    ]
    with open(out / MANIFEST, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{line}\n" for line in tampered))

    assert not set(tampered) & set(previous_files(out))
    result = generate(write_spec(tmp_path / "b", SPEC_B), out)  # a run that does remove files
    assert result.changes is not None and result.changes.removed
    assert not set(tampered) & set(result.changes.removed)
    for victim in victims:
        assert victim.read_text(encoding="utf-8") == "precious\n"
    assert set(tampered).isdisjoint(manifest_paths(out))


@pytest.mark.skipif(sys.platform == "win32", reason="needs symlinks")
def test_tampered_manifest_through_a_symlink_never_deletes_outside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    spec = write_spec(tmp_path / "a", SPEC_A)
    generate(spec, out)
    victim_dir = tmp_path / "victim"
    victim_dir.mkdir()
    (victim_dir / "v.txt").write_text("precious\n", encoding="utf-8")
    (out / "evil").symlink_to(victim_dir, target_is_directory=True)
    with open(out / MANIFEST, "a", encoding="utf-8") as handle:
        handle.write("evil/v.txt\n")

    code = main(["generate", str(spec), "-o", str(out)])
    err = capsys.readouterr().err
    assert (victim_dir / "v.txt").read_text(encoding="utf-8") == "precious\n"
    assert code in (0, 2) and "internal error" not in err


@pytest.mark.skipif(sys.platform == "win32", reason="needs symlinks")
def test_a_symlinked_folder_in_the_output_is_never_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim_dir = tmp_path / "victim"
    victim_dir.mkdir()
    (out / "src").symlink_to(victim_dir, target_is_directory=True)  # where the package would be written
    spec = write_spec(tmp_path / "a", SPEC_A)

    code = main(["generate", str(spec), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 2 and "refusing to write through a symbolic link that leads out of the folder" in err
    assert list(victim_dir.iterdir()) == []


def test_with_manifest_refuses_paths_outside_the_folder() -> None:
    for bad in ("../x.py", "/etc/x.py", "a/../../x.py", "a\\x.py", "C:x.py", ""):
        with pytest.raises(GeneratorError):
            with_manifest({bad: "x"})
    files = with_manifest({"b.py": "b", "a/c.py": "c"})
    assert [line.split("\t")[0] for line in files[MANIFEST].splitlines() if not line.startswith("#")] == ["a/c.py", "b.py"]


# --- writing only what changed ---------------------------------------------------------------------------


def test_second_generate_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    spec = write_spec(tmp_path / "a", SPEC_A)
    first = generate(spec, out)
    assert first.changes is not None and first.changes.added and not first.changes.changed
    before = snapshot(out)
    stamps = {p: (out / p).stat().st_mtime_ns for p, data in before.items() if data is not None}

    second = generate(spec, out)
    assert second.changes is not None
    assert not second.changes.differs
    assert second.changes.unchanged == len(stamps) - 1  # all but the cache, which is not a generated file
    assert snapshot(out) == before
    assert {p: (out / p).stat().st_mtime_ns for p in stamps} == stamps


def test_write_reports_changes_and_clears_a_leftover_staging_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write(out, with_manifest({"a.txt": "1\n", "b.txt": "2\n"}))
    (out / STAGING / "sub").mkdir(parents=True)
    (out / STAGING / "sub" / "junk.txt").write_text("left by an interrupted run\n", encoding="utf-8")
    changes = write(out, with_manifest({"a.txt": "1\n", "b.txt": "two\n", "c.txt": "3\n"}))
    assert changes.added == ["c.txt"]
    assert sorted(changes.changed) == [MANIFEST, "b.txt"]
    assert changes.unchanged == 1
    assert not (out / STAGING).exists()
    assert files_only(snapshot(out)) == {
        path: text.encode() for path, text in with_manifest({"a.txt": "1\n", "b.txt": "two\n", "c.txt": "3\n"}).items()
    }


def test_write_keeps_text_exactly_no_newline_translation(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = "line one\r\nline two\nünïcode ✓\n"
    write(out, with_manifest({"x.txt": text}))
    assert (out / "x.txt").read_bytes() == text.encode("utf-8")
    assert not compare(out, with_manifest({"x.txt": text})).differs


# --- failures while writing ------------------------------------------------------------------------------

OLD = {"a.txt": "a1\n", "pkg/b.txt": "b1\n", "pkg/c.txt": "c1\n"}
NEW = {"a.txt": "a2\n", "pkg/b.txt": "b2\n", "pkg/d.txt": "d2\n"}  # c removed, d added


def test_failure_while_staging_leaves_the_folder_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    write(out, with_manifest(OLD))
    before_out = snapshot(out)
    before_all = snapshot(tmp_path)
    real_write, calls = os.write, []

    def failing_write(fd: int, data: bytes) -> int:  # the second staged file finds the disk full
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(OSError, match="No space left"):
        write(out, with_manifest(NEW))
    assert len(calls) == 2
    assert snapshot(out) == before_out
    assert snapshot(tmp_path) == before_all


def test_failure_while_moving_files_into_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What write() does guarantee when a move fails mid-way (after the journal is in place): the old
    manifest kept (it is moved last), every file either its old or its new content in full, nothing
    written outside the folder, and the next run completes the job from the journal."""
    out = tmp_path / "work" / "out"
    sibling = tmp_path / "work" / "sibling.txt"
    sibling.parent.mkdir()
    sibling.write_text("untouched\n", encoding="utf-8")
    old_files, new_files = with_manifest(OLD), with_manifest(NEW)
    write(out, old_files)
    outside_before = {p: d for p, d in snapshot(tmp_path).items() if not p.startswith("work/out")}
    real_replace, calls = os.replace, []

    def failing_replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        calls.append((Path(src), Path(dst)))
        if len(calls) > 2:  # the journal, then one file
            raise OSError(5, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="Input/output error"):
        write(out, new_files)
    monkeypatch.setattr(os, "replace", real_replace)

    assert len(calls) == 3 and calls[0][1] == out / JOURNAL
    assert all(dst.parent == out or out in dst.parents for _, dst in calls)
    assert (out / STAGING).is_dir() and (out / JOURNAL).is_file()  # the next run finishes the moves
    assert (out / MANIFEST).read_text(encoding="utf-8") == old_files[MANIFEST]
    after = {p: d for p, d in files_only(snapshot(out)).items() if p != JOURNAL and STAGING not in p}
    moved = calls[1][1].relative_to(out).as_posix()
    assert moved != MANIFEST
    for path, data in after.items():
        expected = {old_files.get(path, "").encode(), new_files.get(path, "").encode()} - {b""}
        assert data in expected, path
        assert (data == new_files.get(path, "").encode() and data != old_files.get(path, "").encode()) == (
            path == moved
        ), path
    assert "pkg/c.txt" in after  # removals happen only after every move succeeded
    assert {p: d for p, d in snapshot(tmp_path).items() if not p.startswith("work/out")} == outside_before

    changes = write(out, new_files)  # the interrupted write is finished first: nothing is left to change
    assert not changes.differs and not (out / STAGING).exists() and not (out / JOURNAL).exists()
    assert files_only(snapshot(out)) == {path: text.encode() for path, text in new_files.items()}


def test_cli_reports_a_failed_move_as_a_file_system_problem_without_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    generate(write_spec(tmp_path / "a", SPEC_A), out)
    manifest_before = (out / MANIFEST).read_bytes()

    def broken_replace(src: object, dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", broken_replace)
    code = main(["generate", str(write_spec(tmp_path / "b", SPEC_B)), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 2, captured.err  # the file system refused: not a generator bug
    assert f"error: {out}: cannot write" in captured.err and "Permission denied" in captured.err
    assert f"{out} was left as it was before this run" in captured.err
    assert "internal error" not in captured.err and "Traceback" not in captured.err
    assert (out / MANIFEST).read_bytes() == manifest_before
    assert not (out / STAGING).exists()


# --- determinism -----------------------------------------------------------------------------------------


def test_two_folders_get_byte_identical_trees(tmp_path: Path) -> None:
    spec = write_spec(tmp_path / "a", SPEC_A)
    generate(spec, tmp_path / "one")
    generate(spec, tmp_path / "elsewhere" / "two")
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "elsewhere" / "two")
    assert len(files_only(one)) > 10
    assert one == two


def test_output_does_not_depend_on_spec_location_or_hash_seed(tmp_path: Path) -> None:
    """CI checks out the repo at another path, in another process: the tree must not change."""
    generate(write_spec(tmp_path / "here", SPEC_A), tmp_path / "in-process")
    expected = snapshot(tmp_path / "in-process")
    for seed, folder in (("0", "first/place"), ("4242", "second/deeper/place")):
        spec = write_spec(tmp_path / folder, SPEC_A)
        done = subprocess.run(
            [sys.executable, "-m", "generator", "generate", str(spec), "-o", str(tmp_path / f"seed-{seed}")],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
        )
        assert done.returncode == 0, done.stderr
        assert snapshot(tmp_path / f"seed-{seed}") == expected


# --- generator.targets.python.pysource ----------------------------------------------------------------------------------

HOSTILE = [
    'triple """ quotes',
    '"""',
    'ends with a quote"',
    "ends with a backslash\\",
    "\\",
    "back\\slash \\n not a newline",
    "single ' quote and ''' triple",
    "new\nline",
    "carriage\rreturn\r\n",
    "nul\x00byte",
    "rlo \u202e evil",
    "lone surrogate \ud800 here",
    "{{ x }} {% if %}",
    '"""\nimport os\nINJECTED = os.getcwd()\n"""',
    'x"""\nINJECTED = 1\n#',
    "\u2028 line separator \u2029 para \x85 next line \x0b \x0c",
    "emoji 💥 and ünïcode",
    "",
    "   ",
]
RAW_FORBIDDEN = ("\x00", "\u202e", "\ud800", "\u2028", "\u2029", "\x85", "\r")


@pytest.mark.parametrize("value", HOSTILE)
def test_string_literal_round_trips(value: str) -> None:
    source = string_literal(value)
    assert eval(source, {"__builtins__": {}}) == value
    assert not any(char in source for char in RAW_FORBIDDEN)
    assert "\n" not in source
    source.encode("utf-8")  # would raise on a raw lone surrogate


@pytest.mark.parametrize("value", HOSTILE)
def test_docstring_text_is_inert(value: str) -> None:
    source = '"""' + docstring_text(value) + '"""\n'
    code = compile(source, "<docstring>", "exec")
    namespace: dict[str, object] = {"__builtins__": {}}
    exec(code, namespace)  # noqa: S102 - a docstring alone must run as nothing
    assert set(namespace) <= {"__builtins__", "__doc__"}
    assert not any(char in source for char in RAW_FORBIDDEN)
    source.encode("utf-8")
    # And as the docstring of a function, indented inside a class.
    nested = 'class C:\n    def f(self) -> None:\n        """' + docstring_text(value) + '"""\n'
    compile(nested, "<nested>", "exec")


def test_spec_description_ending_in_triple_quotes_generates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A valid spec whose property description ends in three double quotes (it once made invalid Python)."""
    spec = write_spec(
        tmp_path,
        SPEC_B.replace(
            "                  id:\n                    type: string\n",
            "                  id:\n                    type: string\n"
            '                    description: \'The id, as """id"""\'\n',
        ),
    )
    assert 'as """id"""' in spec.read_text(encoding="utf-8")
    code = main(["generate", str(spec), "-o", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err


def test_docstring_text_keeps_the_words() -> None:
    text = docstring_text('He said """hi""" \\o/')
    assert eval('"""' + text + '"""') == 'He said """hi""" \\o/'


@pytest.mark.parametrize("value", HOSTILE)
def test_comment_text_is_one_safe_line(value: str) -> None:
    text = comment_text(value)
    assert "\n" not in text
    assert not any(char in text for char in RAW_FORBIDDEN)
    code = compile(f"x = 1  # {text}\n", "<comment>", "exec")
    namespace: dict[str, object] = {"__builtins__": {}}
    exec(code, namespace)  # noqa: S102
    assert set(namespace) == {"__builtins__", "x"} and namespace["x"] == 1


def test_literal_round_trips_json_values() -> None:
    value = {'k"ey\u202e': [1, -2.5, True, False, None, "s\x00", {"n": {"\ud800": []}}], "": {}}
    assert eval(literal(value), {"__builtins__": {}}) == value
    nan, inf = eval(literal([float("nan"), float("-inf")]))
    assert math.isnan(nan) and inf == float("-inf")


# --- generator.targets.python.naming, and the model's unique -------------------------------------------------------


def test_naming_examples() -> None:
    assert snake_case("objectType") == "object_type"
    assert snake_case("class") == "class_"
    two_fa = snake_case("2fa")
    assert two_fa[0].isalpha() and two_fa.isidentifier() and "2fa" in two_fa
    assert pascal_case("end_user delete response") == "EndUserDeleteResponse"
    assert snake_case("HTTPServer") == "http_server"
    assert snake_case("end-users") == "end_users"


@pytest.mark.parametrize(
    "name", ["", "  ", "日本語", "class", "None", "true", "self", "_", "match", "2fa", "a-b.c", "💥", "x" * 200]
)
def test_names_are_always_usable_identifiers(name: str) -> None:
    for made in (snake_case(name), pascal_case(name)):
        assert made.isidentifier(), made
        assert not keyword.iskeyword(made) and not keyword.issoftkeyword(made), made
        assert made not in ("self", "cls")
        assert len(made) <= 81


def test_unique_is_case_insensitive() -> None:
    taken: set[str] = set()
    assert unique("Pets", taken) == "Pets"
    assert unique("pets", taken) == "pets_2"
    assert unique("PETS", taken) == "PETS_3"
    assert unique("owners", taken) == "owners"
    assert taken == {"pets", "pets_2", "pets_3", "owners"}
    taken = {"pets_2"}
    assert unique("Pets_2", taken) == "Pets_2_2"


# --- the cache beside the output: a second run skips validation and formatting ---------------------------


def test_second_run_reuses_validation_and_formatting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import black

    out = tmp_path / "out"
    spec = write_spec(tmp_path / "a", SPEC_A)
    first = generate(spec, out).files
    assert (out / CACHE).is_file() and CACHE not in first  # the cache is not a generated file

    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError("should have been reused from the cache")

    monkeypatch.setattr(pipeline, "Validation", fail)
    monkeypatch.setattr(black, "format_str", fail)
    assert generate(spec, out).files == first
    assert pipeline.check(pipeline.Options(spec=spec, output=out)).changes == generate(spec, out).changes


def test_cache_is_not_trusted_for_edited_files_or_changed_specs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import black

    out = tmp_path / "out"
    spec = write_spec(tmp_path / "a", SPEC_A)
    first = generate(spec, out).files
    edited = next(p for p in first if p.endswith("/_client.py"))
    static = next(p for p in first if p.endswith("/_base_client.py"))  # copied as it is, never formatted
    for path in (edited, static):
        (out / path).write_text(first[path] + "# hand edit\n", encoding="utf-8")
    formatted: list[str] = []
    real_format = black.format_str

    def counting(text: str, *, mode: object) -> str:
        formatted.append(text)
        return real_format(text, mode=mode)  # type: ignore[arg-type]

    monkeypatch.setattr(black, "format_str", counting)
    result = generate(spec, out)
    assert formatted == []  # the templates write black's layout: no black, and the edited file was restored
    assert result.changes is not None and result.changes.changed == sorted([edited, static])
    assert (out / edited).read_text(encoding="utf-8") == first[edited]

    validated: list[object] = []
    real_validation = pipeline.Validation
    monkeypatch.setattr(pipeline, "Validation", lambda *a, **k: validated.append(a) or real_validation(*a, **k))
    spec.write_text(SPEC_A.replace("version: 1.0.0", "version: 1.0.1"), encoding="utf-8")
    generate(spec, out)
    assert len(validated) == 1  # different content: validated again


def test_cached_validation_problems_are_replayed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    spec = write_spec(tmp_path / "a", SPEC_A.replace("title: Pet API", "title: 7"))  # info.title must be a string
    first = pipeline.generate(pipeline.Options(spec=spec, output=out, lenient=True))
    assert first.warnings and "title" in str(first.warnings[0].pointer)

    def fail(*args: object, **kwargs: object) -> object:
        raise AssertionError("the cached result should have been used")

    monkeypatch.setattr(pipeline, "Validation", fail)
    again = pipeline.generate(pipeline.Options(spec=spec, output=out, lenient=True))
    assert again.warnings == first.warnings
    with pytest.raises(GeneratorError) as strict:
        pipeline.build(pipeline.Options(spec=spec, output=out))
    assert strict.value.problems == first.warnings
