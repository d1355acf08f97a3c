"""The Python target as the registry (generator/registry.py) offers it: the package and the repository around it."""

from __future__ import annotations

from generator.targets import Job, Rendered, Target, no_options
from generator.targets.python.project import render_project
from generator.targets.python.repository import repository_files


def render(job: Job[None]) -> Rendered:
    """The package (formatted) and the repository's files around it: its spec copy, scripts, workflows and notes."""
    rendered = render_project(job.api, job.formatted, job.progress, verify=job.verify)
    files = {**rendered.files, **repository_files(job.api, job.spec, job.overlaid)}
    return Rendered(dict(sorted(files.items())), rendered.format_keys)


PYTHON: Target[None] = Target(
    name="python",
    summary="a typed Python SDK (httpx + pydantic) and the repository around it",
    render=render,
    parse_options=no_options,
    python_sdk=True,
)
