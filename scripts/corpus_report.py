#!/usr/bin/env python3
"""Run the corpus harness over every spec in ../shared/corpus and write docs/corpus.md and docs/corpus.json.

    .venv/bin/python scripts/corpus_report.py                  # every spec in manifest.tsv (about 10 minutes)
    .venv/bin/python scripts/corpus_report.py --only spotify   # re-run one spec, keep the others' results
    .venv/bin/python scripts/corpus_report.py --details /tmp/corpus-details.json   # full per-call facts too
    .venv/bin/python scripts/corpus_report.py --names-only     # only the call paths (`python`), no Prism (~1 min)

docs/corpus.json is the regression baseline tests/corpus_runs/test_corpus.py compares against: re-run this script
(and commit both files) when a generator change improves the numbers, or when a spec's numbers change
for a reason you have understood. Needs Prism: `bash scripts/install-prism.sh`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.corpus import harness, prism

COLUMNS = [
    ("operations_in_spec", "ops in spec"),
    ("generated", "generated"),
    ("accepted_parsed", "accepted + parsed"),
    ("rejected", "rejected by Prism"),
    ("parse_failed", "parse failures"),
    ("server_error", "server errors"),
    ("client_error", "client errors"),
    ("not_generated", "not generated"),
    ("not_run", "not run"),
]
OUTCOME_TITLES = {
    "rejected": "Rejected by Prism (4xx)",
    "parse_failed": "Parse failures (the response did not fit the declared type)",
    "server_error": "Server errors (5xx from Prism)",
    "client_error": "Client errors (the generated client raised before or after the call)",
    "not_generated": "Not generated",
    "not_run": "Not run (harness or Prism problem)",
}
STATUS_NOTES = {
    "ok": "",
    "no_paths": "no paths (webhooks only)",
    "rejected_by_design": "rejected by design: Swagger 2.0 message",
    "generation_failed": "generation failed",
    "prism_failed": "Prism did not start",
    "run_failed": "run failed",
}
LIST_ALL_UP_TO = 12  # operations listed per reason; a larger group lists this many and counts the rest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this spec (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="specs run at once (default 1: timings stay comparable)")
    parser.add_argument(
        "--keep", action="store_true", help="keep each spec's temporary folder (generated client, Prism log)"
    )
    parser.add_argument("--corpus", type=Path, default=harness.CORPUS)
    parser.add_argument("--json", type=Path, default=ROOT / "docs" / "corpus.json", help="results/baseline file")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "corpus.md")
    parser.add_argument("--details", type=Path, help="also write every call's facts (bodies, URLs) to this JSON file")
    parser.add_argument(
        "--generator-root",
        type=Path,
        help="run the generator from this folder instead of this checkout (e.g. a `git archive HEAD` snapshot)",
    )
    parser.add_argument("--render-only", action="store_true", help="only rewrite the Markdown from the JSON file")
    parser.add_argument(
        "--names-only",
        action="store_true",
        help="only rewrite each operation's call path (`python`) from `generator inspect`: a naming change, no Prism",
    )
    args = parser.parse_args(argv)
    if args.names_only:
        return rename_only(args)
    if args.render_only:
        _write_markdown(args.markdown, json.loads(args.json.read_text(encoding="utf-8")))
        print(f"wrote {args.markdown}")
        return 0
    if args.generator_root:
        os.environ["CORPUS_GENERATOR_ROOT"] = str(args.generator_root.resolve())

    if prism.executable() is None:
        print("Prism is not installed: run `bash scripts/install-prism.sh`", file=sys.stderr)
        return 2
    entries = harness.read_manifest(args.corpus)
    names = args.only or list(entries)
    unknown = [n for n in names if n not in entries]
    if unknown:
        print(f"unknown spec(s): {', '.join(unknown)}; known: {', '.join(entries)}", file=sys.stderr)
        return 2

    def run(name: str) -> harness.SpecResult:
        print(f"{name}: start", flush=True)
        result = harness.run_entry(entries[name], keep=args.keep, log=lambda m: print(m, flush=True))
        counts = result.counts
        print(
            f"{name}: {result.status}, {result.operations_in_spec} ops, {result.generated} generated, "
            f"{counts['accepted_parsed']} accepted+parsed, in {result.seconds['total']:.1f} s",
            flush=True,
        )
        return result

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        results = list(pool.map(run, names))

    data: dict[str, Any] = {"format": 1, "specs": {}}
    if args.json.exists():
        previous = json.loads(args.json.read_text(encoding="utf-8"))
        data = previous if args.only else {**data, "samples": previous.get("samples", {})}  # samples: corpus_samples.py
    data["generator"] = generator_label()
    data["prism_version"] = prism.installed_version()
    data["python"] = platform.python_version()
    data["updated"] = datetime.now(UTC).strftime("%Y-%m-%d")
    for result in results:
        data["specs"][result.name] = {"entry": result.entry, "openapi": result.openapi, **result.summary()}
        for key, op in result.operations.items():
            if op.python:
                data["specs"][result.name]["operations"][key]["python"] = op.python
    data["specs"] = {name: data["specs"][name] for name in entries if name in data["specs"]}
    args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _write_markdown(args.markdown, data)
    if args.details:
        args.details.write_text(json.dumps([r.to_json() for r in results], indent=1, default=str), encoding="utf-8")
    print(f"wrote {args.json} and {args.markdown} in {time.monotonic() - started:.0f} s")
    return 0


def rename_only(args: argparse.Namespace) -> int:
    """Rewrite the `python` call path of every operation of the specs run (`--only`, else all) from what
    `python -m generator inspect` says now, and the Markdown; outcomes and counts stay as measured."""
    data = json.loads(args.json.read_text(encoding="utf-8"))
    entries = harness.read_manifest(args.corpus)
    changed = 0
    for name in args.only or list(entries):
        spec = data["specs"].get(name)
        inspected = harness._generator("inspect", str(entries[name].entry), "--lenient", "--json")
        if spec is None or inspected.returncode != 0:
            continue
        for op in json.loads(inspected.stdout)["operations"]:
            recorded = spec["operations"].get(f"{op['http_method']} {op['path']}")
            python = "client." + ".".join([*op["resource"], op["method"]])
            if recorded is not None and recorded.get("python") not in (None, python):
                print(f"{name}: {op['http_method']} {op['path']}: {recorded['python']} -> {python}")
                recorded["python"] = python
                changed += 1
    args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    _write_markdown(args.markdown, data)
    print(f"{changed} call paths changed; wrote {args.json} and {args.markdown}")
    return 0


def generator_label() -> str:
    """Which generator was measured: a commit (and whether generator/ or templates/ had local changes)."""
    root = harness.generator_root()
    if root != ROOT:
        return os.environ.get("CORPUS_GENERATOR_LABEL") or f"snapshot in {root}"

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    dirty = git("status", "--porcelain", "--", "generator", "templates")
    return f"commit {commit}" + (" with uncommitted changes to generator/ or templates/" if dirty else "")


TYPESCRIPT_BEGIN, TYPESCRIPT_END = "<!-- typescript-corpus:begin -->", "<!-- typescript-corpus:end -->"


def _write_markdown(path: Path, data: dict[str, Any]) -> None:
    """docs/corpus.md from the data, keeping the TypeScript section scripts/typescript_corpus.py writes."""
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    kept = ""
    if TYPESCRIPT_BEGIN in old and TYPESCRIPT_END in old:
        start = old.rfind("\n## ", 0, old.index(TYPESCRIPT_BEGIN))  # with its heading
        kept = "\n" + old[start + 1 : old.index(TYPESCRIPT_END) + len(TYPESCRIPT_END)] + "\n"
    path.write_text(render_markdown(data) + kept, encoding="utf-8")


def render_markdown(data: dict[str, Any]) -> str:
    specs = data["specs"]
    lines = [
        "# Corpus results: every operation of every third-party spec, called against Prism",
        "",
        "<!-- Generated by scripts/corpus_report.py from docs/corpus.json; do not edit by hand. -->",
        "",
        (
            f"Last run: {data.get('updated')}, generator {data.get('generator')}, Prism {data.get('prism_version')} "
            f"(`bash scripts/install-prism.sh`), Python {data.get('python')}, on the project's 2-core machine. "
            "The specs are the ones in `../shared/corpus` (see its `manifest.tsv`)."
        ),
        "",
        "## How this is measured",
        "",
        "For each spec, `scripts/corpus_report.py` (through `tests/support/corpus/harness.py`):",
        "",
        "1. counts the operations in the document itself: every `paths` entry, each of the 8 HTTP methods, with",
        "   path-item and operation `$ref`s followed (so an operation the generator drops shows up as *not generated*);",
        "2. generates the client with the public CLI, `python -m generator generate ENTRY -o TMP --lenient`, and reads",
        "   the model with `python -m generator inspect ENTRY --lenient --json` ([inspect.md](inspect.md));",
        "3. builds a value for every required parameter and for every property the request body schema requires:",
        "   the spec's own `example`, `examples[0]` or `default` when it validates against its schema, else `const`,",
        "   `enum[0]`, or a value synthesized from the type and constraints (formats, lengths, bounds, simple",
        "   patterns, required properties recursively, `$ref`s resolved across files); every value is checked",
        "   against its schema with openapi-schema-validator; a property the body schema requires without declaring",
        "   it (so the client has no argument for it) is sent through `extra_body`;",
        "4. starts one Prism (`prism mock ENTRY`, static mode) for the spec and, in ONE fresh interpreter, imports the",
        "   generated package, builds the sync client (`base_url` = Prism, `max_retries=0`, 30 s timeout, a dummy",
        "   value for every credential) and calls every operation once; then stops Prism (its process group);",
        "5. Prism answers with the spec's own response examples; where the client could not parse one and that",
        "   example does not fit the spec's own schema either (checked with openapi-schema-validator), the failure",
        "   says nothing about the client, so those operations are called once more against a Prism started with",
        "   `--ignoreExamples` (bodies built from the schemas, still deterministic), and that second answer counts.",
        "   Where Prism crashes on a request (its process exits), that call counts as a server error and the calls",
        "   after it go on against a fresh Prism.",
        "",
        "Each operation lands in exactly one column:",
        "",
        "| column | meaning |",
        "| --- | --- |",
        "| accepted + parsed | the call returned without an exception: Prism accepted the request and the response parsed |",
        "| rejected by Prism | a 4xx: Prism found the request invalid (missing/ill-typed parameter or body, missing credential, no such route) |",
        "| parse failures | `APIResponseValidationError`: the response did not fit the declared return type |",
        "| server errors | a 5xx from Prism (for example an operation with no response defined), or Prism crashed on the request |",
        "| client errors | any other exception from the generated client (`TypeError`, `ValueError`, ...) |",
        "| not generated | in the spec's `paths` but not among the generated operations (or the whole spec was refused) |",
        "| not run | the harness could not call it (Prism did not start, the run timed out) |",
        "",
        "Parse failures say whether Prism's body fits the spec's schema (checked independently with",
        "openapi-schema-validator): if it does, the client's parsing is at fault; if not, the spec's examples are.",
        "Rejections note when the harness itself could not build a value that fits the schema (and, when no value",
        "can fit, name the spec defect), and when Prism cannot read the field at all: of a form or multipart body,",
        "Prism keeps only the declared properties, reads each as one plain string unless the spec's `encoding` gives",
        "it a `style`, and ignores a part's Content-Type, so an array or object field without an encoding style, or a",
        "required property the schema does not declare, never validates. A failure whose cause is known and is",
        "not the client's (a Prism bug, a spec defect) says so as `[known cause: ...]`, each found from the",
        "evidence (Prism's answer, the spec, the value sent) by `tests/support/corpus/causes.py`.",
        "",
        "`docs/corpus.json` holds the same numbers, per operation, and is the regression baseline of",
        "`tests/corpus_runs/test_corpus.py`. Re-run with `.venv/bin/python scripts/corpus_report.py` (or `--only NAME`).",
        "",
        "## Summary",
        "",
        "| spec | OpenAPI | " + " | ".join(title for _, title in COLUMNS) + " | seconds | notes |",
        "| --- | --- | " + " | ".join("---:" for _ in COLUMNS) + " | ---: | --- |",
    ]
    totals: dict[str, int] = defaultdict(int)
    for name, spec in specs.items():
        for key, _ in COLUMNS:
            totals[key] += spec.get(key, 0)
        totals["seconds"] += spec.get("seconds", 0)
        note = STATUS_NOTES.get(spec["status"], spec["status"])
        lines.append(
            f"| {name} | {spec['openapi']} | "
            + " | ".join(str(spec.get(key, 0)) for key, _ in COLUMNS)
            + f" | {spec.get('seconds', 0):.0f} | {note} |"
        )
    lines.append(
        "| **total** | | " + " | ".join(f"**{totals[key]}**" for key, _ in COLUMNS) + f" | {totals['seconds']:.0f} | |"
    )
    in_spec = totals["operations_in_spec"]
    if in_spec:
        lines += [
            "",
            (
                f"{totals['accepted_parsed']} of {in_spec} operations "
                f"({100 * totals['accepted_parsed'] / in_spec:.0f} %) were accepted by Prism and parsed; "
                f"{totals['generated']} ({100 * totals['generated'] / in_spec:.0f} %) were generated."
            ),
        ]
    lines += _samples_section(data.get("samples") or {}, list(data.get("specs") or {}))
    lines += ["", "## Failures by spec", ""]
    for name, spec in specs.items():
        failed = {k: op for k, op in spec["operations"].items() if op["outcome"] != "accepted_parsed"}
        if not failed and spec["status"] == "ok":
            continue
        lines += [f"### {name}", ""]
        if spec.get("message"):
            lines += ["```text", spec["message"].strip(), "```", ""]
        if spec["status"] == "no_paths":
            lines += ["The document has no `paths` (webhooks only): there is nothing to generate or call.", ""]
        by_outcome: dict[str, dict[str, list[tuple[str, dict[str, Any]]]]] = defaultdict(lambda: defaultdict(list))
        for key, op in failed.items():
            by_outcome[op["outcome"]][_group(op.get("reason", ""))].append((key, op))
        for outcome in harness.FAILURES:
            groups = by_outcome.get(outcome)
            if not groups:
                continue
            count = sum(len(v) for v in groups.values())
            lines += [f"**{OUTCOME_TITLES[outcome]}: {count}**", ""]
            for _, ops in sorted(groups.items(), key=lambda item: (-len(item[1]), item[0])):
                reason = ops[0][1].get("reason", "") or "(no reason recorded)"
                shown = ops[:LIST_ALL_UP_TO]
                listed = ", ".join(f"`{k}`" + (f" (`{op['python']}`)" if op.get("python") else "") for k, op in shown)
                more = f", and {len(ops) - len(shown)} more" if len(ops) > len(shown) else ""
                if len(ops) == 1:
                    lines.append(f"- {listed}: {_md(reason)}")
                else:
                    lines.append(
                        f"- {len(ops)} × {_md(reason if len({o.get('reason') for _, o in ops}) == 1 else _group(reason))}"
                    )
                    lines.append(f"  - {listed}{more}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _samples_section(results: dict[str, Any], specs: list[str] | None = None) -> list[str]:
    """The code samples of `python -m generator samples`, each run verbatim against Prism (scripts/corpus_samples.py);
    `specs` are all the report's specs, so the ones without a samples run are named."""
    if not results:
        return []
    lines = [
        "",
        "## Code samples",
        "",
        "Every sample `python -m generator samples` writes (a sync and an async one per operation, [samples.md](samples.md))",
        "is run verbatim against Prism serving its spec by `tests/support/corpus/samples.py`: one Prism and one interpreter per",
        "spec, the environment the samples read pointing the client at Prism, and, as above, a second run against",
        "`--ignoreExamples` where Prism's answer was a spec example that does not fit the spec. A failing sample is",
        "*skipped* only where this report already has the same failure for its operation and attributes it to Prism",
        "or to the spec (a known cause, a Prism limitation, a spec defect, Prism's body not fitting the spec, a 5xx from",
        "Prism), or where a failure only a sample can meet (the request for a later page, which the operation report",
        "never makes) has a known cause in `tests/support/corpus/causes.py` (`explain_sample`), named in its line below;",
        "*stopped at a repeated page* counts samples that walk a paginated list, printed the first page's",
        "items and then stopped with `PaginationError` because static Prism hands out the same page again (the same",
        "next-page request, or the same items for the next offset or page number) (they ran).",
        "`tests/corpus_runs/test_corpus.py` runs the small and medium specs in CI; `scripts/corpus_samples.py` runs them all.",
        "",
        "| spec | samples | ran | of which stopped at a repeated page | skipped (attributed) | failed | seconds |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = dict.fromkeys(("samples", "ran", "stopped_at_repeated_page", "skipped", "failed"), 0)
    for name, result in results.items():
        for key in totals:
            totals[key] += result.get(key, 0)
        note = f" ({result['status']})" if result["status"] not in ("ok", "no_samples") else ""
        lines.append(
            f"| {name}{note} | {result['samples']} | {result['ran']} | {result['stopped_at_repeated_page']} | "
            f"{result['skipped']} | {result['failed']} | {result.get('seconds', 0):.0f} |"
        )
    lines.append("| **total** | " + " | ".join(f"**{totals[k]}**" for k in totals) + " | |")
    missing = [name for name in specs or [] if name not in results]
    if missing:
        lines += ["", f"Not measured (no samples run recorded): {', '.join(missing)}."]
    listed = [
        (name, key, label, entry)
        for name, result in results.items()
        for key, labels in result.get("operations", {}).items()
        for label, entry in labels.items()
        if entry["verdict"] != "ran"
    ]
    if listed:
        lines += ["", "Samples that did not run:", ""]
        for name, key, label, entry in listed:
            lines.append(f"- {name} `{key}` ({label}), {entry['verdict']}: {_md(entry.get('detail', ''))}")
    return lines


def _group(reason: str) -> str:
    text = harness._QUOTED.sub("'…'", reason.replace(PRISM_BOILERPLATE, ""))
    return harness._NUMBER.sub("N", text)


PRISM_BOILERPLATE = (
    "Invalid request: Your request is not valid and no HTTP validation response was found in the spec, "
    "so Prism is generating this error for you. | "
)


def _md(text: str) -> str:
    text = text.replace(PRISM_BOILERPLATE, "")
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


if __name__ == "__main__":
    sys.exit(main())
