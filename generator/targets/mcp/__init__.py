"""The MCP target: a Model Context Protocol server in Python that calls the generated Python SDK.

The server's code is the same for every API (templates/, copied as it is); what differs is a catalog of the
API's operations written as JSON package data (catalog.py builds it from the IR), so a 500-operation API makes
a larger data file, not more code. options.py reads the target's options; project.py lays out the package.
docs/mcp.md describes the tools, the safety model and the options.
"""
