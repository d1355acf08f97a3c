"""The Python SDK target: generator/model/ IR -> the files of a Python package (httpx + pydantic)."""
