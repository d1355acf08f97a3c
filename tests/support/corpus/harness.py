"""Generate a client for one corpus spec, call every operation against Prism, classify each result.

    from tests.support.corpus import harness
    result = harness.run_entry(harness.read_manifest()["oai-petstore"])

Steps (docs/corpus.md describes them for readers of the results):
1. count the spec's operations from its `paths` (path-item and operation `$ref`s followed);
2. `python -m generator generate ENTRY -o TMP --lenient` and `python -m generator inspect ENTRY --lenient --json`
   (the public CLI: the generator is what is under test);
3. build arguments for every required parameter from the spec's schemas (tests/support/corpus/values.py);
4. start Prism on the entry file, run tests/support/corpus/runner.py in a fresh interpreter that imports the generated
   package and calls every operation once, stop Prism;
5. classify: accepted_parsed, rejected (4xx from Prism), parse_failed, server_error, client_error,
   not_generated (in the spec but not in the generated client), not_run (the harness could not call it).
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tests.support.corpus import causes, prism
from tests.support.corpus.specdoc import Node, SpecDocs, SpecOperation
from tests.support.corpus.values import TAG, ValueBuilder, bytes_value, type_of

ROOT = Path(__file__).resolve().parents[3]
# ../shared beside the checkout (as CI lays it out); SDKGEN_SHARED names it elsewhere (a git worktree)
SHARED = Path(os.environ.get("SDKGEN_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
RUNNER = Path(__file__).resolve().parent / "runner.py"
BASELINE = ROOT / "docs" / "corpus.json"

OUTCOMES = ("accepted_parsed", "rejected", "parse_failed", "server_error", "client_error", "not_generated", "not_run")
FAILURES = OUTCOMES[1:]
CALL_TIMEOUT = 30.0  # seconds, the client's timeout for each call
PRISM_RESTARTS = 5  # times a spec's calls go on against a fresh Prism after Prism crashed on one
GENERATE_TIMEOUT = 900.0
DUMMY_CREDENTIAL = "corpus-dummy-credential"


@dataclass(frozen=True)
class Entry:
    name: str
    entry: Path
    openapi: str
    bytes: int
    operations: int  # as the manifest states it


def read_manifest(corpus: Path = CORPUS) -> dict[str, Entry]:
    lines = (corpus / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    entries = {}
    for line in lines[1:]:
        if not line.strip():
            continue
        row = dict(zip(header, line.split("\t")))
        entries[row["name"]] = Entry(
            row["name"], corpus / row["entry"], row["openapi"], int(row["bytes"]), int(row["operations"])
        )
    return entries


@dataclass
class OpResult:
    outcome: str
    python: str | None = None  # client.resource.method
    status: int | None = None
    detail: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class SpecResult:
    name: str
    entry: str
    openapi: str
    status: str  # ok, no_paths, rejected_by_design, generation_failed, prism_failed, run_failed
    message: str = ""
    operations_in_spec: int = 0
    generated: int = 0
    operations: dict[str, OpResult] = field(default_factory=dict)  # "METHOD /path" -> result
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for op in self.operations.values():
            counts[op.outcome] += 1
        return counts

    def summary(self) -> dict[str, Any]:
        """The numbers docs/corpus.json records (and the regression test compares)."""
        return {
            "status": self.status,
            "message": self.message,
            "operations_in_spec": self.operations_in_spec,
            "generated": self.generated,
            **self.counts,
            "seconds": round(self.seconds.get("total", 0.0), 1),
            "operations": {
                key: {"outcome": op.outcome, **({"reason": reason_of(op)} if op.outcome != "accepted_parsed" else {})}
                for key, op in self.operations.items()
            },
        }

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["counts"] = self.counts
        return data


# --- running one spec -----------------------------------------------------------------------------


def generator_root() -> Path:
    """Where `python -m generator` is run from: this checkout, or CORPUS_GENERATOR_ROOT (for example a
    `git archive HEAD` snapshot, to measure the committed generator while the working tree is being edited)."""
    return Path(os.environ.get("CORPUS_GENERATOR_ROOT") or ROOT).resolve()


def _generator(*args: str, timeout: float = GENERATE_TIMEOUT) -> subprocess.CompletedProcess[str]:
    root = generator_root()
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=root,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        },
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _error_lines(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith(("error:", "internal error:"))]
    return "\n".join(lines or stderr.strip().splitlines()[-3:])


def run_entry(
    entry: Entry,
    *,
    work: Path | None = None,
    keep: bool = False,
    run_timeout: float | None = None,
    log: Callable[[str], None] = lambda message: None,
) -> SpecResult:
    """Everything for one spec; never raises for problems of the spec, the generator or Prism."""
    started = time.monotonic()
    result = SpecResult(entry.name, str(entry.entry.relative_to(entry.entry.parents[1])), entry.openapi, "ok")
    temp = Path(tempfile.mkdtemp(prefix=f"corpus-{entry.name}-", dir=work))
    try:
        _run(entry, result, temp, run_timeout, log)
    finally:
        result.seconds["total"] = round(time.monotonic() - started, 2)
        if keep:
            log(f"{entry.name}: kept {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    return result


def _run(entry: Entry, result: SpecResult, temp: Path, run_timeout: float | None, log: Callable[[str], None]) -> None:
    docs = SpecDocs(entry.entry)
    spec_ops = docs.operations()
    result.operations_in_spec = len(spec_ops)

    # 1. generate (the public CLI)
    t0 = time.monotonic()
    out = temp / "client"
    generated = _generator("generate", str(entry.entry), "-o", str(out), "--lenient")
    result.seconds["generate"] = round(time.monotonic() - t0, 2)
    if generated.returncode != 0:
        message = _error_lines(generated.stderr)
        if generated.returncode == 2 and "Swagger 2.0" in generated.stderr:
            result.status, reason = "rejected_by_design", "rejected by design: Swagger 2.0 message"
        else:
            result.status, reason = "generation_failed", f"generation failed (exit {generated.returncode})"
        result.message = message
        for op in spec_ops:
            result.operations[op.key] = OpResult("not_generated", detail=f"{reason}: {first_line(message)}")
        log(f"{entry.name}: {reason}")
        return

    # 2. the IR, as documented in docs/inspect.md
    t0 = time.monotonic()
    inspected = _generator("inspect", str(entry.entry), "--lenient", "--json")
    result.seconds["inspect"] = round(time.monotonic() - t0, 2)
    if inspected.returncode != 0:
        result.status, result.message = "generation_failed", _error_lines(inspected.stderr)
        for op in spec_ops:
            result.operations[op.key] = OpResult(
                "not_generated", detail=f"inspect failed: {first_line(result.message)}"
            )
        return
    ir = json.loads(inspected.stdout)
    ir_ops = {f"{op['http_method']} {op['path']}": op for op in ir["operations"]}
    result.generated = sum(1 for op in spec_ops if op.key in ir_ops)
    for op in spec_ops:
        if op.key not in ir_ops:
            why = "operation could not be resolved" if op.operation is None else "missing from the inspect operations"
            result.operations[op.key] = OpResult("not_generated", detail=why)
    if not spec_ops:
        result.status = "no_paths"
        result.message = "no operations: the document has no paths" + (
            " (webhooks only)" if docs.root.get("webhooks") else ""
        )
        return

    # 3. arguments
    t0 = time.monotonic()
    values = ValueBuilder(docs)
    request_types = {
        t["name"]: {f["wire_name"]: (f["name"], f["type"]) for f in t["fields"]}
        for t in ir.get("types", [])
        if t.get("kind") == "request"
    }
    calls = []
    for op in spec_ops:
        ir_op = ir_ops.get(op.key)
        if ir_op is None:
            continue
        python = "client." + ".".join([*ir_op["resource"], ir_op["method"]])
        try:
            kwargs, types, notes = build_arguments(docs, values, op, ir_op)
            kwargs = {name: python_keys(value, types.get(name, ""), request_types) for name, value in kwargs.items()}
        except Exception as exc:  # noqa: BLE001 - a harness limitation, reported as such
            result.operations[op.key] = OpResult(
                "not_run", python, detail=f"harness could not build arguments: {exc!r}"
            )
            continue
        extra: dict[str, Any] = {"argument_notes": notes} if notes else {}
        if fields := prism_unreadable_form_fields(docs, values, op, ir_op):
            extra["prism_unreadable_fields"] = fields
        result.operations[op.key] = OpResult("not_run", python, extra=extra)
        calls.append(
            {
                "key": op.key,
                "resource": ir_op["resource"],
                "method": ir_op["method"],
                "kwargs": kwargs,
                "types": types,
                # for the notes on known causes (tests/support/corpus/causes.py); the runner reads only the above
                "wire": {
                    p["name"]: [p["location"], p["wire_name"]] for p in ir_op["parameters"] if p["name"] in kwargs
                },
                "body_content_type": (ir_op.get("request_body") or {}).get("content_type"),
            }
        )
    result.seconds["arguments"] = round(time.monotonic() - t0, 2)

    # 4. Prism and the runner; 5. a second pass for responses built from broken spec examples
    credentials = dummy_credentials(ir.get("credentials", []))
    plan = {
        "src": str(out / "src"),
        "package": ir["package"],
        "client_class": ir["client_class"],
        "credentials": credentials,
        "timeout": CALL_TIMEOUT,
    }
    records = _call(entry, result, temp, "static", plan, calls, [], run_timeout, log)
    _apply(result, docs, values, spec_ops, calls, records)
    # Prism answers with the spec's examples; where an example does not fit the spec's own schema the parse
    # failure says nothing about the client. Those operations are called again against a Prism that builds
    # its answers from the schemas alone (--ignoreExamples, still deterministic).
    retry = [c for c in calls if result.operations[c["key"]].extra.get("body_fits_schema") is False]
    if retry and result.status == "ok":
        first = {c["key"]: result.operations[c["key"]].detail for c in retry}
        log(
            f"{entry.name}: {len(retry)} responses from spec examples do not fit the spec; calling again without examples"
        )
        records = _call(entry, result, temp, "schema", plan, retry, ["--ignoreExamples"], run_timeout, log)
        for call in retry:
            op_result = result.operations[call["key"]]
            op_result.extra = {"seconds": op_result.extra.get("seconds")}
        _apply(result, docs, values, spec_ops, retry, records)
        for call in retry:
            op_result = result.operations[call["key"]]
            op_result.extra["example_response"] = f"the spec's example does not fit its schema ({first[call['key']]})"
    for op_result in result.operations.values():
        if op_result.outcome == "not_run" and not op_result.detail:
            op_result.detail = result.message or "no result from the runner"


def dummy_credentials(credentials: list[dict[str, Any]]) -> dict[str, str]:
    """A value for every constructor credential: HTTP basic gets `user:password` in one keyword, or `user` and
    `password` where the client takes the password separately (kind `basic_password`); others a dummy token."""
    split = {c["scheme"] for c in credentials if c["kind"] == "basic_password"}
    values = {}
    for credential in credentials:
        if credential["kind"] == "basic":
            values[credential["name"]] = "user" if credential["scheme"] in split else "user:password"
        elif credential["kind"] == "basic_password":
            values[credential["name"]] = "password"
        else:
            values[credential["name"]] = DUMMY_CREDENTIAL
    return values


def _call(
    entry: Entry,
    result: SpecResult,
    temp: Path,
    label: str,
    plan: dict[str, Any],
    calls: list[dict[str, Any]],
    prism_args: list[str],
    run_timeout: float | None,
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Every call against Prism; where Prism crashes on one (its process exits), that call is recorded as a
    server error and the calls after it go on against a fresh Prism, so one crash does not fail the rest."""
    records: list[dict[str, Any]] = []
    remaining = calls
    for attempt in range(PRISM_RESTARTS + 1):
        suffix = f"-{attempt}" if attempt else ""
        run, crash = _call_once(entry, result, temp, label + suffix, plan, remaining, prism_args, run_timeout, log)
        culprit = next(
            (
                i
                for i, r in enumerate(run)
                if r.get("outcome") == "client_error" and r.get("error_type") == "APIConnectionError"
            ),
            None,
        )
        if crash is None or culprit is None or attempt == PRISM_RESTARTS:
            records += run
            break
        record = run[culprit]
        record.update(
            outcome="server_error",
            status=None,
            detail=f"Prism crashed answering this request ({crash}); the client saw: {record.get('detail')}",
            prism_crashed=True,
        )
        records += run[: culprit + 1]
        done = {r["key"] for r in run[: culprit + 1]}
        remaining = [c for c in remaining if c["key"] not in done]
        log(
            f"{entry.name}: Prism crashed on {record['key']} ({crash}); {len(remaining)} calls go on against a fresh Prism"
        )
        if not remaining:
            break
    return records


