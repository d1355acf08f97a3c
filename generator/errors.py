"""One error type for everything a user can get wrong: it carries where (file, line, JSON pointer)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_DRIFT = 1  # `check`: the output folder differs from what the spec produces
EXIT_INVALID_INPUT = 2  # bad spec, config, arguments or file
EXIT_INTERNAL = 70  # a bug in the generator itself (EX_SOFTWARE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we know."""

    message: str
    file: str | None = None
    pointer: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.pointer is not None:
            where += f" at {self.pointer or '/'}" if where else f"at {self.pointer or '/'}"
        return f"{where}: {self.message}" if where else self.message


class GeneratorError(Exception):
    """Raised by any stage; the CLI prints its problems and exits with `exit_code`."""

    def __init__(self, problems: Problem | list[Problem], exit_code: int = EXIT_INVALID_INPUT) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        self.exit_code = exit_code
        super().__init__("\n".join(str(p) for p in self.problems))


def pointer_from_parts(parts: Iterable[object]) -> str:
    """Build an RFC 6901 JSON pointer from path parts (keys and list indexes)."""
    tokens = [str(p).replace("~", "~0").replace("/", "~1") for p in parts]
    return "".join("/" + t for t in tokens)


def pointer_parts(pointer: str) -> list[str]:
    """Split an RFC 6901 JSON pointer into unescaped tokens ('' is the whole document)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON pointer must start with '/': {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]
