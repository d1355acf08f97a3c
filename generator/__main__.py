import sys

# `generate` and `check` validate the spec in a process of their own: started first, it imports the validator
# while this one imports the rest of the generator and loads the spec (generator/validate.py: `prestart`).
if next((arg for arg in sys.argv[1:] if not arg.startswith("-")), None) in ("generate", "check"):
    from generator.validate import prestart

    prestart()

from generator.cli import main  # noqa: E402 - after the validator's process has started

sys.exit(main())
