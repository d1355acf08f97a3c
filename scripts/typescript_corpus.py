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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.config import load_config  # noqa: E402 - after the path is set, as scripts/corpus_report.py
from generator.model.build import build_api  # noqa: E402
from generator.model.ir import Parameter  # noqa: E402
from generator.spec.load import load_spec  # noqa: E402
from generator.targets.typescript import layout as d  # noqa: E402
from generator.targets.typescript.escaping import string  # noqa: E402
from generator.targets.typescript.examples import invoke  # noqa: E402
from generator.targets.typescript.plan import Method, Plan, build_plan  # noqa: E402
from generator.targets.typescript.target import TYPESCRIPT  # noqa: E402
from tests.support.corpus import prism  # noqa: E402
from tests.support.corpus.causes import explain  # noqa: E402
from tests.support.corpus.specdoc import SpecDocs  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
BIN = ROOT / "tools" / "node" / "node_modules" / ".bin"
DOC = ROOT / "docs" / "typescript.md"
CORPUS_DOC = ROOT / "docs" / "corpus.md"
RECORDS = ROOT / "docs" / "typescript-corpus.json"  # per operation: its tests' outcomes and what caused failures
BEGIN, END = "<!-- typescript-corpus:begin -->", "<!-- typescript-corpus:end -->"
TS_INTRO = (
    "Written by `.venv/bin/python scripts/typescript_corpus.py --prism --tests` (docs/typescript.md says how): "
    "each spec's TypeScript SDK compiled and checked by prettier, every method called once, and its generated "
    "tests run with node against Prism; per operation in docs/typescript-corpus.json."
)
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
    tests: TestRun | None = None  # with --tests: the generated tests run against Prism


@dataclass
class TestResult:
    file: str  # the compiled test file, relative to dist-tests/
    name: str  # `delete: only required params`
    outcome: str  # one of TEST_OUTCOMES
    error: str = ""
    note: str = ""  # a known cause (tests/support/corpus/causes.py), when one explains the failure
    crashed: bool = False  # Prism's process exited answering it


@dataclass
class TestRun:
    compile_errors: int = 0
    compile_first: str = ""
    results: list[TestResult] = field(default_factory=list)
    operations: dict[str, list[TestResult]] = field(default_factory=dict)  # "GET /path" -> its tests
    prism_starts: int = 0

    def verified_operations(self) -> int:
        return sum(1 for tests in self.operations.values() if tests and all(t.outcome == "verified" for t in tests))


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


# --- the generated tests (`--tests`) ---------------------------------------------------------------

TEST_OUTCOMES = ("verified", "rejected by Prism", "server error", "no response", "SDK error", "not run")
# The Python harness's words for the same outcomes, which its known causes (tests/support/corpus/causes.py) use
PYTHON_OUTCOMES = {"rejected by Prism": "rejected", "server error": "server_error", "no response": "client_error",
                   "SDK error": "client_error"}  # fmt: skip
REPORTER = """// One JSON line per test (suites left out): its file, name, and for a failure what was thrown.
export default async function* reporter(source) {
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    if (event.data.details?.type === 'suite') continue;
    const thrown = event.data.details?.error;
    const error = thrown?.cause ?? thrown;
    const headers = error?.headers;
    const line = {
      file: event.data.file,
      name: event.data.name,
      passed: event.type === 'test:pass',
      errorName: error?.name,
      message: error ? String(error.message).slice(0, 400) : undefined,
      status: typeof error?.status === 'number' ? error.status : undefined,
      body: error?.error,
      violations: typeof headers?.get === 'function' ? headers.get('sl-violations') : undefined,
      cause: error?.cause ? String(error.cause.cause ?? error.cause).slice(0, 200) : undefined,
    };
    yield JSON.stringify(line) + '\\n';
  }
}
"""


