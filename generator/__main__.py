import sys
from pathlib import Path


def _first_generation(argv: list[str]) -> bool:
    """Whether this looks like `generate` into a folder without a generated project: the run that validates.
    A regeneration usually needs no validation (an earlier run's stamp) or not even a render (nothing
    changed); it starts the validator's process after loading, as `check` does. Only a guess from the
    arguments (argparse reads them properly later): a wrong one costs time, never a result."""
    words = [arg for arg in argv if not arg.startswith("-")]
    if not words or words[0] != "generate":
        return False
    output = "generated"  # pipeline.DEFAULT_OUTPUT
    for i, arg in enumerate(argv):
        if arg in ("-o", "--output") and i + 1 < len(argv):
            output = argv[i + 1]
        elif arg.startswith("--output="):
            output = arg.partition("=")[2]
    return not (Path(output) / ".generator-manifest").exists()


# A first `generate` validates the spec in a process of its own: started first, it imports the validator
# while this one imports the rest of the generator and loads the spec (generator/validate.py: `prestart`).
if _first_generation(sys.argv[1:]):
    from generator.validate import prestart

    prestart()

from generator.cli import run  # noqa: E402 - after prestart() above, which must run before this import

run()
