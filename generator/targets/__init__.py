"""Targets: each renders the language-neutral model (generator/model/) as one kind of project.

A target is a package here with a `render_project(api, ...)` function returning every file it writes as
{relative path: text}; see generator/targets/python/ for the Python SDK.
"""
