"""Every corpus spec through openapi-spec-validator as shipped and through the validate stage's faster
validator (generator/validator_speedups.py): every problem (message, file, JSON pointer, line), error
class and crash must be the same, in the same order. The CI tests do this for the small and medium
specs; this script covers the large ones too (minutes: the library takes about 20 s on openai alone).

    .venv/bin/python scripts/validator_equivalence.py                 # every spec, and one mutated copy of each
    .venv/bin/python scripts/validator_equivalence.py --only openai --mutated 3
    .venv/bin/python scripts/validator_equivalence.py --only none --fuzz 500   # the fuzz `long` profile's count

`--fuzz N` also draws N documents of the fuzz profile (tests/support/hostile_specs.py, not derandomized, so
each run draws new ones) and compares each and a mutated copy. The test suite's own specs (the fuzz `ci`
profile's documents, the hostile and the shared ones) are compared in full by the tests.

A mutated copy has errors injected at places drawn from a seed (tests/spec/test_validator_speedups.py's
`mutate`), so failing verdicts and their messages are compared too. Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import validator_speedups
from generator.spec.load import load_spec
from tests.spec.test_validator_speedups import library_class, mutate, ours_class, outcome
from tests.support.corpus.harness import read_manifest


def compare(label: str, spec: object, cycle_safe: bool = False) -> bool:
    start = time.perf_counter()
    expected = outcome(spec, library_class(spec, cycle_safe), faster=False)  # type: ignore[arg-type]
    library_seconds = time.perf_counter() - start
    start = time.perf_counter()
    got = outcome(spec, ours_class(spec), faster=True)  # type: ignore[arg-type]
    ours_seconds = time.perf_counter() - start
    same = got == expected
    crash = next((str(message) for kind, message in expected if kind == "raised"), "")
    print(
        f"{label:42} {library_seconds:8.2f} {ours_seconds:8.2f} {library_seconds / max(ours_seconds, 1e-9):7.1f}x"
        f" {len(expected):7} {'same' if same else 'DIFFERENT'}{'  (both raised ' + crash[:60] + ')' if crash else ''}",
        flush=True,
    )
    if not same:
        for index, (one, other) in enumerate(zip(expected, got)):
            if one != other:
                print(f"    first difference at {index}:\n      library: {one}\n      ours:    {other}")
                break
        else:
            print(f"    library gave {len(expected)}, ours {len(got)}")
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="corpus spec names (default: every OpenAPI 3 spec)")
    parser.add_argument("--mutated", type=int, default=1, help="mutated copies of each spec (default 1)")
    parser.add_argument("--fuzz", type=int, default=0, help="also N documents of the fuzz profile (default 0)")
    args = parser.parse_args()
    reason = validator_speedups.unverified()
    if reason:
        sys.exit(f"the speed-ups are off here: {reason}")
    entries = [
        e for e in read_manifest().values() if e.openapi.startswith("3") and (not args.only or e.name in args.only)
    ]
    print(f"{'spec':42} {'library s':>8} {'ours s':>8} {'faster':>8} {'errors':>7} verdicts")
    all_same = True
    for entry in sorted(entries, key=lambda e: e.bytes):
        all_same &= compare(entry.name, load_spec(entry.entry))
        for seed in range(args.mutated):
            spec = load_spec(entry.entry)
            spec.documents[spec.entry].data = mutate(spec.root, seed, count=40)
            all_same &= compare(f"{entry.name} mutated (seed {seed})", spec)
    if args.fuzz:
        all_same &= compare_fuzz(args.fuzz)
    print("every verdict the same" if all_same else "DIFFERENCES FOUND")
    return 0 if all_same else 1


def compare_fuzz(count: int) -> bool:
    """`count` documents of the fuzz profile, each as drawn and mutated. They may include themselves, which the
    library as shipped follows forever: compared with the library plus our fix for that alone, as the tests do."""
    from hypothesis import HealthCheck, given, settings

    from generator.errors import GeneratorError
    from tests.support.hostile_specs import Extended, extended_documents

    results = {"same": True, "drawn": 0, "refused": 0}

    @settings(max_examples=count, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(extended_documents())
    def each(extended: Extended) -> None:
        results["drawn"] += 1
        with tempfile.TemporaryDirectory() as folder:
            drawn = extended.drawn
            path = Path(folder) / f"spec.{drawn.fmt}"
            document: Any = drawn.document
            text = json.dumps(document) if drawn.fmt == "json" else yaml.safe_dump(document, allow_unicode=True)
            path.write_text(text, encoding="utf-8")
            for name, content in extended.files.items():
                (Path(folder) / name).write_text(content, encoding="utf-8")
            try:
                spec = load_spec(path)
            except GeneratorError:
                results["refused"] += 1  # a `$ref` cycle: refused before validation
                return
            number = results["drawn"]
            results["same"] &= compare(f"fuzz document {number}", spec, cycle_safe=True)
            spec.documents[spec.entry].data = mutate(spec.root, seed=number, count=6)
            results["same"] &= compare(f"fuzz document {number} mutated", spec, cycle_safe=True)

    each()
    print(f"fuzz documents drawn: {results['drawn']}, refused before validation: {results['refused']}")
    return bool(results["same"])


if __name__ == "__main__":
    sys.exit(main())