def run_tests(outcome: Outcome, entry: Path, out: Path) -> None:
    """Build the SDK, compile its generated tests and run them, one file at a time, against Prism serving the
    spec (started again when it crashes, and the tests it left unanswered run again); each failure attributed
    by what was thrown, with a known cause where one explains it."""
    api = build_api(load_spec(entry), load_config(None), TYPESCRIPT.naming)
    plan = build_plan(api)
    tests = outcome.tests = TestRun()
    if not (out / "node_modules").exists():
        (out / "node_modules").symlink_to(BIN.parent, target_is_directory=True)
    if not (out / "dist").is_dir():
        built = run(["bash", "scripts/build"], out, TSC=str(BIN / "tsc"))
        if built.returncode != 0:
            tests.compile_first = "build failed: " + (built.stdout + built.stderr)[:200]
            return
    compiled = run([str(BIN / "tsc"), "-p", "tests/tsconfig.json"], out)
    errors = _TS_ERROR.findall(compiled.stdout)
    tests.compile_errors = len(errors)
    tests.compile_first = errors[0][1][:150] if errors else ""
    (out / "reporter.mjs").write_text(REPORTER, encoding="utf-8")
    files = sorted((out / "dist-tests").rglob("*.test.js"))
    mock = prism.PrismServer(entry, out / "prism.log")
    try:
        mock.start()
        tests.prism_starts = 1
        for file in files:
            _run_file(tests, mock, file, out)
    except prism.PrismError as error:
        tests.compile_first = tests.compile_first or f"Prism: {str(error)[:150]}"
    finally:
        mock.stop()
    _attribute(tests, plan, SpecDocs(entry))


def _run_file(tests: TestRun, mock: prism.PrismServer, file: Path, out: Path) -> None:
    pattern: str | None = None
    for _attempt in range(MAX_PRISM_STARTS):
        command = ["node", "--test-reporter=./reporter.mjs"]  # in this process: errors keep their Headers
        command += [f"--test-name-pattern={pattern}"] if pattern else []
        done = run([*command, str(file)], out, TEST_API_BASE_URL=mock.url)
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        crashed = mock.process is None or mock.process.poll() is not None
        unanswered = [r for r in lines if not r["passed"] and r.get("errorName") == "APIConnectionError"]
        keep = lines
        if crashed and unanswered:
            # the first call Prism did not answer crashed it; the ones after it ran against nothing: again
            first = unanswered[0]
            first["prism_crashed"] = True
            again = [r for r in unanswered if r is not first]
            keep = [r for r in lines if r not in again]
            pattern = "^(" + "|".join(re.escape(r["name"]) for r in again) + ")$" if again else None
        relative = file.relative_to(out / "dist-tests").as_posix()
        tests.results += [_result(relative, r) for r in keep]
        if not lines and done.returncode != 0:
            tests.results.append(TestResult(relative, "(file)", "not run", (done.stderr or done.stdout)[-200:]))
        if crashed:
            mock.stop()
            mock.start()
            tests.prism_starts += 1
        if not (crashed and pattern):
            return
    tests.results.append(TestResult(file.name, "(file)", "not run", f"Prism was started {MAX_PRISM_STARTS} times"))


def _result(file: str, line: dict[str, Any]) -> TestResult:
    if line["passed"]:
        return TestResult(file, line["name"], "verified")
    status = line.get("status")
    if isinstance(status, int) and status >= 500:
        kind = "server error"
    elif isinstance(status, int) and status >= 400:
        kind = "rejected by Prism"
    elif line.get("errorName") in ("APIConnectionError", "APIConnectionTimeoutError"):
        kind = "no response"
    else:
        kind = "SDK error"
    detail = _prism_reason(line) if isinstance(status, int) else ""
    message = f"{line.get('errorName')}: {line.get('message')}" + (f" ({line['cause']})" if line.get("cause") else "")
    return TestResult(file, line["name"], kind, detail or message, crashed=bool(line.get("prism_crashed")))


def _prism_reason(line: dict[str, Any]) -> str:
    """Why Prism refused, as the Python harness words it: its violations, else its problem document."""
    violations = line.get("violations")
    items: Any = None
    if violations:
        try:
            items = json.loads(violations)
        except ValueError:
            return f"{line['status']} {violations[:300]}"
    body = line.get("body")
    if items is None and isinstance(body, dict) and isinstance(body.get("validation"), list):
        items = body["validation"]
    if isinstance(items, list) and items:
        parts = [f"{'.'.join(str(p) for p in i.get('location', []))}: {i.get('message')}" for i in items[:3]]
        return f"{line['status']} " + "; ".join(parts)
    if isinstance(body, dict) and ("title" in body or "detail" in body):
        return f"{line['status']} {body.get('title') or ''}: {body.get('detail') or ''}"[:300]
    return f"{line['status']} {json.dumps(body)[:300]}"


