"""The targets the generator knows, by name, and which of them a run writes where.

Adding a target: its folder `generator/targets/<name>/` exposes a `Target` (generator/targets/__init__.py), and
one line below lists it. The config's `targets` says which targets a project generates and where each goes
(docs/config.md); without it a project generates the Python target alone, as before targets existed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.config import Config, TargetConfig
from generator.errors import GeneratorError, Problem
from generator.targets import OptionsSection, Target
from generator.targets.mcp.target import MCP
from generator.targets.python.target import PYTHON
from generator.targets.typescript.target import TYPESCRIPT

TARGETS: dict[str, Target[Any]] = {
    PYTHON.name: PYTHON,
    MCP.name: MCP,
    TYPESCRIPT.name: TYPESCRIPT,
}
DEFAULT_TARGET = PYTHON.name  # what a config without `targets` generates


def known() -> str:
    return ", ".join(sorted(TARGETS))


def target(name: str) -> Target[Any]:
    if name not in TARGETS:
        raise GeneratorError(Problem(f"unknown target {name!r}; known targets: {known()}"))
    return TARGETS[name]


def options_of(config: Config, name: str) -> Any:
    """What target `name` makes of its section of the config (its defaults when the config has none)."""
    entry = config.targets.get(name)
    section = OptionsSection(entry.options if entry else {}, config.file, "/targets/" + _escaped(name))
    options = target(name).parse_options(section)
    if section.problems:
        raise GeneratorError(section.problems)
    return options


def check_config(config: Config) -> None:
    """Every target the config names is known, and its options are right; all problems reported at once."""
    problems: list[Problem] = []
    for name, entry in config.targets.items():
        pointer = "/targets/" + _escaped(name)
        if name not in TARGETS:
            problems.append(Problem(f"unknown target {name!r}; known targets: {known()}", config.file, pointer))
            continue
        section = OptionsSection(entry.options, config.file, pointer)
        TARGETS[name].parse_options(section)
        problems += section.problems
    if problems:
        raise GeneratorError(problems)


@dataclass(frozen=True)
class Destination:
    target: str
    output: Path


def destinations(config: Config, name: str | None, output: Path | None, default_output: Path) -> list[Destination]:
    """Where a `generate` or `check` run writes: `name` is `--target` (None: every configured target), `output`
    is `-o` (None: each target's configured folder).

    - a config without `targets`: the Python target, into `-o` or `default_output` (as before targets existed);
    - `--target NAME`: that target alone, into `-o`, else its configured folder;
    - no `--target`: every configured target into its folder; `-o` is then allowed only when it is one of those
      folders (that target alone) or the config names one target, since one folder cannot hold several projects.
    """
    check_config(config)
    configured: dict[str, TargetConfig | None] = {**config.targets} or {DEFAULT_TARGET: None}
    if name is not None:
        target(name)
        entry = config.targets.get(name)
        if output is None and entry is None:
            if config.targets:
                raise GeneratorError(
                    Problem(
                        f"target {name!r} has no output folder: give -o OUT, or add targets.{name}.output to "
                        f"the config (it names {', '.join(config.targets)})",
                        config.file,
                        "/targets",
                    )
                )
            if name != DEFAULT_TARGET:
                raise GeneratorError(Problem(f"target {name!r} has no output folder: give -o OUT"))
        if output is not None:
            _check_foreign(config, name, output)
        return [Destination(name, output or (entry.output if entry else default_output))]
    if output is not None:
        placed = _placed_in(config, output)
        if placed is not None:  # `-o generated` in a CI script written before the config named more targets
            return [Destination(placed, output)]
        if len(configured) > 1:
            raise GeneratorError(
                Problem(
                    f"-o names one folder, but the config names {len(configured)} targets "
                    f"({', '.join(configured)}), each with its own folder: add --target NAME to write one of "
                    "them into -o, give -o one of their folders, or leave -o out to write each into its own",
                    config.file,
                    "/targets",
                )
            )
        return [Destination(next(iter(configured)), output)]
    return [
        Destination(name, entry.output if entry is not None else default_output) for name, entry in configured.items()
    ]


def _placed_in(config: Config, output: Path) -> str | None:
    """The configured target whose folder `output` is, if one is."""
    folder = Path(os.path.abspath(output))
    return next((name for name, e in config.targets.items() if Path(os.path.abspath(e.output)) == folder), None)


def _check_foreign(config: Config, name: str, output: Path) -> None:
    """`-o` must not be, hold or lie in another configured target's folder: writing there would replace that
    target's files (the manifest lists them) with this one's."""
    folder = Path(os.path.abspath(output))
    for other, entry in config.targets.items():
        theirs = Path(os.path.abspath(entry.output))
        if other != name and (folder.is_relative_to(theirs) or theirs.is_relative_to(folder)):
            raise GeneratorError(
                Problem(
                    f"-o {output} overlaps targets.{other}.output {entry.output}: target {name!r} would write "
                    f"over target {other!r}'s project; give --target {name} a folder of its own",
                    config.file,
                    "/targets/" + _escaped(other) + "/output",
                )
            )


def python_output(config: Config, default_output: Path) -> Path:
    """The Python target's folder, for the commands that work on it alone (`keep`, `release`)."""
    entry = config.targets.get(PYTHON.name)
    return entry.output if entry is not None else default_output


def _escaped(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")
