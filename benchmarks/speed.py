"""Benchmark: every ratio of issue 12 beside its target, ours and openapi-python-client side by side.

Measured, not asserted (not a test, no thresholds). Every run is a subprocess from process start to
exit, in a fresh temporary folder; each round runs every case once, the reference first, so load
changes hit both alike; figures are medians over the rounds (`--repeat`, default 3) and each ratio is
the median of the per-round ratios ours/reference. The load average (1 min) at the start of each run
is printed beside the figures: the machine is shared.

Cases, per spec (jira-platform, box, digitalocean, openai from the corpus, and a synthetic spec of
about 3 MB and 200 operations from synthetic_spec.py):
- first:     `generate SPEC -o EMPTY --lenient` (no manifest, no cache)    target ours/ref <= 0.667 (1.5x faster)
- check:     `check` of that output copied without its cache (a fresh clone) target <= 0.25 of ref's first run
- unchanged: `generate` again into the same folder (nothing changed)       target <= 0.1 of ref's first run
and for the seed spec (specs/conductor.yaml), `generate` end to end, target <= 0.75 (issue 24; issue 12 asked 0.5).
Beside them, per spec, validation alone (issue 24): the seconds the validate stage's validator takes
(generator/validator_speedups.py) and openapi-spec-validator's as shipped, each in a fresh process
(benchmarks/validation_time.py; importing and loading the spec not counted), and how many times faster ours is.

`--scale` instead generates synthetic specs of 500, 1,000, 2,000 and 5,000 operations (shared and
inline schemas), one first run each (or `--repeat`), and reports time, peak RSS, tree PSS, seconds per
operation and the growth exponent between sizes (1.0 is linear).

    bash benchmarks/setup.sh
    .venv/bin/python benchmarks/speed.py [--repeat 3] [--only jira-platform] [--markdown]
    .venv/bin/python benchmarks/speed.py --scale
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic_spec
from generate_large_specs import CORPUS, OUR_PYTHON, REFERENCE_BIN, ROOT, SPECS, environment, measure

SYNTHETIC = "synthetic-3mb-200ops"
SEED = "seed (conductor)"
TARGETS = {"first": 1 / 1.5, "check": 0.25, "unchanged": 0.1, "seed": 0.75}
VALIDATION_TIME = Path(__file__).resolve().parent / "validation_time.py"
SCALE_SIZES = (500, 1000, 2000, 5000)


@dataclass
class Sample:
    seconds: float
    load: float
    ok: bool
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    note: str = ""


@dataclass
class Case:
    ours: list[Sample] = field(default_factory=list)
    ref: list[Sample] = field(default_factory=list)


@dataclass
class Validation:
    ours: list[Sample] = field(default_factory=list)
    library: list[Sample] = field(default_factory=list)


def validation_alone(which: str, spec: Path, workdir: Path) -> Sample:
    """Seconds of validating `spec` alone (benchmarks/validation_time.py), in a fresh process."""
    load = os.getloadavg()[0]
    code, _, _, _, stdout, stderr = measure(
        [str(OUR_PYTHON), str(VALIDATION_TIME), which, str(spec)], workdir, dict(os.environ), 1800
    )
    if code != 0:
        return Sample(math.nan, load, False, note=(stderr.strip().splitlines() or ["?"])[-1][:120])
    seconds, problems = stdout.strip().split(maxsplit=1)
    return Sample(float(seconds), load, True, note=f"{problems} problems")


def run(cmd: list[str], workdir: Path, env: dict[str, str] | None = None, timeout: float = 1800) -> Sample:
    load = os.getloadavg()[0]
    code, wall, rss, pss, _, stderr = measure(cmd, workdir, env or dict(os.environ), timeout)
    note = "" if code == 0 else (stderr.strip().splitlines() or ["?"])[-1][:120]
    return Sample(wall, load, code == 0, rss, pss, note)


def ours(*args: str) -> list[str]:
    return [str(OUR_PYTHON), "-m", "generator", *args, "--quiet"]


def reference(spec: Path, out: Path, workdir: Path) -> Sample:
    env = dict(
        os.environ, PATH=f"{REFERENCE_BIN}{os.pathsep}{os.environ.get('PATH', '')}", _TYPER_STANDARD_TRACEBACK="1"
    )
    cmd = [
        str(REFERENCE_BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(out),
        "--overwrite",
    ]
    return run(cmd, workdir, env)


def one_round(name: str, spec: Path, cases: dict[tuple[str, str], Case], validations: dict[str, Validation]) -> None:
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        work = Path(tmp)
        if name in validations:
            print(f"  {name}: validation alone, library then ours ...", file=sys.stderr, flush=True)
            validations[name].library.append(validation_alone("library", spec, work))
            validations[name].ours.append(validation_alone("ours", spec, work))
        print(f"  {name}: reference ...", file=sys.stderr, flush=True)
        ref = reference(spec, work / "ref", work)
        # The seed's config names several targets; -o takes one of them (the Python SDK, which the reference makes).
        lenient = ["--target", "python"] if name == SEED else ["--lenient"]
        out = work / "ours"
        print(f"  {name}: ours first ...", file=sys.stderr, flush=True)
        first = run(ours("generate", str(spec), "-o", str(out), *lenient), work)
        if name == SEED:
            cases[("seed", name)].ours.append(first)
            cases[("seed", name)].ref.append(ref)
            return
        cases[("first", name)].ours.append(first)
        if not first.ok:
            print(f"  {name}: ours failed: {first.note}", file=sys.stderr, flush=True)
            return
        clone = work / "clone"
        shutil.copytree(out, clone, ignore=shutil.ignore_patterns(".generator-cache"))
        print(f"  {name}: ours check (fresh clone) ...", file=sys.stderr, flush=True)
        cases[("check", name)].ours.append(run(ours("check", str(spec), "-o", str(clone), *lenient), work))
        print(f"  {name}: ours generate, nothing changed ...", file=sys.stderr, flush=True)
        cases[("unchanged", name)].ours.append(run(ours("generate", str(spec), "-o", str(out), *lenient), work))
        for kind in ("first", "check", "unchanged"):
            cases[(kind, name)].ref.append(ref)


def ratio(case: Case) -> float:
    return statistics.median(o.seconds / r.seconds for o, r in zip(case.ours, case.ref))


def loads(samples: list[Sample]) -> str:
    values = [s.load for s in samples]
    return f"{min(values):.1f}-{max(values):.1f}"


def report_validation(validations: dict[str, Validation], markdown: bool) -> None:
    rows = [["validation alone", "ours s", "load", "library s", "load", "library/ours", "problems ours, library"]]
    for name, runs in validations.items():
        if not runs.ours:
            continue
        pairs = [(o, lib) for o, lib in zip(runs.ours, runs.library) if o.ok and lib.ok]
        faster = f"{statistics.median(lib.seconds / o.seconds for o, lib in pairs):.1f}x" if pairs else "-"
        failed = [s.note for s in runs.ours + runs.library if not s.ok]
        rows.append(
            [
                name,
                f"{statistics.median(s.seconds for s in runs.ours):.2f}",
                loads(runs.ours),
                f"{statistics.median(s.seconds for s in runs.library):.2f}",
                loads(runs.library),
                faster,
                f"{runs.ours[-1].note}, {runs.library[-1].note}" + (f" (failed: {failed[0]})" if failed else ""),
            ]
        )
    table(rows, markdown)


def table(rows: list[list[str]], markdown: bool) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    if markdown:
        print()
        for i, row in enumerate(rows):
            print("| " + " | ".join(row) + " |")
            if i == 0:
                print("|" + "|".join(" --- " for _ in row) + "|")
    print()


def report(cases: dict[tuple[str, str], Case], markdown: bool) -> None:
    header = ["case", "spec", "ours s", "load", "reference s", "load", "ours/ref", "target", "verdict"]
    rows = [header]
    for (kind, name), case in cases.items():
        if not case.ours:
            continue
        value, target = ratio(case), TARGETS[kind]
        failed = [s.note for s in case.ref if not s.ok]
        verdict = "MET" if value <= target and all(s.ok for s in case.ours) else "NOT MET"
        if not all(s.ok for s in case.ours):
            verdict += " (ours failed: " + next(s.note for s in case.ours if not s.ok) + ")"
        if failed:
            verdict += " (reference failed; its time is time to failure)"
        rows.append(
            [
                kind,
                name,
                f"{statistics.median(s.seconds for s in case.ours):.2f}",
                loads(case.ours),
                f"{statistics.median(s.seconds for s in case.ref):.2f}",
                loads(case.ref),
                f"{value:.3f}",
                f"<= {target:.3f}",
                verdict,
            ]
        )
    table(rows, markdown)


def scale(repeat: int, sizes: tuple[int, ...]) -> None:
    rows = [["operations", "spec MB", "seconds", "load", "s/op (ms)", "peak RSS MB", "tree PSS MB", "growth exponent"]]
    previous: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory(prefix="scale-") as tmp:
        work = Path(tmp)
        for n in sizes:
            spec = synthetic_spec.write(work / f"spec-{n}.json", n)
            samples = []
            for i in range(repeat):
                print(f"  scale {n}: run {i + 1}/{repeat} ...", file=sys.stderr, flush=True)
                out = work / f"out-{n}-{i}"
                samples.append(run(ours("generate", str(spec), "-o", str(out)), work))
                shutil.rmtree(out, ignore_errors=True)
            seconds = statistics.median(s.seconds for s in samples)
            growth = f"{math.log(seconds / previous[1]) / math.log(n / previous[0]):.2f}" if previous else "-"
            previous = (n, seconds)
            rows.append(
                [
                    str(n),
                    f"{spec.stat().st_size / 1e6:.1f}",
                    f"{seconds:.2f}",
                    loads(samples),
                    f"{seconds / n * 1000:.1f}",
                    f"{max(s.rss_mb for s in samples):.0f}",
                    f"{max(s.pss_mb for s in samples):.0f}",
                    growth,
                ]
            )
            if not all(s.ok for s in samples):
                rows[-1][-1] += " (failed: " + next(s.note for s in samples if not s.ok) + ")"
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("growth exponent: log(t2/t1)/log(n2/n1) against the previous size; 1.0 is linear, 2.0 quadratic")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="rounds (default 3); figures are medians")
    parser.add_argument("--only", action="append", help="spec names to run (default: all, and the seed)")
    parser.add_argument("--markdown", action="store_true", help="also print the table as Markdown")
    parser.add_argument("--no-validation", action="store_true", help="skip the validation-alone figures")
    parser.add_argument("--scale", action="store_true", help="the scale benchmark instead (synthetic specs)")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(SCALE_SIZES), help="operations, for --scale")
    args = parser.parse_args()
    # What `pip install` does for every package, the reference included: its modules' bytecode is on disk.
    # A checkout run with PYTHONDONTWRITEBYTECODE=1 (set on these machines) would otherwise recompile ours
    # on every start.
    compileall.compile_dir(str(ROOT / "generator"), quiet=1)
    print(environment(), flush=True)
    if args.scale:
        scale(args.repeat if args.repeat != 3 else 1, tuple(args.sizes))
        return 0
    if not (REFERENCE_BIN / "openapi-python-client").exists():
        sys.exit("openapi-python-client is not installed: run benchmarks/setup.sh first")
    with tempfile.TemporaryDirectory(prefix="speed-specs-") as tmp:
        specs = {name: CORPUS / entry for name, entry in SPECS.items()}
        specs[SYNTHETIC] = synthetic_spec.write(Path(tmp) / "synthetic.json", 200, text_kb=2300)
        specs[SEED] = ROOT / "specs" / "conductor.yaml"
        chosen = {name: spec for name, spec in specs.items() if not args.only or name in args.only}
        cases: dict[tuple[str, str], Case] = {}
        for kind in ("first", "check", "unchanged"):
            for name in chosen:
                if name != SEED:
                    cases[(kind, name)] = Case()
        if SEED in chosen:
            cases[("seed", SEED)] = Case()
        validations = {name: Validation() for name in chosen if name != SEED and not args.no_validation}
        for i in range(args.repeat):
            print(f"round {i + 1}/{args.repeat}", file=sys.stderr, flush=True)
            for name, spec in chosen.items():
                one_round(name, spec, cases, validations)
    print(
        f"\nmedians of {args.repeat} round(s); ours/ref is the median of the per-round ratios; load = 1-min load average"
    )
    report(cases, args.markdown)
    if validations:
        print(
            "validation alone (in-process seconds, spec already loaded); library/ours is the median of per-round ratios"
        )
        report_validation(validations, args.markdown)
    print(environment())
    return 0


if __name__ == "__main__":
    sys.exit(main())