_INVALID_HEADER = re.compile(r'Headers\.(?:set|append): "([^"]*)" is an invalid header name')


def _invalid_header_name(result: TestResult, parameters: tuple[Parameter, ...]) -> str | None:
    """fetch refuses a header whose name is not an HTTP token: a spec defect when a header parameter has it."""
    found = _INVALID_HEADER.search(result.error)
    if found is None or not any(p.location == "header" and p.wire_name == found[1] for p in parameters):
        return None
    return (
        f"the spec names a header parameter {found[1]!r}, which is not a valid HTTP field name (RFC 9110: a "
        "token, no spaces); fetch refuses to send it (a spec defect)"
    )


def _attribute(tests: TestRun, plan: Plan, docs: SpecDocs) -> None:
    """Each test to its operation; a failure's known cause, from the spec and the values the test sent."""
    methods: dict[tuple[str, str], Method] = {}
    for resource in plan.all_files():
        file = f"api-resources/{resource.file.removeprefix('resources/')}.test.js"
        for planned in resource.methods:
            methods[(file, planned.name)] = planned
    by_key = {op.key: op for op in docs.operations()}
    for result in tests.results:
        method = methods.get((result.file, result.name.split(":", 1)[0]))
        if method is None:
            continue
        operation = method.operation
        key = f"{operation.http_method} {operation.path}"
        tests.operations.setdefault(key, []).append(result)
        if result.outcome in PYTHON_OUTCOMES:
            every = "optional" in result.name
            sent = [p for p in operation.parameters if every or p.required or p.in_example]
            call = {
                "wire": {p.name: (p.location, p.wire_name) for p in operation.parameters},
                "kwargs": {p.name: p.example for p in sent},
                "body_content_type": operation.body.content_type if operation.body else None,
            }
            extra = {"prism_crashed": result.crashed}
            note = explain(docs, by_key.get(key), call, PYTHON_OUTCOMES[result.outcome], result.error, extra)
            result.note = note or _invalid_header_name(result, operation.parameters) or ""
    for key in {f"{m.operation.http_method} {m.operation.path}" for m in methods.values()}:
        tests.operations.setdefault(key, [])


def measure(  # noqa: PLR0913 - what one spec's run depends on
    name: str, entry: Path, operations: str, work: Path, calls: bool = False, tests: bool = False
) -> Outcome:
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
    if tests:
        run_tests(outcome, entry, out)
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
    rows += tests_table(outcomes)
    failing = [o for o in generated if o.tsc_errors]
    if failing:
        rows += ["", "Compile errors, by spec (TypeScript error codes and the first message):", ""]
        rows += [f"- {o.name}: {o.tsc_first}" for o in failing]
    return "\n".join(rows)


