"""Measure the generated repository's own test suite: generate a spec's SDK, run its `bash scripts/test` (which
starts Prism on 127.0.0.1 and stops it), and print a Markdown row per spec for docs/generated-repository.md:

    .venv/bin/python scripts/sdk_repo_tests.py                       # the seed spec
    .venv/bin/python scripts/sdk_repo_tests.py ../shared/corpus/openai/openapi.yaml \
        --config scripts/openai-skip-tests.config.yaml --timeout 3600

Figures: operations, test functions generated (sync and async) and tests pytest runs (each once strict and
once lax), tests per operation, lines of tests/api_resources per operation, the wall time of scripts/test
(Prism's start included) and pytest's summary. Prism is tools/prism's (`bash scripts/install-prism.sh`),
handed to the script through PRISM, so nothing is fetched. Failing tests are listed after the table.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import pipeline
from tests.support.corpus import prism


def measure(spec: Path, out: Path, timeout: float, config: Path | None = None) -> tuple[str, list[str]]:
    started = time.perf_counter()
    result = pipeline.generate(pipeline.Options(spec=spec, output=out, lenient=True, config=config))
    generated = time.perf_counter() - started
    operations = len(result.api.operations)
    test_files = sorted((out / "tests" / "api_resources").rglob("test_*.py"))
    functions = sum(
        len(re.findall(r"^    (?:async )?def test_", f.read_text(encoding="utf-8"), re.MULTILINE)) for f in test_files
    )
    lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in test_files)
    executable = prism.executable()
    env = {key: value for key, value in os.environ.items() if key != "TEST_API_BASE_URL"}
    env |= {"PYTHON": sys.executable, **({"PRISM": str(executable)} if executable else {})}
    started = time.perf_counter()
    done = subprocess.run(
        ["bash", "scripts/test", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"],
        cwd=out,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    wall = time.perf_counter() - started
    summaries = [line.strip("= ") for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed).* in ", line)]
    summary = summaries[-1] if summaries else "no summary"
    api_tests = functions * 2  # each test function runs once with strict and once with lax validation
    row = (
        f"| {spec.name} | {operations} | {functions} | {api_tests} | {api_tests / max(operations, 1):.1f} | "
        f"{lines / max(operations, 1):.0f} | {generated:.0f} s | {wall:.0f} s | {summary} (exit {done.returncode}) |"
    )
    failures = re.findall(r"^FAILED (.+)$", done.stdout, re.MULTILINE)
    return row, failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("specs", nargs="*", type=Path, default=[ROOT / "specs" / "conductor.yaml"])
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds for each scripts/test run")
    parser.add_argument("--config", type=Path, help="the generator config to use (one spec), e.g. with skip_tests")
    parser.add_argument("--keep", type=Path, help="generate into this folder (one spec) instead of a temporary one")
    args = parser.parse_args()
    print(
        "| spec | operations | test functions | API tests run | API tests per operation | test lines per operation |"
        " generate | scripts/test wall time | pytest |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    all_failures: list[str] = []
    for spec in args.specs:
        with tempfile.TemporaryDirectory(prefix="sdk-repo-") as scratch:
            out = args.keep if args.keep is not None else Path(scratch) / "repository"
            row, failures = measure(spec.resolve(), out, args.timeout, args.config)
        print(row, flush=True)
        all_failures += [f"{spec.name}: {failure}" for failure in failures]
    for failure in all_failures:
        print(f"FAILED {failure}")
    return 1 if all_failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
