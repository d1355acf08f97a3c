"""The MCP target as the registry (generator/registry.py) offers it: an MCP server package calling the SDK."""

from __future__ import annotations

from generator.targets import Job, OptionsSection, Rendered, Target
from generator.targets.mcp.options import McpOptions, make_options, options_problems
from generator.targets.mcp.project import render_mcp
from generator.targets.python.naming import PYTHON_NAMING


def parse_options(section: OptionsSection) -> McpOptions:
    problems = options_problems(section.values)
    for key, message in problems:
        section.problem(message, key)
    return McpOptions() if problems else make_options(section.values)


def render(job: Job[McpOptions]) -> Rendered:
    return Rendered(render_mcp(job.api, job.options))


MCP: Target[McpOptions] = Target(
    name="mcp",
    summary="an MCP server (Python, on the official `mcp` package) exposing the API to AI agents via the Python SDK",
    render=render,
    parse_options=parse_options,
    naming=PYTHON_NAMING,  # the server calls the Python SDK by its names
)
