#!/usr/bin/env python3
"""Generate the TypeScript SDK of every corpus spec, compile it with `tsc --strict --noEmit` and run
`prettier --check` over it; print the table and write it into docs/typescript.md (between its markers).

    .venv/bin/python scripts/typescript_corpus.py                 # every spec in manifest.tsv
    .venv/bin/python scripts/typescript_corpus.py --only resend   # some of them (the doc is not rewritten)
    .venv/bin/python scripts/typescript_corpus.py --prism         # also call every operation against Prism

With `--prism`, each SDK is built and every method is called once, with the example arguments of its sample,
from one node process against Prism serving the spec on 127.0.0.1 (installed by scripts/install-prism.sh);
a call counts as verified when it resolves (a 2xx answer, parsed). The others are attributed by what was
thrown: a 4xx from Prism (it rejected the request: our request, or the spec's own example, does not fit the
spec), a 5xx, no response, or an error in the SDK before or after the call.

Needs the node tools: `bash scripts/install-node-tools.sh`. Too long for the test suite (digitalocean and
jira-platform compile for a minute each on 2 cores); the figures it writes are the record.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.config import load_config  # noqa: E402 - after the path is set, as scripts/corpus_report.py
from generator.model.build import build_api  # noqa: E402
from generator.spec.load import load_spec  # noqa: E402
from generator.targets.typescript import layout as d  # noqa: E402
from generator.targets.typescript.escaping import string  # noqa: E402
from generator.targets.typescript.examples import invoke  # noqa: E402
from generator.targets.typescript.plan import build_plan  # noqa: E402
from generator.targets.typescript.target import TYPESCRIPT  # noqa: E402
from tests.support.corpus import prism  # noqa: E402

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
    calls: dict[str, int] | None = None  # with --prism: outcome -> how many calls had it
    call_examples: dict[str, str] | None = None  # outcome -> the first error of that kind


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=1800, check=False
    )


RUNNER_HEAD = """async function attempt(name, call) {
  try {
    await call();
    return { name, outcome: 'verified' };
  } catch (e) {
    const status = typeof e?.status === 'number' ? e.status : undefined;
    const outcome =
      status >= 500 ? 'server error' : status >= 400 ? 'rejected by Prism'
      : e?.name === 'APIConnectionError' || e?.name === 'APIConnectionTimeoutError' ? 'no response'
      : 'SDK error';
    const cause = e?.cause ? ` (${e.cause})` : '';
    return { name, outcome, error: `${e?.name}: ${String(e?.message).slice(0, 200)}${cause}` };
  }
}
"""
RUNNER_TAIL = """for (const [name, call] of calls.slice(Number(process.env.START ?? 0))) {
  console.log(JSON.stringify(await attempt(name, call)));
}
"""
MAX_PRISM_STARTS = 10  # Prism crashes on some requests (an odd media type): it is started again after each


def runner(entry: Path, out: Path) -> tuple[str, int]:
    """One ES module calling every method of the SDK in `out` once from the call number START on, printing
    each outcome as a JSON line; and how many calls it holds."""
    plan = build_plan(build_api(load_spec(entry), load_config(None), TYPESCRIPT.naming))
    index = string((out / "dist" / "esm" / "index.js").as_posix())
    lines = [
        f"import Client from {index};",
        "const client = new Client({ baseURL: process.env.BASE_URL, maxRetries: 0 });",
    ]
    lines += [RUNNER_HEAD, "const calls = ["]
    count = 0
    for resource in plan.all_files():
        for method in resource.methods:
            label = string(f"{method.operation.http_method} {method.operation.path}")
            call = d.render(invoke(plan, resource, method), width=10_000)
            lines.append(f"  [{label}, () => {call}],")
            count += 1
    lines += ["];", RUNNER_TAIL]
    return "\n".join(lines), count


def call_through_prism(outcome: Outcome, entry: Path, out: Path) -> None:
    api = build_api(load_spec(entry), load_config(None), TYPESCRIPT.naming)
    outcome.calls, outcome.call_examples = {}, {}
    built = run(["bash", "scripts/build"], out, TSC=str(BIN / "tsc"))
    if built.returncode != 0:
        _count(outcome, {"outcome": "not run", "name": "build", "error": built.stdout[:200]})
        return
    text, total = runner(entry, out)
    (out / "runner.mjs").write_text(text, encoding="utf-8")
    env = {c.env_var: "test-secret" for c in api.credentials}
    done = 0
    for _start in range(MAX_PRISM_STARTS):
        if done >= total:
            break
        try:
            with prism.PrismServer(entry, out / "prism.log") as mock:
                called = run(["node", "runner.mjs"], out, BASE_URL=mock.url, START=str(done), **env)
        except prism.PrismError as error:
            _count(outcome, {"outcome": "not run", "name": "Prism", "error": str(error)[:200]})
            return
        results = [json.loads(line) for line in called.stdout.splitlines() if line.startswith("{")]
        for result in results:
            done += 1
            _count(outcome, result)
            if result["outcome"] == "no response":
                break  # Prism may have crashed on it: start it again for the calls after this one
        else:
            if called.returncode != 0 or not results:
                _count(outcome, {"outcome": "not run", "name": "runner", "error": called.stderr.strip()[-200:]})
                return
    for _ in range(total - done):
        _count(outcome, {"outcome": "not run", "name": "-", "error": f"Prism was started {MAX_PRISM_STARTS} times"})


def _count(outcome: Outcome, result: dict[str, str]) -> None:
    assert outcome.calls is not None and outcome.call_examples is not None
    kind = result["outcome"]
    outcome.calls[kind] = outcome.calls.get(kind, 0) + 1
    if "error" in result:
        outcome.call_examples.setdefault(kind, f"{result['name']}: {result['error']}")


def measure(name: str, entry: Path, operations: str, work: Path, calls: bool = False) -> Outcome:
    started = time.perf_counter()
    out = work / name
    generated = run(
        [sys.executable, "-m", "generator", "generate", str(entry), "--target", "typescript", "-o", str(out), "-q"]
        + ["--lenient"],
        ROOT,
    )
    if generated.returncode != 0:
        reason = (generated.stderr.strip().splitlines() or [f"exit code {generated.returncode}"])[0]
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
    if calls:
        call_through_prism(outcome, entry, out)
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
    called = [o for o in outcomes if o.calls is not None]
    if called:
        kinds = ["verified", "rejected by Prism", "server error", "no response", "SDK error", "not run"]
        rows += ["", "Every method called once against Prism (`--prism`):", ""]
        rows += ["| spec | calls | " + " | ".join(kinds) + " |", "| --- | ---: |" + " ---: |" * len(kinds)]
        for o in called:
            counts = o.calls or {}
            cells = " | ".join(str(counts.get(k, 0)) for k in kinds)
            rows.append(f"| {o.name} | {sum(counts.values())} | {cells} |")
        verified = sum((o.calls or {}).get("verified", 0) for o in called)
        total = sum(sum((o.calls or {}).values()) for o in called)
        rows += ["", f"{verified} of {total} calls verified.", "", "The first failure of each kind, by spec:", ""]
        for o in called:
            for kind, example in sorted((o.call_examples or {}).items()):
                shown = example.replace("`", "'").replace("|", "/")
                rows.append(f"- {o.name}, {kind}: `{shown}`")
    failing = [o for o in generated if o.tsc_errors]
    if failing:
        rows += ["", "Compile errors, by spec (TypeScript error codes and the first message):", ""]
        rows += [f"- {o.name}: {o.tsc_first}" for o in failing]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="a spec name from manifest.tsv (repeatable)")
    parser.add_argument("--prism", action="store_true", help="also call every method against Prism")
    args = parser.parse_args()
    if not (BIN / "tsc").exists():
        print("TypeScript is not installed: run `bash scripts/install-node-tools.sh`", file=sys.stderr)
        return 2
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as manifest:
        entries = [row for row in csv.DictReader(manifest, delimiter="\t") if not args.only or row["name"] in args.only]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="ts-corpus-") as work:
        for row in entries:
            outcome = measure(row["name"], CORPUS / row["entry"], row["operations"], Path(work), args.prism)
            print(f"{outcome.name}: generated {outcome.generated}, tsc errors {outcome.tsc_errors}, "
                  f"prettier {outcome.prettier_unformatted}, calls {outcome.calls}, {outcome.seconds:.0f} s",
                  flush=True)  # fmt: skip
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
