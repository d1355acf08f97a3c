"""Run every code sample of one corpus spec, verbatim, against Prism serving that spec.

    from tests.support.corpus import harness, samples
    result = samples.run_samples(harness.read_manifest()["oai-petstore"], harness.load_baseline()["specs"]["oai-petstore"])

Steps: generate the client and the samples with the public CLI (`generate` and `samples --lenient -o
samples.json`), start Prism on the entry file (static mode), run every sample in ONE fresh interpreter
(tests/support/corpus/sample_runner.py) with the environment the samples read pointed at Prism, stop Prism. As the
operation harness does (harness.py), a sample whose response did not parse because Prism's body (the spec's
own example) does not fit the spec's schema runs once more against a Prism building bodies from the schemas
(`--ignoreExamples`), and that run counts; where Prism crashes, the samples after the crash go on against a
fresh Prism.

A sample that fails counts as skipped only where docs/corpus.json (the operation report) already has the same
failure for its operation and attributes it to Prism or to the spec (a known cause, a Prism limitation, a
spec defect, Prism's body not fitting the spec, or a 5xx from Prism), or where a known cause of
tests/support/corpus/causes.py (`explain_sample`) explains a failure only a sample can meet (a request for a later
page, which the operation report never makes); the reason is kept. Any other failure is a failure. A sample walking a paginated list that printed the first page's items and then stopped with
`PaginationError` (Prism, in static mode, hands out the same page again, the same items for the next offset
or page number, or a next link to the example's host) ran: counted as such, and counted apart as `stopped_at_repeated_page`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.corpus import causes, harness, prism
from tests.support.corpus.specdoc import SpecDocs
from tests.support.corpus.values import ValueBuilder

RUNNER = Path(__file__).resolve().parent / "sample_runner.py"
_TARGET = re.compile(r"^\$\.paths\['((?:[^'\\]|\\.)*)'\]\['((?:[^'\\]|\\.)*)'\]$")


@dataclass
class SamplesResult:
    name: str
    status: str = "ok"  # ok, no_samples, generation_failed, prism_failed, run_failed
    message: str = ""
    records: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (operation key, label) -> record
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        counts = {"samples": len(self.records), "ran": 0, "stopped_at_repeated_page": 0, "skipped": 0, "failed": 0}
        operations: dict[str, dict[str, Any]] = {}
        for (key, label), record in sorted(self.records.items()):
            verdict = record["verdict"]
            counts[verdict] += 1
            counts["stopped_at_repeated_page"] += bool(record.get("pagination_stop"))
            entry: dict[str, Any] = {"verdict": verdict}
            if verdict != "ran":
                entry["outcome"] = record.get("outcome")
                entry["detail"] = (record.get("reason") or _detail(record))[:400]
            operations.setdefault(key, {})[label] = entry
        return {"status": self.status, "message": self.message, **counts, "seconds": round(self.seconds, 1),
                "operations": operations}  # fmt: skip

    def problems(self) -> list[str]:
        """Failures, each with the sample's operation, label and what went wrong."""
        lines = [f"{self.name}: {self.status}: {self.message}"] if self.status not in ("ok", "no_samples") else []
        for (key, label), record in sorted(self.records.items()):
            if record["verdict"] == "failed":
                lines.append(f"  {key} ({label}): {record.get('outcome')}: {_detail(record)}")
        return lines


def _detail(record: dict[str, Any]) -> str:
    text = f"{record.get('error_type') or ''} {record.get('detail') or ''}".strip()
    url = re.sub(r"^\w+://[^/]+", "", record.get("url") or "")  # the path and query: Prism's port differs run to run
    return text + (f" [{url}]" if url else "")


