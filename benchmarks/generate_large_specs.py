"""Benchmark: our generator against openapi-python-client on the four large corpus specs.

Measured, not asserted. For each spec, in the same run, both tools generate a full client into a fresh
temporary folder as subprocesses, each with its own default formatter (ours: black, in-process and in a
pool of worker processes; openapi-python-client: its default post-hooks `ruff check --fix-only` and
`ruff format`). Per run it records:

- wall time: time.perf_counter() around the subprocess, from start until it is reaped;
- peak RSS: ru_maxrss from os.wait4, i.e. the largest single process of the child's tree;
- peak tree PSS: the child's whole process tree (its session) sampled every 100 ms from
  /proc/PID/smaps_rollup and summed, so worker processes count and shared pages count once;
- exit status (a run still going after --timeout seconds is killed and reported as a timeout);
- operations generated: ours from its summary line, openapi-python-client by counting the endpoint
  modules it wrote under its `api/` folder; endpoints it reports as "will not be generated" are counted
  as skipped.

Run benchmarks/setup.sh first. Usage:

    .venv/bin/python benchmarks/generate_large_specs.py [--repeat N] [--only NAME] [--markdown]

Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("SDKGEN_CORPUS", ROOT.parent / "shared" / "corpus"))
OUR_PYTHON = ROOT / ".venv" / "bin" / "python"
REFERENCE_BIN = ROOT / "benchmarks" / ".venv-reference" / "bin"
SPECS = {
    "jira-platform": "jira-platform/platform-swagger.v3.json",
    "box": "box/openapi.json",
    "digitalocean": "digitalocean/specification/DigitalOcean-public.v2.yaml",
    "openai": "openai/openapi.yaml",
}
TARGET_SPEEDUP = 3.0
SAMPLE_SECONDS = 0.1


@dataclass
class Run:
    exit_code: int | None  # None: killed after the timeout
    wall: float
    peak_rss_mb: float
    tree_pss_mb: float
    operations: int | None
    skipped: int | None
    warnings: int
    error: str  # one-line summary when the run failed, else ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


# --- measuring a subprocess ---------------------------------------------------------------------------


def _session_pss_kb(session: int) -> int:
    """Sum of Pss over every live process whose session id is `session` (the child and its descendants)."""
    total = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            # Fields after the parenthesised command name: state ppid pgrp session ...
            if int(stat.rsplit(")", 1)[1].split()[3]) != session:
                continue
            for line in Path(entry.path, "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return total


def measure(
    cmd: list[str], cwd: Path, env: dict[str, str], timeout: float
) -> tuple[int | None, float, float, float, str, str]:
    """Run cmd; return (exit code or None on timeout, wall s, peak RSS MB, peak tree PSS MB, stdout, stderr)."""
    out_path, err_path = cwd / "stdout.txt", cwd / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()
        done = threading.Event()
        peak_pss_kb = 0

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        def sample() -> None:
            nonlocal peak_pss_kb
            while not done.wait(SAMPLE_SECONDS):
                peak_pss_kb = max(peak_pss_kb, _session_pss_kb(proc.pid))

        timer = threading.Timer(timeout, kill)
        sampler = threading.Thread(target=sample, daemon=True)
        timer.start()
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        timer.cancel()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by us, not by Popen
    exit_code = None if timed_out.is_set() else proc.returncode
    stdout = out_path.read_text(errors="replace")
    stderr = err_path.read_text(errors="replace")
    return exit_code, wall, usage.ru_maxrss / 1024, peak_pss_kb / 1024, stdout, stderr


def _error_summary(stderr: str) -> str:
    """One line saying why a run failed, from the tool's own words."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        if line.startswith("Error(s) encountered while generating"):
            return " / ".join(lines[i + 1 : i + 3])[:200]
    for line in reversed(lines):
        if re.match(r"^[A-Za-z_][\w.]*(Error|Exception)\b", line) or line.startswith("error:"):
            return line[:200]
    return lines[-1][:200] if lines else ""


# --- the two tools ------------------------------------------------------------------------------------


