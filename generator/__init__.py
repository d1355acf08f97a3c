"""OpenAPI-to-Python SDK generator.

The pipeline reads top to bottom: load -> validate -> model -> render -> write.
"""

__version__ = "0.1.0"
