"""Targets: each renders the language-neutral model (generator/model/) as one kind of project.

A target is a package here (`generator/targets/<name>/`) exposing one `Target` value; the registry of the
commands layer (generator/registry.py) lists them by name, so adding a target is a folder and one line there.
The model never imports a target, and this module imports none either (the Python target may be imported by
another target that calls the SDK it makes, which must not pull in every other target).

What the pipeline (generator/pipeline.py) asks of a target:

- `parse_options(section) -> options`: the target's own keys of the config's `targets.<name>` section (every
  key but `output`), checked; each problem is reported with `section.problem(message, key)`, which names the
  config file and the key, and the value returned is then ignored. `no_options` is the parser of a target that
  takes none.
- `naming`: the target's names (generator/model/naming.py's `Naming`); the pipeline builds the IR of the
  target's run with it.
- `render(job) -> Rendered`: every file of the project as {POSIX path relative to the output folder: text},
  plus the format keys of the files it formatted (a cache the manifest keeps so that the next run need not
  format them again; a target without a formatter returns none). Nothing is written by a target: the pipeline
  applies the user's kept edits, writes the folder with its manifest, or compares it (`check`).

A target spells the model's type tree (generator/model/types.py) in its own language and decides how each of
its modules writes the names of the models it uses; the model's names (`Model.name`, unique in the API) are
the keys it spells from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from generator.errors import Problem
from generator.model.naming import Naming
from generator.progress import SILENT, Progress

if TYPE_CHECKING:
    from generator.config import Config
    from generator.model.ir import Api
    from generator.spec.load import Spec

OptionsT = TypeVar("OptionsT")


# What a generated project's .gitignore says of the generator's own scratch files beside the output (the cache,
# the lock, an interrupted write's staging folder and journal: generator/write.py's SCRATCH, the same names).
GITIGNORE_SCRATCH = (
    "# The SDK generator's own scratch files: never needed by anyone else, never committed.\n"
    ".generator-cache\n.generator-cache.tmp\n.generator-lock\n.generator-staging\n"
    ".generator-journal\n.generator-journal.tmp\n"
)


@dataclass(frozen=True)
class Rendered:
    files: dict[str, str]  # POSIX path relative to the output folder -> text
    format_keys: dict[str, str] = field(default_factory=dict)  # formatted file -> key of its unformatted text


@dataclass(frozen=True)
class Job(Generic[OptionsT]):
    """Everything a target renders from."""

    api: Api  # the IR, with the config applied
    spec: Spec  # the spec as loaded (before overlays): for a copy of it in the project
    config: Config
    options: OptionsT  # what the target's `parse_options` made of its config section
    overlaid: bool = False  # the config's overlays changed the spec in memory (a copy of the file is not it)
    formatted: Mapping[str, str] = field(default_factory=dict)  # format keys -> formatted text of an earlier run
    progress: Progress = SILENT
    verify: bool = False  # trust no earlier run: format every file afresh (`check --full`)


@dataclass
class OptionsSection:
    """One target's section of the config (`targets.<name>`), without `output`, and the problems found in it."""

    values: Mapping[str, Any]
    file: str | None  # the config file, None without one
    pointer: str  # JSON pointer of the section: "/targets/mcp"
    problems: list[Problem] = field(default_factory=list)

    def problem(self, message: str, key: str | None = None) -> None:
        """A problem with the section, or with one of its keys."""
        escaped = "" if key is None else "/" + key.replace("~", "~0").replace("/", "~1")
        self.problems.append(Problem(message, self.file, self.pointer + escaped))


def no_options(section: OptionsSection) -> None:
    """The options parser of a target that takes none beside `output`."""
    for key in section.values:
        section.problem(f"unknown key {key!r}: this target takes no options beside 'output'", key)


@dataclass(frozen=True)
class Target(Generic[OptionsT]):
    """One kind of project the generator makes."""

    name: str  # as `--target` and the config's `targets` name it
    summary: str  # one line, for `--help`
    render: Callable[[Job[OptionsT]], Rendered]
    parse_options: Callable[[OptionsSection], OptionsT]
    naming: Naming  # the names the model gives this target's IR (generator/model/naming.py)
    # The project is the Python SDK: the config's `mixins` apply to its classes (from the user's modules in
    # `src/<package>/lib/`), and `generate` writes the config's code samples file (Python samples) with it.
    python_sdk: bool = False