def run_ours(spec: Path, workdir: Path, timeout: float) -> Run:
    cmd = [str(OUR_PYTHON), "-m", "generator", "generate", str(spec), "-o", str(workdir / "client"), "--lenient"]
    code, wall, rss, pss, stdout, stderr = measure(cmd, workdir, dict(os.environ), timeout)
    summary = re.search(r"^(\d+) operations -> ", stdout, re.MULTILINE)
    return Run(
        exit_code=code,
        wall=wall,
        peak_rss_mb=rss,
        tree_pss_mb=pss,
        operations=int(summary.group(1)) if summary else None,
        skipped=None,
        warnings=sum(line.startswith("warning:") for line in stderr.splitlines()),
        error="" if code == 0 else _error_summary(stderr),
    )


def run_reference(spec: Path, workdir: Path, timeout: float) -> Run:
    client = workdir / "client"
    cmd = [
        str(REFERENCE_BIN / "openapi-python-client"),
        "generate",
        "--path",
        str(spec),
        "--output-path",
        str(client),
        "--overwrite",
    ]
    # Its post-hooks find ruff on PATH; a plain traceback is easier to summarise than typer's rich one.
    env = dict(
        os.environ, PATH=f"{REFERENCE_BIN}{os.pathsep}{os.environ.get('PATH', '')}", _TYPER_STANDARD_TRACEBACK="1"
    )
    code, wall, rss, pss, _, stderr = measure(cmd, workdir, env, timeout)
    modules = [p for p in client.glob("*/api/**/*.py") if p.name != "__init__.py"]
    return Run(
        exit_code=code,
        wall=wall,
        peak_rss_mb=rss,
        tree_pss_mb=pss,
        operations=len(modules) if code == 0 else 0,
        skipped=stderr.count("Endpoint will not be generated."),
        warnings=sum(line.startswith("WARNING parsing ") for line in stderr.splitlines()),
        error="" if code == 0 else _error_summary(stderr),
    )


def run_ours_again(spec: Path, workdir: Path, timeout: float) -> Run:
    """The everyday case: regenerating into a folder a previous run wrote (its cache beside it is warm)."""
    run_ours(spec, workdir, timeout)
    return run_ours(spec, workdir, timeout)


TOOLS = {"ours": run_ours, "ours (regenerate)": run_ours_again, "openapi-python-client": run_reference}


# --- report -------------------------------------------------------------------------------------------


@dataclass
class Result:
    """All runs of one tool on one spec, summarised."""

    runs: list[Run]

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def complete(self) -> bool:
        return all(r.ok for r in self.runs)

    def status(self) -> str:
        words = {"ok" if r.ok else "timeout" if r.exit_code is None else f"exit {r.exit_code}" for r in self.runs}
        return "/".join(sorted(words))

    def row(self, tool: str, expected: int) -> list[str]:
        last = self.runs[-1]
        ops = "-" if last.operations is None else str(last.operations)
        return [
            tool,
            self.status(),
            f"{self.wall:.2f}",
            f"{max(r.peak_rss_mb for r in self.runs):.0f}",
            f"{max(r.tree_pss_mb for r in self.runs):.0f}",
            f"{ops}/{expected}",
            "-" if last.skipped is None else str(last.skipped),
            str(last.warnings),
        ]


HEADER = ["tool", "exit", "wall s (median)", "peak RSS MB", "tree PSS MB", "operations", "skipped", "warnings"]