def tests_table(outcomes: list[Outcome]) -> list[str]:
    """The generated tests' results (`--tests`): operations tested and verified, tests by outcome, failures."""
    ran = [o for o in outcomes if o.tests is not None]
    if not ran:
        return []
    rows = ["", "The generated tests (`tests/api-resources/**`) run with `node --test` against Prism (`--tests`):", ""]
    rows += [
        "| spec | operations | verified | tests | tsc errors in tests | "
        + " | ".join(TEST_OUTCOMES)
        + " | known cause |",
        "| --- | ---: | ---: | ---: | ---: |" + " ---: |" * len(TEST_OUTCOMES) + " ---: |",
    ]
    for o in ran:
        assert o.tests is not None
        counts = {k: sum(1 for r in o.tests.results if r.outcome == k) for k in TEST_OUTCOMES}
        known = sum(1 for r in o.tests.results if r.note)
        cells = " | ".join(str(counts[k]) for k in TEST_OUTCOMES)
        rows.append(
            f"| {o.name} | {len(o.tests.operations)} | {o.tests.verified_operations()} | {len(o.tests.results)} "
            f"| {o.tests.compile_errors} | {cells} | {known} |"
        )
    operations = sum(len(o.tests.operations) for o in ran if o.tests)
    verified = sum(o.tests.verified_operations() for o in ran if o.tests)
    total = sum(len(o.tests.results) for o in ran if o.tests)
    passed = sum(1 for o in ran if o.tests for r in o.tests.results if r.outcome == "verified")
    rows += ["", f"{verified} of {operations} operations verified (every test of theirs passed); "
             f"{passed} of {total} tests passed.", ""]  # fmt: skip
    failures = [(o.name, r) for o in ran if o.tests for r in o.tests.results if r.outcome != "verified"]
    if failures:
        rows += ["Failures (the first of each spec and kind; every one is in docs/typescript-corpus.json):", ""]
        seen: set[tuple[str, str]] = set()
        for name, result in failures:
            if (name, result.outcome) in seen:
                continue
            seen.add((name, result.outcome))
            shown = f"{result.file} `{result.name}`: {result.error}".replace("|", "/")
            note = f" [known cause: {result.note}]" if result.note else ""
            rows.append(f"- {name}, {result.outcome}: {shown[:300]}{note}")
    return rows


def records(outcomes: list[Outcome]) -> dict[str, Any]:
    """Per spec, per operation: "verified", or each of its tests' outcome with the error and known cause."""
    found: dict[str, Any] = {}
    for o in outcomes:
        if o.tests is None:
            continue
        spec: dict[str, Any] = {}
        for key, results in sorted(o.tests.operations.items()):
            if results and all(r.outcome == "verified" for r in results):
                spec[key] = "verified"
            else:
                spec[key] = (
                    [
                        {"test": r.name, "outcome": r.outcome, **({"error": r.error} if r.error else {}),
                     **({"known cause": r.note} if r.note else {})}  # fmt: skip
                        for r in results
                    ]
                    or "no tests"
                )
        found[o.name] = spec
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", default=[], help="a spec name from manifest.tsv (repeatable)")
    parser.add_argument("--prism", action="store_true", help="also call every method against Prism")
    parser.add_argument("--tests", action="store_true", help="also run the generated tests against Prism")
    args = parser.parse_args()
    if not (BIN / "tsc").exists():
        print("TypeScript is not installed: run `bash scripts/install-node-tools.sh`", file=sys.stderr)
        return 2
    with open(CORPUS / "manifest.tsv", encoding="utf-8", newline="") as manifest:
        entries = [row for row in csv.DictReader(manifest, delimiter="\t") if not args.only or row["name"] in args.only]
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="ts-corpus-") as work:
        for row in entries:
            outcome = measure(row["name"], CORPUS / row["entry"], row["operations"], Path(work), args.prism, args.tests)
            tested = outcome.tests
            summary = (f"tests {len(tested.results)}, operations verified {tested.verified_operations()} of "
                       f"{len(tested.operations)}") if tested else ""  # fmt: skip
            print(f"{outcome.name}: generated {outcome.generated}, tsc errors {outcome.tsc_errors}, "
                  f"prettier {outcome.prettier_unformatted}, calls {outcome.calls}, {summary}, "
                  f"{outcome.seconds:.0f} s", flush=True)  # fmt: skip
            outcomes.append(outcome)
    text = table(outcomes)
    print(text)
    if args.tests:
        found = records(outcomes)
        if args.only and RECORDS.is_file():
            found = {**json.loads(RECORDS.read_text(encoding="utf-8")), **found}
        RECORDS.write_text(json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.only:
        for path in (DOC, CORPUS_DOC):
            doc = path.read_text(encoding="utf-8")
            if BEGIN not in doc:  # docs/corpus.md: a section at its end (scripts/corpus_report.py keeps it)
                doc = doc.rstrip("\n") + f"\n\n## The TypeScript SDK\n\n{TS_INTRO}\n\n{BEGIN}\n{END}\n"
            start, end = doc.index(BEGIN) + len(BEGIN), doc.index(END)
            path.write_text(doc[:start] + "\n" + text + "\n" + doc[end:], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
