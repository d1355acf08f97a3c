"""Record, or compare against the record, everything the generator writes for a fixed set of specs.

The one-model redesign (and any refactoring after it) must not change a byte of output. This script runs the
command line, as a user would, over every corpus spec, the specs written out from the fuzz profile
(`tests/golden/fuzz/`), and `specs/`; it digests every generated file, `inspect --json`, `samples`, and `diff`
over each pair of consecutive specs in the corpus history, and either writes the record
(`tests/golden/outputs.json`) or compares with it.

    python scripts/output_digests.py --record            # write the record (from the tree as it is)
    python scripts/output_digests.py                      # compare; exit 1 on any difference
    python scripts/output_digests.py --only resend --show REF
        # compare one spec and print unified diffs against the output of git revision REF
    python scripts/output_digests.py --write-fuzz-specs   # write tests/golden/fuzz/ from the ci profile

A difference is either a bug or a deliberate change, named in the CHANGELOG and recorded again.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import hashlib
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT.parent / "shared" / "corpus").resolve()  # messages name the real path, not a link to it
GOLDEN = ROOT / "tests" / "golden"
RECORD = GOLDEN / "outputs.json"
FUZZ = GOLDEN / "fuzz"
UNSTABLE = {".generator-cache"}  # a stamp of this machine's run, not output
TIMING = re.compile(r"^timing: .*$\n?", re.MULTILINE)
ELAPSED = re.compile(r" in \d+(\.\d+)? s$", re.MULTILINE)  # the summary line's run time
# Run with a fixed hash seed: the order of some lenient warnings follows set iteration (a known issue).
ENV = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}


@dataclass(frozen=True)
class Case:
    name: str
    spec: Path
    config: Path | None = None


def cases() -> list[Case]:
    found = [Case("seed", ROOT / "specs" / "conductor.yaml", ROOT / "specs" / "conductor.config.yaml")]
    manifest = (CORPUS / "manifest.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in manifest:
        name, entry = line.split("\t")[:2]
        found.append(Case(name, CORPUS / entry))
    found += [Case(f"fuzz-{spec.stem}", spec) for spec in sorted(FUZZ.glob("*.*"))]
    return found


def history_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for folder in sorted((CORPUS / "history").iterdir()):
        if folder.is_dir():
            files = sorted(folder.glob("*.yaml"))
            pairs += list(itertools.pairwise(files))
    return pairs


def _run(args: list[str], cwd: Path, scratch: Path) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=cwd,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    return (
        done.returncode,
        _portable(ELAPSED.sub(" in <time>", done.stdout), scratch),
        _portable(TIMING.sub("", done.stderr), scratch),
    )


def _portable(text: str, scratch: Path) -> str:
    return text.replace(str(scratch), "<out>").replace(str(CORPUS), "<corpus>").replace(str(ROOT), "<root>")


def _digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


EXTENDS = re.compile(r"^extends: .*$", re.MULTILINE)
# The manifest's run record digests the generator's own source too (so that a new generator runs again).
INPUTS = re.compile(rb'"inputs": "[0-9a-f]+"')


def _files(out: Path) -> dict[str, str]:
    return {
        path.relative_to(out).as_posix(): _digest(INPUTS.sub(b'"inputs": "<generator>"', path.read_bytes()))
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name not in UNSTABLE
    }


def _python_only(case: Case) -> list[str]:
    """`--target python` where the case's config names several targets (`-o` then needs one): the record is of
    the Python SDK. Not passed otherwise, so that `--show` can run revisions from before targets existed."""
    config = case.config or case.spec.with_name(f"{case.spec.stem}.config.yaml")
    if not config.is_file():
        return []
    return ["--target", "python"] if "targets" in (yaml.safe_load(config.read_text(encoding="utf-8")) or {}) else []


def outputs(case: Case, tree: Path = ROOT) -> dict[str, object]:
    """What every command prints and writes for one spec, run from the generator in `tree`."""
    config = ["-c", str(case.config)] if case.config else []
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        out = scratch / "client"
        code, stdout, stderr = _run(
            ["generate", str(case.spec), "-o", str(out), "--lenient", "-q", *config, *_python_only(case)], tree, scratch
        )
        result: dict[str, object] = {"generate": {"exit": code, "stdout": stdout, "stderr": stderr}}
        result["files"] = _files(out) if out.is_dir() else {}
        code, stdout, stderr = _run(["inspect", str(case.spec), "--json", "--lenient", *config], tree, scratch)
        result["inspect"] = {"exit": code, "stdout": _digest(stdout), "stderr": stderr}
        samples = scratch / "samples.yaml"
        code, stdout, stderr = _run(
            ["samples", str(case.spec), "-o", str(samples), "--lenient", *config], tree, scratch
        )
        text = samples.read_text(encoding="utf-8") if samples.is_file() else ""
        text = EXTENDS.sub("extends: <spec>", text)  # relative to the scratch folder: depends on the tree's place
        result["samples"] = {"exit": code, "file": _digest(text), "stderr": stderr}
        return result


def diffs(tree: Path = ROOT) -> dict[str, object]:
    result: dict[str, object] = {}
    for old, new in history_pairs():
        code, stdout, stderr = _run(["diff", str(old), str(new), "--json"], tree, old.parent)
        result[f"{old.parent.name}/{old.stem}..{new.stem}"] = {"exit": code, "stdout": stdout, "stderr": stderr}
    return result


def record_all(selected: list[Case], jobs: int) -> dict[str, object]:
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        found = dict(zip([c.name for c in selected], pool.map(outputs, selected), strict=True))
    return found


def write_fuzz_specs() -> None:
    """Write the documents the fuzz `ci` profile draws (deterministic for a given hypothesis version)."""
    sys.path.insert(0, str(ROOT))
    from hypothesis import HealthCheck, given, settings

    from tests.support.hostile_specs import Drawn, documents

    drawn: list[Drawn] = []

    @settings(max_examples=30, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(documents())
    def collect(document: Drawn) -> None:
        drawn.append(document)

    collect()
    FUZZ.mkdir(parents=True, exist_ok=True)
    for old in FUZZ.iterdir():
        old.unlink()
    for number, document in enumerate(drawn, 1):
        (FUZZ / f"{number:02d}.{document.fmt}").write_text(document.dump(), encoding="utf-8")
    print(f"wrote {len(drawn)} specs to {FUZZ.relative_to(ROOT)}")


def _show(case: Case, revision: str) -> None:
    """Print unified diffs of every file of `case` that differs from what git revision `revision` writes."""
    with tempfile.TemporaryDirectory() as base_name:
        base = Path(base_name) / "tree"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), revision], cwd=ROOT, check=True, capture_output=True
        )
        try:
            for tree, label in ((base, "old"), (ROOT, "new")):
                out = Path(base_name) / label
                config = ["-c", str(case.config)] if case.config else []
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "generator",
                        "generate",
                        str(case.spec),
                        "-o",
                        str(out),
                        "--lenient",
                        "-q",
                        *config,
                        *_python_only(case),
                    ],
                    cwd=tree,
                    env=ENV,
                    capture_output=True,
                    check=False,
                )
            old_dir, new_dir = Path(base_name) / "old", Path(base_name) / "new"
            names = sorted({*_files(old_dir), *_files(new_dir)} if old_dir.is_dir() else _files(new_dir))
            for name in names:
                old_text = (old_dir / name).read_text("utf-8").splitlines(True) if (old_dir / name).is_file() else []
                new_text = (new_dir / name).read_text("utf-8").splitlines(True) if (new_dir / name).is_file() else []
                sys.stdout.writelines(difflib.unified_diff(old_text, new_text, f"old/{name}", f"new/{name}"))
        finally:
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True, check=False
            )


def compare(recorded: dict[str, object], found: dict[str, object]) -> list[str]:
    differences = []
    for name, value in found.items():
        if name not in recorded:
            differences.append(f"{name}: not in the record")
            continue
        old = recorded[name]
        assert isinstance(old, dict) and isinstance(value, dict)
        for key in sorted({*old, *value}):
            if key == "files":
                old_files, new_files = old.get(key, {}), value.get(key, {})
                for file in sorted({*old_files, *new_files}):
                    if old_files.get(file) != new_files.get(file):
                        state = "added" if file not in old_files else "removed" if file not in new_files else "changed"
                        differences.append(f"{name}: {file} {state}")
            elif old.get(key) != value.get(key):
                differences.append(
                    f"{name}: {key} differs: {json.dumps(old.get(key))[:300]} -> " f"{json.dumps(value.get(key))[:300]}"
                )
    return differences


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help="write the record instead of comparing")
    parser.add_argument("--only", action="append", help="only this case (repeatable); `diff` for the history")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--show", metavar="REV", help="print file diffs against what git revision REV writes")
    parser.add_argument("--write-fuzz-specs", action="store_true", help="write tests/golden/fuzz/ and stop")
    args = parser.parse_args()
    if args.write_fuzz_specs:
        write_fuzz_specs()
        return 0
    selected = [c for c in cases() if not args.only or c.name in args.only]
    found = record_all(selected, args.jobs)
    if not args.only or "diff" in args.only:
        found["diff"] = diffs()
    if args.record:
        recorded = json.loads(RECORD.read_text("utf-8")) if RECORD.is_file() and args.only else {}
        RECORD.write_text(json.dumps({**recorded, **found}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(found)} cases in {RECORD.relative_to(ROOT)}")
        return 0
    differences = compare(json.loads(RECORD.read_text("utf-8")), found)
    print("\n".join(differences) if differences else f"identical: {len(found)} cases")
    if args.show:
        for case in selected:
            if any(d.startswith(case.name + ":") for d in differences):
                _show(case, args.show)
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
