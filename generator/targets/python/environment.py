"""The Jinja environment of the Python target: its templates (templates/), filters and bytecode cache.

Templates only place values: the filters escape spec text for where it lands (Python literals and docstrings:
pysource.py; TOML and Markdown: escaping.py); names, types and layout are decided in Python before. jinja2 is
imported when first needed, so commands that never render stay light.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import GeneratorError, Problem
from generator.targets.python.escaping import markdown_code, markdown_text, toml_string
from generator.targets.python.layout import bracket, docstring
from generator.targets.python.pysource import comment_text, docstring_text, string_literal

if TYPE_CHECKING:
    import jinja2

PACKAGE_TEMPLATES = "src/package"  # the package's own templates and copied runtime modules, under templates/


def templates_dir() -> Path:
    """The Python target's templates, beside this module (in a checkout and in a wheel alike)."""
    found = Path(__file__).resolve().parent / "templates"
    if not found.is_dir():
        raise GeneratorError(Problem("the generator's templates folder is missing; reinstall the generator"))
    return found


@lru_cache(maxsize=1)  # one per process: the templates are files of the installed generator
def jinja_environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_template_cache(),
    )
    env.globals.update(bracket=bracket)
    env.filters.update(docstring=docstring, pytuple=python_tuple)
    env.filters.update(
        pystr=string_literal,
        doc=docstring_text,
        oneline=comment_text,
        tomlstr=toml_string,
        mdtext=markdown_text,
        mdcode=markdown_code,
        shell=shlex.quote,
    )
    return env


def _template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's own cache of compiled templates (a private folder in the temporary directory, keyed by each
    template's source and the Python version): compiling the templates took about 0.4 s of every run."""
    import jinja2

    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no safe folder for it: compile each run, as before
        return None


def python_tuple(items: Sequence[str]) -> str:
    """A tuple display on one line: `()`, `("a",)`, `("a", "b")`."""
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def render_template(template: str, **context: Any) -> str:
    """One template (a path under templates/) rendered with the target's filters."""
    import jinja2

    try:
        return jinja_environment().get_template(template).render(**context)
    except jinja2.TemplateError as exc:
        raise GeneratorError(Problem(f"template {template} failed: {exc}")) from exc
