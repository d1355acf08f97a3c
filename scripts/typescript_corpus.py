#!/usr/bin/env python3
"""Generate the TypeScript SDK of every corpus spec, compile it with `tsc --strict --noEmit` and run
`prettier --check` over it; print the table and write it into docs/typescript.md (between its markers).

    .venv/bin/python scripts/typescript_corpus.py                 # every spec in manifest.tsv
    .venv/bin/python scripts/typescript_corpus.py --only resend   # some of them (the doc is not rewritten)

Needs the node tools: `bash scripts/install-node-tools.sh`. Too long for the test suite (digitalocean and
jira-platform compile for a minute each on 2 cores); the figures it writes are the record.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BIN = ROOT / "tools" / "node" / "node_modules" / ".bin"
DOC = ROOT / "docs" / "typescript.md"
BEGIN, END = "<!-- typescript-corpus:begin -->", "<!-- typescript-corpus:end -->"
_TS_ERROR = re.compile(r"error (TS\d+): (.*)")


@dataclass
class Outcome:
    name: str
    operations: str
    generated: str  # "yes", or why not
    files: int = 0
    tsc_errors: int = 0
    tsc_first: str = ""
    prettier_unformatted: int = 0
    seconds: float = 0.0


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=1800, check=False)


def measure(name: str, entry: Path, operations: str, work: Path) -> Outcome:
    started = time.perf_counter()
    out = work / name
    generated = run(
        [sys.executable, "-m", "generator", "generate", str(entry), "--target", "typescript", "-o", str(out), "-q"]
        + ["--lenient"],
        ROOT,
    )
    if generated.returncode != 0:
        reason = (generated.stderr.strip().splitlines() or ["exit code %d" % generated.returncode])[0]
        reason = reason.split(": ", 2)[-1].split(";")[0]  # the message, without the file and pointer
        return Outcome(name, operations, f"no: {reason[:100]}", seconds=time.perf_counter() - started)
    outcome = Outcome(name, operations, "yes", files=sum(1 for _ in (out / "src").rglob("*.ts")))
    compiled = run([str(BIN / "tsc"), "-p", "tsconfig.json", "--noEmit", "--strict"], out)
    errors = _TS_ERROR.findall(compiled.stdout)
    outcome.tsc_errors = len(errors)
    if errors:
        codes: dict[str, int] = {}
        for code, _ in errors:
            codes[code] = codes.get(code, 0) + 1
        first = errors[0][1]
        outcome.tsc_first = ", ".join(f"{c} x{n}" for c, n in sorted(codes.items())) + f"; first: {first[:100]}"
    checked = run([str(BIN / "prettier"), "--check", "."], out)
    outcome.prettier_unformatted = sum(1 for line in checked.stderr.splitlines() if line.startswith("[warn] ") and
                                       not line.startswith("[warn] Code style"))  # fmt: skip
    outcome.seconds = time.perf_counter() - started
    return outcome


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| spec | operations | generated | .ts files | tsc --strict errors | files prettier would change | seconds |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for o in outcomes:
        rows.append(
            f"| {o.name} | {o.operations} | {o.generated} | {o.files} | {o.tsc_errors} | {o.prettier_unformatted} "
            f"| {o.seconds:.0f} |"
        )
    generated = [o for o in outcomes if o.generated == "yes"]
    clean = [o for o in generated if o.tsc_errors == 0]
    pretty = [o for o in generated if o.prettier_unformatted == 0]
    rows += [
        "",
        f"{len(generated)} of {len(outcomes)} specs generated; {len(clean)} of them compile clean with "
        f"`tsc --strict`; prettier changes nothing in {len(pretty)}.",
    ]
    failing = [o for o in generated if o.tsc_errors]
    if failing:
        rows += ["", "Compile errors, by spec (TypeScript error codes and the first message):", ""]
        rows += [f"- {o.name}: {o.tsc_first}" for o in failing]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="a spec name from manifest.tsv (repeatable)")
    args = parser.parse_args()
    if not (BIN / "tsc").exists():
        print("TypeScript is not installed: run `bash scripts/install-node-tools.sh`", file=sys.stderr)
        return 2
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as manifest:
        entries = [row for row in csv.DictReader(manifest, delimiter="\t") if not args.only or row["name"] in args.only]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="ts-corpus-") as work:
        for row in entries:
            outcome = measure(row["name"], CORPUS / row["entry"], row["operations"], Path(work))
            print(f"{outcome.name}: generated {outcome.generated}, tsc errors {outcome.tsc_errors}, "
                  f"prettier {outcome.prettier_unformatted}, {outcome.seconds:.0f} s", flush=True)  # fmt: skip
            outcomes.append(outcome)
    text = table(outcomes)
    print(text)
    if not args.only:
        doc = DOC.read_text(encoding="utf-8")
        start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
        DOC.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
