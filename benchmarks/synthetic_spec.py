"""A deterministic synthetic OpenAPI 3.0 spec of any size, for the speed and scale benchmarks.

    python benchmarks/synthetic_spec.py OPERATIONS [--text-kb KB] [-o FILE]

Five operations per resource (list, create, retrieve, update, delete) on `/things{i}` and
`/things{i}/{id}`. Each resource has a schema in components (ten typed properties, a nested object, an
enum, an array of one of ten shared `Common{k}` schemas by `$ref`) and inline schemas: the create and
update request bodies and the list response are written in place. `--text-kb` pads descriptions with
prose (the same for a given seed), so a spec can be made large with few operations. Standard library only;
the same arguments always give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

COMMON = 10  # shared schemas every resource's schema refers to (no chains of references: depth stays flat)
WORDS = (
    "account balance customer invoice payment order item ledger report record entry status value total "
    "amount currency date period vendor contract approval note detail summary reference number line"
).split()


def _prose(rng: random.Random, words: int) -> str:
    sentences, left = [], words
    while left > 0:
        n = min(left, rng.randint(8, 18))
        sentence = " ".join(rng.choice(WORDS) for _ in range(n))
        sentences.append(sentence.capitalize() + ".")
        left -= n
    return " ".join(sentences)


def _properties(rng: random.Random, index: int, resources: int, text_words: int) -> dict[str, Any]:
    shared = f"Common{index % COMMON}"
    kinds: list[dict[str, Any]] = [
        {"type": "string"},
        {"type": "integer", "format": "int64"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "string", "format": "date-time"},
        {"type": "string", "enum": ["draft", "open", "closed", f"state_{index}"]},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object", "properties": {"street": {"type": "string"}, "postalCode": {"type": "string"}}},
        {"type": "string", "nullable": True},
        {"type": "integer"},
    ]
    props: dict[str, Any] = {}
    for i, kind in enumerate(kinds):
        props[f"field{i}Name"] = {**kind, "description": _prose(rng, text_words)}
    props["related"] = {"type": "array", "items": {"$ref": f"#/components/schemas/{shared}"}}
    return props


def _ok(schema: dict[str, Any]) -> dict[str, Any]:
    """Responses of one JSON 200 with `schema`."""
    return {"200": {"description": "OK", "content": {"application/json": {"schema": schema}}}}


def build(operations: int, text_kb: float = 0.0, seed: int = 12) -> dict[str, Any]:
    rng = random.Random(seed)
    resources = max(1, (operations + 4) // 5)
    # Descriptions are about six characters a word; spread the requested text over every property.
    text_words = max(3, int(text_kb * 1024 / 6 / (resources * 24))) if text_kb else 6
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {
        f"Common{i}": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "count": {"type": "integer"},
                "label": {"type": "string", "description": _prose(rng, text_words)},
            },
        }
        for i in range(COMMON)
    }
    made = 0
    for r in range(resources):
        name, tag = f"Thing{r}", f"things{r}"
        props = _properties(rng, r, resources, text_words)
        schemas[name] = {
            "type": "object",
            "description": _prose(rng, text_words),
            "required": ["id"],
            "properties": {"id": {"type": "string"}, **props},
        }
        ref = {"$ref": f"#/components/schemas/{name}"}
        inline_body = {
            "type": "object",
            "required": ["field0Name"],
            "properties": {k: v for k, v in list(props.items())[:6]},
        }
        collection: dict[str, Any] = {}
        item: dict[str, Any] = {}
        wanted = [
            (collection, "get", {"operationId": f"list{name}s", "summary": f"List {tag}", "description": _prose(rng, text_words),
                                 "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}},
                                                {"name": "cursor", "in": "query", "schema": {"type": "string"}}],
                                 "responses": _ok({"type": "object", "properties": {"data": {"type": "array", "items": ref},
                                                                                   "nextCursor": {"type": "string"}}})}),
            (collection, "post", {"operationId": f"create{name}", "summary": f"Create a {tag} item",
                                  "requestBody": {"required": True, "content": {"application/json": {"schema": inline_body}}},
                                  "responses": _ok(ref)}),
            (item, "get", {"operationId": f"get{name}", "summary": f"Retrieve a {tag} item", "responses": _ok(ref)}),
            (item, "put", {"operationId": f"update{name}", "summary": f"Update a {tag} item",
                           "requestBody": {"content": {"application/json": {"schema": inline_body}}}, "responses": _ok(ref)}),
            (item, "delete", {"operationId": f"delete{name}", "summary": f"Delete a {tag} item",
                              "responses": {"204": {"description": "Deleted"}}}),
        ]  # fmt: skip  # laid out as a table: one operation a line
        for target, method, operation in wanted:
            if made == operations:
                break
            operation["tags"] = [tag]
            target[method] = operation
            made += 1
        if collection:
            paths[f"/{tag}"] = collection
        if item:
            item["parameters"] = [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]
            paths[f"/{tag}/{{id}}"] = item
    return {
        "openapi": "3.0.3",
        "info": {"title": "Synthetic API", "version": "1.0.0"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {"schemas": schemas},
    }


def write(path: Path, operations: int, text_kb: float = 0.0) -> Path:
    path.write_text(json.dumps(build(operations, text_kb), indent=1) + "\n", encoding="utf-8")
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("operations", type=int)
    parser.add_argument("--text-kb", type=float, default=0.0, help="pad descriptions to about this much text")
    parser.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    args = parser.parse_args()
    if args.output:
        write(args.output, args.operations, args.text_kb)
    else:
        sys.stdout.write(json.dumps(build(args.operations, args.text_kb), indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