def run_samples(
    entry: harness.Entry,
    baseline: dict[str, Any] | None,
    *,
    work: Path | None = None,
    client: Path | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> SamplesResult:
    """Everything for one spec; never raises for problems of the spec, the generator or Prism. `client` is
    the spec's generated project when the caller already has it (the operation harness's, kept)."""
    started = time.monotonic()
    result = SamplesResult(entry.name)
    temp = Path(tempfile.mkdtemp(prefix=f"samples-{entry.name}-", dir=work))
    try:
        _run(entry, baseline or {}, result, temp, client, log)
    finally:
        result.seconds = time.monotonic() - started
        shutil.rmtree(temp, ignore_errors=True)
    return result


def read_overlay(path: Path) -> list[dict[str, str]]:
    """The samples of an overlay written by `samples`: one per (operation, label), with its key."""
    found = []
    for action in json.loads(path.read_text(encoding="utf-8"))["actions"]:
        match = _TARGET.match(action.get("target", ""))
        if match is None or "update" not in action:
            continue
        path_, method = (re.sub(r"\\(.)", r"\1", group) for group in match.groups())
        for sample in action["update"].get("x-codeSamples", []):
            if str(sample.get("lang", "")).lower() == "python":
                found.append({"key": f"{method.upper()} {path_}", "label": sample["label"], "source": sample["source"]})
    return found


def _run(
    entry: harness.Entry, baseline: dict[str, Any], result: SamplesResult, temp: Path, client: Path | None,
    log: Callable[[str], None],
) -> None:  # fmt: skip
    out = client or temp / "client"
    overlay = temp / "samples.json"
    steps = [] if client else [["generate", str(entry.entry), "-o", str(out), "--lenient"]]
    for args in [*steps, ["samples", str(entry.entry), "--lenient", "-o", str(overlay)]]:
        done = harness._generator(*args)
        if done.returncode != 0:
            result.status, result.message = "generation_failed", harness._error_lines(done.stderr)
            return
    inspected = harness._generator("inspect", str(entry.entry), "--lenient", "--json")
    if inspected.returncode != 0:
        result.status, result.message = "generation_failed", harness._error_lines(inspected.stderr)
        return
    ir = json.loads(inspected.stdout)
    samples = read_overlay(overlay)
    if not samples:
        result.status, result.message = "no_samples", "no operations, so no samples"
        return
    environment = ir["environment"]
    credentials = harness.dummy_credentials(ir.get("credentials", []))
    env = {environment[name]: value for name, value in credentials.items() if name in environment}
    plan = {"src": str(out / "src"), "package": ir["package"], "env": env, "base_url_env": environment["base_url"]}
    records = _run_all(entry, result, temp, "static", plan, samples, [], log)
    docs = SpecDocs(entry.entry)
    values = ValueBuilder(docs)
    spec_ops = docs.operations()
    retry = [s for s in samples if _example_misfit(docs, values, spec_ops, records.get((s["key"], s["label"])))]
    if retry and result.status == "ok":
        log(f"{entry.name}: {len(retry)} samples got a spec example that does not fit the spec; running them again without examples")
        records.update(_run_all(entry, result, temp, "schema", plan, retry, ["--ignoreExamples"], log))
    operations = baseline.get("operations", {})
    described = {f"{op['http_method'].upper()} {op['path']}": op for op in ir.get("operations", [])}
    by_key = {op.key: op for op in spec_ops}
    for sample in samples:
        record = records.get((sample["key"], sample["label"])) or {"outcome": "not_run", "detail": result.message or "no result"}
        record["verdict"] = _verdict(record, operations.get(sample["key"], {}))
        if record["verdict"] == "skipped":
            record["reason"] = f"as in docs/corpus.json ({attribution(operations[sample['key']])}): {operations[sample['key']].get('reason', '')}"
        elif record["verdict"] == "failed":  # a failure only a sample meets (the pages after the first)
            note = causes.explain_sample(docs, by_key.get(sample["key"]), described.get(sample["key"]), record, sample["source"])
            if note:
                refused = str(record.get("detail") or "").rpartition(" | ")[2]  # after Prism's boilerplate
                record.update(verdict="skipped", reason=f"a known cause, tests/support/corpus/causes.py: {note} ({record.get('error_type')}: {refused})")
        result.records[(sample["key"], sample["label"])] = record


def attribution(op: dict[str, Any]) -> str | None:
    """To whom the operation report attributes an operation's failure, when not to the client: None otherwise."""
    reason = op.get("reason", "")
    if op.get("outcome", "accepted_parsed") == "accepted_parsed":
        return None
    if "[known cause:" in reason:
        return "a known cause, tests/support/corpus/causes.py"
    if "[the body from Prism does not fit the spec schema]" in reason:
        return "the spec: its response example or schema"
    if "[Prism limitation:" in reason:
        return "a Prism limitation"
    if "spec defect" in reason:
        return "a spec defect"
    if op["outcome"] == "server_error":
        return "Prism: a 5xx"
    return None


def _verdict(record: dict[str, Any], op: dict[str, Any]) -> str:
    if record.get("outcome") == "ran" or record.get("pagination_stop"):
        return "ran"
    if attribution(op) is not None and record.get("outcome") == op.get("outcome"):
        return "skipped"
    return "failed"


def _example_misfit(docs: SpecDocs, values: ValueBuilder, spec_ops: list[Any], record: dict[str, Any] | None) -> bool:
    if not record or record.get("outcome") != "parse_failed":
        return False
    facts = harness._parse_failure_facts(docs, values, spec_ops, record)
    return facts.get("body_fits_schema") is False


def _run_all(
    entry: harness.Entry, result: SamplesResult, temp: Path, label: str, plan: dict[str, Any],
    samples: list[dict[str, str]], prism_args: list[str], log: Callable[[str], None],
) -> dict[tuple[str, str], dict[str, Any]]:  # fmt: skip
    """Every sample against Prism; where Prism crashes on one, that one is a server error and the rest go on
    against a fresh Prism (as harness._call does for calls)."""
    records: dict[tuple[str, str], dict[str, Any]] = {}
    remaining = samples
    for attempt in range(harness.PRISM_RESTARTS + 1):
        run, crashed = _run_once(entry, result, temp, f"{label}-{attempt}", plan, remaining, prism_args, log)
        culprit = next((i for i, r in enumerate(run) if r.get("error_type") == "APIConnectionError"), None)
        if not crashed or culprit is None or attempt == harness.PRISM_RESTARTS:
            records.update({(r["key"], r["label"]): r for r in run})
            break
        run[culprit].update(outcome="server_error", detail=f"Prism crashed running this sample: {run[culprit].get('detail')}")
        records.update({(r["key"], r["label"]): r for r in run[: culprit + 1]})
        remaining = [s for s in remaining if (s["key"], s["label"]) not in records]
        if not remaining:
            break
    return records


def _run_once(
    entry: harness.Entry, result: SamplesResult, temp: Path, label: str, plan: dict[str, Any],
    samples: list[dict[str, str]], prism_args: list[str], log: Callable[[str], None],
) -> tuple[list[dict[str, Any]], bool]:  # fmt: skip
    server = prism.PrismServer(entry.entry, temp / f"prism-{label}.log", extra_args=prism_args)
    try:
        server.start()
    except prism.PrismError as exc:
        result.status, result.message = "prism_failed", str(exc)
        return [], False
    log(f"{entry.name}: Prism ({label}) ready, running {len(samples)} samples")
    results_path = temp / f"samples-{label}.jsonl"
    crashed = False
    try:
        plan_path = temp / f"plan-{label}.json"
        env = {**plan["env"], plan["base_url_env"]: server.url}
        plan_path.write_text(json.dumps({**plan, "env": env, "samples": samples}), encoding="utf-8")
        limit = 120 + 10 * len(samples)
        runner = subprocess.Popen([sys.executable, str(RUNNER), str(plan_path), str(results_path)], cwd=temp,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)  # fmt: skip
        try:
            output, _ = runner.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            output, _ = runner.communicate()
            result.status, result.message = "run_failed", f"the samples did not finish within {limit} s"
        crashed = server.process is not None and server.process.poll() is not None
    finally:
        server.stop()
    records = []
    if results_path.exists():
        records = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    fatal = next((r for r in records if "fatal" in r), None)
    if fatal is not None or (not records and result.status == "ok"):
        result.status = "run_failed"
        result.message = fatal["fatal"] if fatal else f"the runner produced no results: {harness.first_line((output or '')[-2000:])}"
        records = [r for r in records if "fatal" not in r]
    return records, crashed
