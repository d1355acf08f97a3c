"""Put the runtime modules that generator/targets/python/templates/src/package/ copies as they are into black's layout, and record
their format keys in its .black-stable.

The generator formats no copied module whose key is listed (it already is black's output: tests/commands/test_speed.py
checks the list); one edited since, say by a merge, is formatted on every run until this is run again:

    .venv/bin/python scripts/black_stable.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import black

from generator.targets.python.environment import templates_dir
from generator.targets.python.formatting import STABLE_LIST, black_mode, format_key, static_package_files


def main() -> int:
    root = templates_dir() / "src" / "package"
    lines = []
    for name in static_package_files():
        if not name.endswith(".py"):
            continue
        path = root / name
        text = path.read_text(encoding="utf-8")
        formatted = black.format_str(text, mode=black_mode())
        if formatted != text:
            path.write_text(formatted, encoding="utf-8")
            print(f"formatted {path}")
        lines.append(f"{format_key(formatted)}  {name}\n")
    (root / STABLE_LIST).write_text("".join(lines), encoding="utf-8")
    print(f"{len(lines)} modules in {root / STABLE_LIST}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