def verdict(name: str, expected: int, ours: Result, ref: Result) -> list[str]:
    """The lines under a spec's table: ratios, failures, and whether our target is met."""
    time_ratio = ref.wall / ours.wall
    mem_ratio = max(r.tree_pss_mb for r in ref.runs) / max(max(r.tree_pss_mb for r in ours.runs), 1e-9)
    ref_failed = not ref.complete
    lines = [
        f"time ratio reference/ours: {time_ratio:.2f}x{'  (reference failed; not a speed comparison)' if ref_failed else ''}",
        f"memory ratio reference/ours (tree PSS): {mem_ratio:.2f}x",
    ]
    for tool, result in (("ours", ours), ("openapi-python-client", ref)):
        errors = {r.error for r in result.runs if r.error}
        lines += [f"{tool} error: {error}" for error in sorted(errors)]
    ours_complete = ours.complete and ours.runs[-1].operations == expected
    ref_complete = ref.complete and ref.runs[-1].operations == expected
    if not ours.complete:
        met, why = False, f"ours failed ({ours.status()})"
    elif not ours_complete:
        met, why = False, "ours did not generate every operation"
    elif ref_failed:
        met, why = True, "reference produced no client, ours is complete"
    elif time_ratio < TARGET_SPEEDUP:
        met, why = False, f"ours is {time_ratio:.2f}x the reference's speed, target {TARGET_SPEEDUP:.0f}x"
    else:
        met, why = True, f"ours is {time_ratio:.2f}x faster"
    if ours_complete and not ref_complete and not ref_failed:
        why += f"; reference is incomplete ({ref.runs[-1].operations}/{expected} operations)"
    lines.append(f"TARGET {'MET' if met else 'NOT MET'} for {name}: {why}")
    return lines


def plain_table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    text = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    text.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(text)


def markdown_table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(row) + " |" for row in rows]
    lines.insert(1, "|" + "|".join(" --- " for _ in rows[0]) + "|")
    return "\n".join(lines)


def expected_operations() -> dict[str, int]:
    with open(CORPUS / "manifest.tsv", newline="") as f:
        return {row["name"]: int(row["operations"]) for row in csv.DictReader(f, delimiter="\t")}


def _output(*cmd: str) -> str:
    return subprocess.run(cmd, check=False, capture_output=True, text=True).stdout.strip()


def environment() -> str:
    """What was measured, and on what: versions, cores and the load before the run."""
    git = ["git", "--no-optional-locks", "-C", str(ROOT)]  # read-only: never touches the index
    commit = _output(*git, "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if _output(*git, "status", "--porcelain", "--untracked-files=no") else ""
    reference = _output(str(REFERENCE_BIN / "openapi-python-client"), "--version")
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"ours: {commit}{dirty}; {reference}; Python {platform.python_version()}; "
        f"{os.cpu_count()} cores; load average {load}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs per tool and spec; wall time is the median")
    parser.add_argument("--only", action="append", choices=sorted(SPECS), help="benchmark only this spec (repeatable)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a run is killed (default 900)")
    parser.add_argument("--markdown", action="store_true", help="also print every table as Markdown at the end")
    args = parser.parse_args()
    if not (REFERENCE_BIN / "openapi-python-client").exists():
        sys.exit("openapi-python-client is not installed: run benchmarks/setup.sh first")
    expected = expected_operations()

    print(environment(), flush=True)
    markdown: list[str] = []
    for name in args.only or list(SPECS):
        spec = CORPUS / SPECS[name]
        runs: dict[str, list[Run]] = {tool: [] for tool in TOOLS}
        for i in range(args.repeat):
            for tool, run in TOOLS.items():  # alternate the tools so load drift hits both alike
                print(f"  {name}: {tool} run {i + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
                with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as workdir:
                    runs[tool].append(run(spec, Path(workdir), args.timeout))
        ours, ref = Result(runs["ours"]), Result(runs["openapi-python-client"])
        again = Result(runs["ours (regenerate)"])
        rows = [HEADER, *(Result(runs[tool]).row(tool, expected[name]) for tool in TOOLS)]
        notes = verdict(name, expected[name], ours, ref)
        if again.complete and ref.complete:
            notes.append(f"regenerate: reference/ours (regenerate) time ratio {ref.wall / again.wall:.2f}x")
        print(f"\n## {name} ({SPECS[name]}, {args.repeat} run(s) each)\n")
        print(plain_table(rows))
        print("\n".join(notes), flush=True)
        markdown += [f"### {name}", "", markdown_table(rows), "", *(f"- {note}" for note in notes), ""]
    if args.markdown:
        print("\n" + "\n".join(markdown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
