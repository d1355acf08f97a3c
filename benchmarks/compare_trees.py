"""CPU (and wall) time of a first `generate` by this tree against another revision of the generator, alternated.

A refactoring must not make the generator slower. Wall-clock figures on a shared machine swing with its load;
the CPU time (user + system) a run takes swings much less, so this measures that, in rounds that alternate the two
trees, and prints each spec's median per tree and the ratio this tree / base.

    .venv/bin/python benchmarks/compare_trees.py --base REV [--repeat 5] [--only openai]

The base revision is checked out into a temporary git worktree and run with this tree's interpreter (the two must
need the same dependencies).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SDKGEN_CORPUS", ROOT.parent / "shared" / "corpus")).resolve()
SPECS = {
    "jira-platform": CORPUS / "jira-platform" / "platform-swagger.v3.json",
    "openai": CORPUS / "openai" / "openapi.yaml",
    "seed": ROOT / "specs" / "conductor.yaml",
    # Conductor's spec with its config, every target it names (python, mcp, typescript), in a copy of specs/
    "seed, all targets": ROOT / "specs" / "conductor.yaml",
}
ALL_TARGETS = "seed, all targets"


def cpu_seconds(tree: Path, name: str, scratch: Path) -> tuple[float, float]:
    """User + system CPU seconds, and wall seconds, of one first `generate` (validation included) into an empty
    folder."""
    spec = SPECS[name]
    if name == ALL_TARGETS:  # into the folders its config names, beside a copy of the spec
        copy = scratch / "specs"
        copy.mkdir()
        for path in (spec, spec.with_name(f"{spec.stem}.config.yaml")):
            shutil.copy(path, copy / path.name)
        arguments = [str(copy / spec.name), "-q"]
    else:
        arguments = [str(spec), "-o", str(scratch / "out"), "--lenient", "-q", "--target", "python"]
    before, started = resource.getrusage(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "generator", "generate", *arguments],
        cwd=tree,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        check=True,
    )
    wall, after = time.perf_counter() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", action="append", choices=sorted(SPECS))
    args = parser.parse_args()
    names = args.only or sorted(SPECS)
    with tempfile.TemporaryDirectory() as temp:
        base = Path(temp) / "base"
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(base), args.base], cwd=ROOT, check=True, capture_output=True
        )
        try:
            # PYTHONDONTWRITEBYTECODE is set on these machines: compiled ahead, neither tree compiles its modules
            # on every run (the new worktree has none compiled, this one usually has).
            for tree in (base, ROOT):
                compileall.compile_dir(str(tree / "generator"), quiet=1)
            times: dict[tuple[str, str], list[float]] = {}
            walls: dict[tuple[str, str], list[float]] = {}
            loads: list[float] = []
            for _ in range(args.repeat):
                for name in names:
                    for label, tree in (("base", base), ("this", ROOT)):
                        with tempfile.TemporaryDirectory() as scratch:
                            loads.append(os.getloadavg()[0])
                            cpu, wall = cpu_seconds(tree, name, Path(scratch))
                            times.setdefault((name, label), []).append(cpu)
                            walls.setdefault((name, label), []).append(wall)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)
    print(f"CPU and wall seconds of a first generate, median of {args.repeat} alternated rounds (base {args.base};")
    print(f"1-minute load average {min(loads):.1f} to {max(loads):.1f})")
    print("| spec | CPU base | CPU this | this/base | wall base | wall this | this/base |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name in names:
        old, new = statistics.median(times[(name, "base")]), statistics.median(times[(name, "this")])
        old_wall, new_wall = statistics.median(walls[(name, "base")]), statistics.median(walls[(name, "this")])
        print(
            f"| {name} | {old:.2f} | {new:.2f} | {new / old:.3f} | {old_wall:.2f} | {new_wall:.2f} |"
            f" {new_wall / old_wall:.3f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
