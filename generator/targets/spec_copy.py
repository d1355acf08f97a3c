"""The copy of the spec a generated repository keeps for its mock server (`openapi/`), the same for every target."""

from __future__ import annotations

import json

from generator.filenames import is_device_name
from generator.model.naming import unique
from generator.spec.load import Spec

SPEC_FOLDER = "openapi"


def spec_files(spec: Spec, overlaid: bool) -> dict[str, str]:
    """The spec as the mock server serves it, under `openapi/`: each file the spec was read from, at its place
    relative to the entry file. Files are copied as written; with overlays applied, each is written as the
    generator read it after them (JSON, which YAML readers read too, under the same name, so `$ref`s hold)."""
    files: dict[str, str] = {}
    base = spec.entry.parent
    for path, document in sorted(spec.documents.items()):
        if not path.is_relative_to(base):
            continue  # only with --allow-outside-refs; such a spec is served from its own folder (README)
        name = f"{SPEC_FOLDER}/{entry_name(spec) if path == spec.entry else path.relative_to(base).as_posix()}"
        if overlaid:
            files[name] = json.dumps(document.data, indent=2, ensure_ascii=False, default=str) + "\n"
        else:
            files[name] = path.read_bytes().decode("utf-8")
    return files


def entry_name(spec: Spec) -> str:
    """The entry file's name in `openapi/`: its own, unless Windows reads that as a device (`aux.yaml`), which
    would keep the repository from being checked out there; then renamed as a name taken is (`aux_2.yaml`).
    Only the entry is renamed: other files keep the names the spec's `$ref`s give them."""
    name = spec.entry.name
    if not is_device_name(name):
        return name
    stem, dot, suffix = name.partition(".")
    siblings = {path.name.partition(".")[0].lower() for path in spec.documents if path.parent == spec.entry.parent}
    return unique(stem, siblings) + dot + suffix
