"""No spec text can inject code into the TypeScript SDK: descriptions, enum values, property and parameter
names, paths and header names full of `*/`, quotes, backticks and `${}` come out as inert comments and
literals; the project still compiles and is what prettier makes of it, and the values reach the types intact."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.targets.typescript.conftest import TSC, build, generate, node_tools, prettier_check, run, run_node

HOSTILE = "*/ globalThis.INJECTED = 1; /* `${globalThis.INJECTED = 2}` ' \" \\ </script> \u2028 end"
ODD_VALUES = ["*/", "it's", 'say "hi"', "`tick`", "${x}", "back\\slash", "line\nbreak"]
ODD_KEY = "we'ird \"key*/`${x}`"

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "Hostile API", "version": "1", "description": HOSTILE},
    "servers": [{"url": "https://hostile.test/v1"}],
    "paths": {
        "/items/{item-id}": {
            "post": {
                "operationId": "updateItem",
                "summary": HOSTILE,
                "description": HOSTILE,
                "parameters": [
                    {
                        "in": "path",
                        "name": "item-id",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": HOSTILE,
                    },
                    {"in": "header", "name": "X-It's", "schema": {"type": "string"}, "description": HOSTILE},
                    {"in": "query", "name": "q`${x}`", "schema": {"type": "string", "enum": ODD_VALUES}},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {ODD_KEY: {"type": "string", "description": HOSTILE}},
                            }
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": HOSTILE,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Item"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Item": {
                "type": "object",
                "description": HOSTILE,
                "required": ["kind", ODD_KEY],
                "properties": {
                    "kind": {"type": "string", "enum": ODD_VALUES, "description": HOSTILE},
                    ODD_KEY: {"type": "string", "description": HOSTILE},
                },
            }
        }
    },
}

# A consumer of the generated types: every value must be exactly the spec's, and no other.
CONSUMER = """
import type { Item, ItemUpdateParams } from './src/resources/items.js';
const kinds: Array<Item['kind']> = VALUES;
const queries: Array<NonNullable<ItemUpdateParams[QUERY]>> = VALUES;
// @ts-expect-error: a value the spec does not list, in a request (responses stay open to new values)
const wrong: ItemUpdateParams[QUERY] = 'not listed';
const open: Item['kind'] = 'a value added later';
const item: Item = { kind: '*/', [KEY]: 'value' };
export { kinds, queries, wrong, open, item };
"""


def test_hostile_spec_text_stays_inert(tmp_path: Path) -> None:
    node_tools()
    spec = tmp_path / "hostile.yaml"
    spec.write_text(yaml.safe_dump(SPEC, allow_unicode=True), encoding="utf-8")
    project = tmp_path / "hostile"
    done = generate(spec, project)
    assert done.returncode == 0, done.stderr
    consumer = CONSUMER.replace("VALUES", json.dumps(ODD_VALUES)).replace("QUERY", json.dumps("q`${x}`"))
    (project / "consumer.ts").write_text(consumer.replace("KEY", json.dumps(ODD_KEY)), encoding="utf-8")
    consumer_config = {
        "extends": "./tsconfig.json",
        "include": ["src", "consumer.ts"],
        "compilerOptions": {"rootDir": "."},
    }
    (project / "tsconfig.consumer.json").write_text(json.dumps(consumer_config), encoding="utf-8")
    compiled = run([TSC, "-p", "tsconfig.consumer.json", "--noEmit"], project)
    assert compiled.returncode == 0, compiled.stdout
    (project / "consumer.ts").unlink()
    (project / "tsconfig.consumer.json").unlink()
    formatted = prettier_check(project)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    build(project)
    script = (
        f"import Hostile from {json.dumps((project / 'dist' / 'esm' / 'index.js').as_posix())};\n"
        "const client = new Hostile({ baseURL: 'http://127.0.0.1:9', maxRetries: 0 });\n"
        "console.log(typeof client.items.update, String(globalThis.INJECTED));\n"
    )
    ran = run_node(script, tmp_path)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == "function undefined\n"
    resource = (project / "src" / "resources" / "items.ts").read_text(encoding="utf-8")
    assert "*/ globalThis" not in resource and "*\\/ globalThis.INJECTED" in resource
