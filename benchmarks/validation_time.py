"""Validation alone: the seconds one spec's validation takes, ours or openapi-spec-validator as shipped.

    .venv/bin/python benchmarks/validation_time.py ours SPEC      # the validate stage's validator (validator_speedups)
    .venv/bin/python benchmarks/validation_time.py library SPEC   # openapi_spec_validator.OpenAPIV3xSpecValidator

Prints `SECONDS PROBLEMS` on stdout: the time of validating only (importing, loading and parsing the spec
are not counted), in this process, and how many problems were found (at most 201, as the validate stage
stops listing after 200), or that the validator raised (time to failure; the validate stage reports it). `benchmarks/speed.py` runs it in a fresh process per figure.
"""

from __future__ import annotations

import sys
import time
from itertools import islice
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import validate
from generator.spec.load import load_spec


def main() -> int:
    which, path = sys.argv[1], Path(sys.argv[2])
    spec = load_spec(path)
    version = validate._openapi_version(spec.root, str(spec.entry))
    if which == "ours":
        validate._validator_class("3.1" if version.startswith("3.1") else "3.0")  # imports, as the library's below
    else:
        import openapi_spec_validator

        v31 = version.startswith("3.1")
        library = (
            openapi_spec_validator.OpenAPIV31SpecValidator if v31 else openapi_spec_validator.OpenAPIV30SpecValidator
        )
    start = time.perf_counter()
    try:
        if which == "ours":
            found = str(len(validate._problems(spec, version)))
        else:
            errors = library(spec.root, base_uri=spec.entry.as_uri()).iter_errors()
            found = str(len(list(islice(errors, validate.MAX_REPORTED + 1))))
    except Exception as error:  # noqa: BLE001 - the validator failing is a result (the validate stage reports it)
        found = f"0 (the validator raised {type(error).__name__})"
    print(f"{time.perf_counter() - start:.3f} {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
