"""Example programs for the generated README, built from the spec's own operations and examples."""

from __future__ import annotations

from typing import Any

from generator.model.ir import Api, Operation, Parameter
from generator.model.naming import singular
from generator.pysource import literal

_PLACEHOLDERS = {"string": "string", "integer": 0, "number": 0.0, "boolean": True}


def example_program(api: Api, is_async: bool) -> str:
    """A complete program calling the first operation (one with a model response when there is one)."""
    client = api.async_client_name if is_async else api.client_name
    lines = ["import os"] if api.credentials else []
    if is_async:
        lines.append("import asyncio")
    lines += [f"from {api.package} import {client}", "", f"client = {client}("]
    if api.credentials:
        credential = api.credentials[0]
        lines.append(
            f'    {credential.name}=os.environ.get("{credential.env_var}"),  # This is the default and can be omitted'
        )
    lines.append(")")
    operation = _pick(api)
    if operation is None:
        return "\n".join(lines)
    call = _call(operation, "await " if is_async else "")
    if is_async:
        lines += ["", "", "async def main() -> None:"]
        lines += ["    " + line for line in call]
        lines += ["", "", "asyncio.run(main())"]
    else:
        lines += call
    return "\n".join(lines)


def _pick(api: Api) -> Operation | None:
    candidates = [op for op in api.operations if op.return_type.models] or list(api.operations)
    return candidates[0] if candidates else None


def _call(op: Operation, await_: str) -> list[str]:
    variable = singular(op.resource_path[-1])
    target = f"{variable} = " if op.return_type.annotation != "None" else ""
    lines = [f"{target}{await_}client.{'.'.join(op.resource_path)}.{op.name}("]
    for param in op.positional:
        lines.append(f"    {literal(_example(param))},")
    for param in op.keyword:
        if param.required:
            lines.append(f"    {param.name}={literal(_example(param))},")
    lines.append(")")
    if target:
        field = _printable_field(op)
        lines.append(f"print({variable}.{field})" if field else f"print({variable})")
    return lines


def _printable_field(op: Operation) -> str | None:
    schema = op.response_schema
    if not op.return_type.models or not isinstance(schema, dict):
        return None
    properties = schema.get("properties")
    if isinstance(properties, dict) and "id" in properties:
        return "id"
    return None


def _example(param: Parameter) -> Any:
    schema = param.schema if isinstance(param.schema, dict) else {}
    for key in ("example", "default", "const"):
        if key in schema and isinstance(schema[key], (str, int, float, bool)):
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], (str, int, float, bool)):
        return examples[0]
    enum = schema.get("enum")
    if isinstance(enum, list) and enum and isinstance(enum[0], (str, int, float, bool)):
        return enum[0]
    return _PLACEHOLDERS.get(str(schema.get("type")), "string")