def _call_once(
    entry: Entry,
    result: SpecResult,
    temp: Path,
    label: str,
    plan: dict[str, Any],
    calls: list[dict[str, Any]],
    prism_args: list[str],
    run_timeout: float | None,
    log: Callable[[str], None],
) -> tuple[list[dict[str, Any]], str | None]:
    """Start Prism, run every call in one runner process, stop Prism; the runner's records, and the error Prism
    exited with when its process was gone by the end of the run (None while it was still running)."""
    t0 = time.monotonic()
    server = prism.PrismServer(entry.entry, temp / f"prism-{label}.log", extra_args=prism_args)
    try:
        server.start()
    except prism.PrismError as exc:
        result.status, result.message = "prism_failed", str(exc)
        for call in calls:
            result.operations[call["key"]].detail = f"Prism did not start: {first_line(str(exc))}"
        return [], None
    result.seconds[f"prism_start_{label}"] = round(time.monotonic() - t0, 2)
    log(f"{entry.name}: Prism ({label}) ready in {time.monotonic() - t0:.1f} s, calling {len(calls)} operations")
    results_path = temp / f"results-{label}.jsonl"
    crash = None
    try:
        plan_path = temp / f"plan-{label}.json"
        plan_path.write_text(json.dumps({**plan, "base_url": server.url, "calls": calls}, indent=1), encoding="utf-8")
        t0 = time.monotonic()
        limit = run_timeout if run_timeout is not None else 120 + 5 * len(calls)
        runner = subprocess.Popen(
            [sys.executable, str(RUNNER), str(plan_path), str(results_path)],
            cwd=temp,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        try:
            output, _ = runner.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(runner.pid, signal.SIGKILL)
            output, _ = runner.communicate()
            result.status, result.message = "run_failed", f"the calls did not finish within {limit:.0f} s"
        result.seconds[f"calls_{label}"] = round(time.monotonic() - t0, 2)
        if server.process is not None and server.process.poll() is not None:
            crash = _crash_line(server.log_path)
    finally:
        server.stop()
    records = []
    if results_path.exists():
        records = [json.loads(line) for line in results_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not records and result.status == "ok":
        result.status = "run_failed"
        result.message = f"the runner produced no results: {first_line((output or '')[-2000:])}"
    return records, crash


def _crash_line(log_path: Path) -> str:
    """The error a crashed Prism printed last (`TypeError: invalid media type`), else its exit in general."""
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    errors = [line.strip() for line in text.splitlines() if re.match(r"^\s*\w*Error\b.*:", line)]
    return f"Prism exited: {errors[-1][:200]}" if errors else "Prism exited"


def _apply(
    result: SpecResult,
    docs: SpecDocs,
    values: ValueBuilder,
    spec_ops: list[SpecOperation],
    calls: list[dict[str, Any]],
    records: list[dict[str, Any]],
) -> None:
    for record in records:
        if "fatal" in record:
            result.status = "run_failed"
            result.message = f"the generated client could not be used: {record['fatal']}"
            for call in calls:
                op_result = result.operations[call["key"]]
                op_result.outcome, op_result.detail = "client_error", record["fatal"]
            continue
        op_result = result.operations[record["key"]]
        op_result.outcome = record["outcome"]
        op_result.status = record.get("status")
        if record["outcome"] == "client_error":
            op_result.detail = f"{record.get('error_type')}: {record.get('detail')}"
            if record.get("where"):
                op_result.extra["where"] = record["where"]
        else:
            op_result.detail = record.get("detail")
        if record.get("url"):
            op_result.extra["url"] = record["url"]
        if record.get("prism_crashed"):
            op_result.extra["prism_crashed"] = True
        op = next((o for o in spec_ops if o.key == record["key"]), None)
        call = next((c for c in calls if c["key"] == record["key"]), {})
        cause = causes.explain(docs, op, call, op_result.outcome, op_result.detail or "", op_result.extra)
        if cause:
            op_result.extra["cause"] = cause
        if record["outcome"] == "parse_failed":
            op_result.extra.update(_parse_failure_facts(docs, values, spec_ops, record))
        op_result.extra["seconds"] = record.get("seconds")


def _parse_failure_facts(
    docs: SpecDocs, values: ValueBuilder, spec_ops: list[SpecOperation], record: dict[str, Any]
) -> dict[str, Any]:
    """Does Prism's body fit the spec's response schema? If it does, the client's parsing is at fault."""
    facts: dict[str, Any] = {"content_type": record.get("content_type"), "body": (record.get("body") or "")[:500]}
    op = next((o for o in spec_ops if o.key == record["key"]), None)
    schema = docs.success_response_schema(op, prefer_json=True) if op is not None else None
    try:
        body = json.loads(record.get("body") or "")
    except ValueError:
        facts["body_is_json"] = False
        return facts
    if schema is not None:
        errors = values.errors(body, schema, request=False)
        facts["body_fits_schema"] = None if errors is None else not errors
        if errors:
            facts["schema_errors"] = errors
    return facts


# --- arguments ------------------------------------------------------------------------------------


def build_arguments(
    docs: SpecDocs, values: ValueBuilder, op: SpecOperation, ir_op: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """Keyword arguments for every required parameter, their Python annotations, and notes on values that
    do not fit their schema (the harness could not build a valid one: a Prism rejection is then expected)."""
    kwargs: dict[str, Any] = {}
    types: dict[str, str] = {}
    notes: list[str] = []
    spec_params = docs.parameters(op)
    body_value: Any = None
    body_spec: dict[str, Any] = ir_op.get("request_body") or {}
    body_media, body_schema = (None, None)
    if body_spec:
        body_media, body_schema = docs.request_body(op, body_spec["content_type"])
    # Properties the body schema requires are passed even when the signature makes them optional (an optional
    # request body makes every property optional): a caller sending the body sends them.
    schema_required: set[str] = set()
    if body_schema is not None:
        resolved = docs.try_resolve(body_schema)
        if resolved is not None:
            schema_required = set(values.merged_properties(resolved)[1])
    # A flattened body is always built (its fields come from the spec's example or the required properties,
    # including `anyOf: [{required: [a]}, ...]`); a whole `body` argument only when it is required.
    wants_body = bool(body_spec) and (
        body_spec.get("required")
        or body_spec.get("flattened")
        or any(p["required"] and p["location"] == "body" for p in ir_op["parameters"])
    )
    defects_before = len(values.defects)
    if wants_body:
        if body_media is not None:
            body_value, errors = values.for_body(body_media, body_schema)
        else:
            body_value, errors = values.for_schema(Node(body_spec.get("schema"), docs.entry, "")), None
    for param in ir_op["parameters"]:
        name, location = param["name"], param["location"]
        if location == "body":
            in_body = isinstance(body_value, dict) and param["wire_name"] in body_value
            if not (
                param["required"] or (body_spec.get("flattened") and (param["wire_name"] in schema_required or in_body))
            ):
                continue
            if isinstance(body_value, dict) and param["wire_name"] in body_value:
                value = body_value[param["wire_name"]]
            elif not body_spec.get("flattened", True):
                value = _raw_body(body_value, body_spec) if _is_raw(param) else body_value
            else:
                value = _body_property(docs, values, body_schema, param)
        else:
            if not param["required"]:
                continue
            node = spec_params.get((location, param["wire_name"]))
            if node is not None:
                value, errors = values.for_parameter(node)
            else:  # the harness could not find it in the spec: use the inspect schema, refs relative to the entry
                value, errors = values.for_schema(Node(param.get("schema"), docs.entry, "")), None
            if errors:
                notes.append(f"{location} {param['wire_name']}: {errors[0]}")
        kwargs[name] = value
        types[name] = param["type"]
    if body_spec.get("flattened") and isinstance(body_value, dict):
        # A property the schema requires but does not declare (`required: [method]` with no `method` among the
        # properties) is an argument of any value; where a client has none for it, a caller sends it through
        # `extra_body`, and so does the harness.
        wire_names = {p["wire_name"] for p in ir_op["parameters"] if p["location"] == "body"}
        undeclared = {k: v for k, v in body_value.items() if k in schema_required and k not in wire_names}
        if undeclared:
            kwargs["extra_body"], types["extra_body"] = undeclared, ""
    if wants_body and body_schema is not None:  # check the body as it will be sent, not as it was built
        body_params = [p for p in ir_op["parameters"] if p["location"] == "body" and p["name"] in kwargs]
        if body_spec.get("flattened"):
            sent: Any = {p["wire_name"]: kwargs[p["name"]] for p in body_params} | kwargs.get("extra_body", {})
        else:
            sent = kwargs.get("body")
        errors = values.errors(sent, body_schema) if sent is not None else None
        if errors:
            notes.append(f"body: {errors[0]}")
    if notes:  # a schema no value can fit explains the misfit best
        notes[:0] = values.defects[defects_before:][:1]
    return kwargs, types, notes


_TYPE_NAMES = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def python_keys(value: Any, annotation: str, request_types: dict[str, dict[str, tuple[str, str]]]) -> Any:
    """A value built with the spec's (wire) names, keyed as users write it: the snake_case keys of the TypedDicts
    `annotation` names (the one sharing most keys with a dict), through lists and maps; the client renames them
    back, and Prism checks the result. A dict sharing no key with any of them is taken for a map of them."""
    candidates = [request_types[n] for n in _TYPE_NAMES.findall(annotation) if n in request_types]
    if not candidates or not isinstance(value, (dict, list)) or (isinstance(value, dict) and TAG in value):
        return value
    if isinstance(value, list):
        return [python_keys(item, annotation, request_types) for item in value]
    fields = max(candidates, key=lambda known: len(known.keys() & value.keys()))
    if not fields.keys() & value.keys():
        return {key: python_keys(item, annotation, request_types) for key, item in value.items()}
    return {
        fields[key][0] if key in fields else key: python_keys(item, fields[key][1], request_types) if key in fields else item
        for key, item in value.items()
    }


def prism_unreadable_form_fields(
    docs: SpecDocs, values: ValueBuilder, op: SpecOperation, ir_op: dict[str, Any]
) -> list[str]:
    """Fields of a form or multipart body that Prism can never accept: array- or object-typed properties without
    an `encoding` style, and required properties the schema does not declare.

    Prism (5.x, validator/validators/body.js) reads every form field and every multipart part as one plain string
    (the last one, when a name repeats), keeps only the properties the schema declares, and deserializes only the
    fields whose `encoding` entry names a `style`; it ignores a part's Content-Type. OpenAPI's defaults (style
    `form` with explode for form fields, JSON for object parts) are not applied."""
    content_type = (ir_op.get("request_body") or {}).get("content_type", "")
    if not content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        return []
    media, schema = docs.request_body(op, content_type)
    resolved = docs.try_resolve(schema) if schema is not None else None
    if media is None or resolved is None:
        return []
    encoding = media.value.get("encoding") if isinstance(media.value.get("encoding"), dict) else {}
    properties, required = values.merged_properties(resolved)
    fields = [name for name in required if name not in properties]
    for name, prop in properties.items():
        prop_schema = docs.try_resolve(prop)
        styled = isinstance(encoding.get(name), dict) and bool(encoding[name].get("style"))
        if prop_schema is not None and isinstance(prop_schema.value, dict) and not styled:
            fields += [name] if type_of(prop_schema.value) in ("array", "object") else []
    return fields


def _is_raw(param: dict[str, Any]) -> bool:
    return param["type"] in ("bytes | str", "bytes", "str | bytes")


def _raw_body(value: Any, body_spec: dict[str, Any]) -> Any:
    if isinstance(value, dict) and value.get(TAG) == "bytes":
        return value
    text = value if isinstance(value, str) else json.dumps(value)
    content_type = body_spec.get("content_type", "")
    if content_type.startswith("text/") or "json" in content_type or "xml" in content_type:
        return text
    return bytes_value(text)


def _body_property(docs: SpecDocs, values: ValueBuilder, schema: Node | None, param: dict[str, Any]) -> Any:
    if schema is not None:
        resolved = docs.try_resolve(schema)
        if resolved is not None:
            properties, _ = values.merged_properties(resolved)
            if param["wire_name"] in properties:
                return values.for_schema(properties[param["wire_name"]])
    return values.for_schema(Node(param.get("schema"), docs.entry, ""))


# --- reasons, baseline ----------------------------------------------------------------------------


def first_line(text: str) -> str:
    for line in (text or "").splitlines():
        if line.strip():
            return line.strip()
    return ""


_QUOTED = re.compile(r"(?<!\w)'[^']*'|\"[^\"]*\"")
_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")


def reason_of(op: OpResult) -> str:
    """A short reason for a failed operation, the same for failures of the same kind."""
    cause = f" [known cause: {op.extra['cause']}]" if op.extra.get("cause") else ""
    if op.outcome in ("rejected", "server_error"):
        text = f"{op.status or ''} {op.detail or ''}".strip()[:240]
        if op.extra.get("argument_notes"):
            text += " [the harness's value did not fit the schema: " + op.extra["argument_notes"][0][:120] + "]"
        unreadable = [
            name for name in op.extra.get("prism_unreadable_fields", [])
            if re.search(rf"property {re.escape(name)} must be (array|object)|required property '{re.escape(name)}'",
                         op.detail or "")
        ]  # fmt: skip
        if op.outcome == "rejected" and unreadable:
            text += (
                " [Prism limitation: it keeps only the declared fields of a form or multipart body, as plain strings"
                f" unless the spec's `encoding` gives them a style, so '{unreadable[0]}' can never validate]"
            )
        return text + cause
    if op.outcome == "parse_failed":
        fits = op.extra.get("body_fits_schema")
        note = {
            True: "the body from Prism fits the spec schema",
            False: "the body from Prism does not fit the spec schema",
        }
        return (op.detail or "")[:240] + (f" [{note[fits]}]" if fits is not None else "")
    return (op.detail or "")[:240] + cause


def group_key(op: OpResult) -> str:
    """Reason with names and numbers blanked, to group failures of the same kind across operations."""
    text = reason_of(op)
    text = _QUOTED.sub("'…'", text)
    return _NUMBER.sub("N", text)


def load_baseline(path: Path = BASELINE) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def regressions(baseline: dict[str, Any], result: SpecResult) -> list[str]:
    """Numbers that got worse than the baseline: fewer generated/accepted, more of any failure."""
    now = result.summary()
    problems = []
    if now["status"] != baseline["status"] and baseline["status"] in ("ok", "no_paths", "rejected_by_design"):
        problems.append(f"status: {now['status']} (baseline {baseline['status']}): {first_line(now['message'])}")
    for key in ("operations_in_spec", "generated", "accepted_parsed"):
        if now[key] < baseline[key]:
            problems.append(f"{key}: {now[key]} < baseline {baseline[key]}")
    for key in FAILURES:
        if now[key] > baseline.get(key, 0):
            problems.append(f"{key}: {now[key]} > baseline {baseline.get(key, 0)}")
    if problems:
        before = baseline.get("operations", {})
        changed = [
            f"  {key}: {before.get(key, {}).get('outcome', 'absent')} -> {op['outcome']}"
            + (f" ({op['reason']})" if op.get("reason") else "")
            for key, op in now["operations"].items()
            if before.get(key, {}).get("outcome") != op["outcome"]
        ]
        problems += changed[:40] + ([f"  ... and {len(changed) - 40} more"] if len(changed) > 40 else [])
    return problems
