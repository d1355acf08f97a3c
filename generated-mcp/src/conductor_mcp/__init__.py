"""An MCP server for the API: its operations as tools, calling the generated Python SDK."""

__version__ = "0.1.0"
