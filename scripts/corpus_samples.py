#!/usr/bin/env python3
"""Run every code sample (`python -m generator samples`) of corpus specs verbatim against Prism; record the counts.

    .venv/bin/python scripts/corpus_samples.py                      # every spec in manifest.tsv
    .venv/bin/python scripts/corpus_samples.py --only openai --only box

The large specs (jira-platform, box, digitalocean, openai) run only here; tests/corpus_runs/test_corpus.py runs the small and
medium ones in CI. Results go into docs/corpus.json under "samples" (the baseline the CI test compares with)
and the "Code samples" section of docs/corpus.md. Needs Prism: `bash scripts/install-prism.sh`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from corpus_report import render_markdown

from tests.support.corpus import harness, prism, samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this spec (repeatable)")
    parser.add_argument("--json", type=Path, default=harness.BASELINE, help="results/baseline file")
    parser.add_argument("--markdown", type=Path, default=ROOT / "docs" / "corpus.md")
    args = parser.parse_args(argv)
    if prism.executable() is None:
        print("Prism is not installed: run `bash scripts/install-prism.sh`", file=sys.stderr)
        return 2
    entries = harness.read_manifest()
    names = args.only or list(entries)
    unknown = [n for n in names if n not in entries]
    if unknown:
        print(f"unknown spec(s): {', '.join(unknown)}; known: {', '.join(entries)}", file=sys.stderr)
        return 2
    data = json.loads(args.json.read_text(encoding="utf-8"))
    failures = 0
    for name in names:
        started = time.monotonic()
        result = samples.run_samples(entries[name], data["specs"].get(name), log=lambda m: print(m, flush=True))
        summary = result.summary()
        data.setdefault("samples", {})[name] = summary
        data["samples"] = {n: data["samples"][n] for n in entries if n in data["samples"]}
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        args.markdown.write_text(render_markdown(data), encoding="utf-8")
        print(
            f"{name}: {summary['samples']} samples, {summary['ran']} ran, {summary['skipped']} skipped, "
            f"{summary['failed']} failed in {time.monotonic() - started:.0f} s",
            flush=True,
        )
        for line in result.problems():
            print(line)
        failures += summary["failed"]
    print(f"wrote {args.json} and {args.markdown}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
