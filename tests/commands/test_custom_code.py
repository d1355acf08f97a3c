"""Custom code that survives regeneration (generator/custom.py) and overlays (generator/overlay.py), end to end.

The user's edits kept as patches survive a spec change and a regeneration; a spec change that conflicts with one
is one clear error and nothing is written; `check` accepts kept edits and flags stray ones; lib/ modules are
never touched and become part of the client through `mixins`; an overlay renames an operation and the generated
client has the new name. The generated clients are called over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.cli import main
from generator.custom import apply_hunks, make_patch, parse_patch
from generator.errors import GeneratorError
from tests.conftest import ROOT, LocalServer, Reply, imported_package, within_seconds
from tests.support.documents import spec_document


def _operation(operation_id: str, summary: str, path_param: str = "id") -> dict[str, object]:
    return {
        "operationId": operation_id,
        "summary": summary,
        "parameters": [{"name": path_param, "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}},
    }


def _spec(path_param: str = "id", with_list: bool = False) -> dict[str, object]:
    item = f"/pets/{{{path_param}}}"
    paths: dict[str, object] = {}
    if with_list:
        paths["/pets"] = {"get": {"operationId": "listPets", "summary": "List pets", "responses": {"200": {
            "description": "ok", "content": {"application/json": {"schema": {"type": "array",
                                                                               "items": {"$ref": "#/components/schemas/Pet"}}}}}}}}  # fmt: skip
    paths[item] = {
        "get": _operation("getPet", "Get a pet", path_param),
        "put": _operation("replacePet", "Replace a pet", path_param),
        "patch": _operation("patchPet", "Patch a pet", path_param),  # put and patch collide: named by operationId
    }
    pet = {"type": "object", "required": ["id", "name"],
           "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}  # fmt: skip
    head = {"title": "Pets API", "version": "1.0", "server": "https://pets.example.com"}
    return spec_document({"paths": paths, "components": {"schemas": {"Pet": pet}}}, **head)


def _write(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def warm_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pets client generated once, with the cache of black's output that makes regenerating it cheap."""
    folder = tmp_path_factory.mktemp("pets")
    _write(folder / "pets.yaml", _spec())
    (folder / "pets.config.yaml").write_text("package_name: pets\n", encoding="utf-8")
    assert main(["generate", str(folder / "pets.yaml"), "-o", str(folder / "out")]) == 0
    return folder / "out"


@pytest.fixture
def out(tmp_path: Path, warm_output: Path) -> Path:
    """An output folder where the pets client was generated (each test changes its own copy)."""
    shutil.copytree(warm_output, tmp_path / "out")
    return tmp_path / "out"


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


EDIT_ANCHOR = '        return self._client.request(\n            "GET",\n'
EDIT = '        # Pets are cached for a minute by the gateway: ask for a fresh copy.\n        extra_headers = {"Cache-Control": "no-cache", **(extra_headers or {})}\n'


def test_kept_edit_survives_regeneration_and_a_conflict_writes_nothing(
    tmp_path: Path, out: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    (tmp_path / "pets.config.yaml").write_text("package_name: pets\n", encoding="utf-8")
    args = [str(spec), "-o", str(out)]
    assert main(["generate", *args]) == 0
    resource = out / "src/pets/resources/pets.py"
    text = resource.read_text(encoding="utf-8")
    assert EDIT_ANCHOR in text  # the sync retrieve (the async one awaits)
    resource.write_text(text.replace(EDIT_ANCHOR, EDIT + EDIT_ANCHOR, 1), encoding="utf-8")
    capsys.readouterr()

    assert main(["check", *args]) == 1  # an edit not kept is drift
    assert main(["keep", str(resource), "--spec", str(spec), "-o", str(out)]) == 0
    patch = out / "patches/src/pets/resources/pets.py.patch"
    assert f"kept     {resource}: 1 hunk in {patch}" in capsys.readouterr().out
    assert patch.read_text(encoding="utf-8").startswith("--- a/src/pets/resources/pets.py\n+++ b/src/pets/resources/pets.py\n@@ ")
    assert main(["check", *args]) == 0

    # The spec changes elsewhere (a new operation before it): the edit is applied where its lines now are.
    _write(spec, _spec(with_list=True))
    assert main(["generate", *args]) == 0
    text = resource.read_text(encoding="utf-8")
    assert "def list(" in text and text.count(EDIT) == 1
    assert main(["check", *args]) == 0
    with imported_package(out / "src", "pets") as pets:
        server.reply(Reply(200, {"id": "p1", "name": "Rex"}))
        client = pets.Pets(base_url=server.url, max_retries=0)
        assert client.pets.retrieve("p1").name == "Rex"
        assert server.received[-1].headers["Cache-Control"] == "no-cache"

    # A stray hand edit (not kept) is still drift.
    client_file = out / "src/pets/_client.py"
    original = client_file.read_text(encoding="utf-8")
    client_file.write_text(original + "# stray\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", *args]) == 1
    assert "differs  src/pets/_client.py" in capsys.readouterr().out
    client_file.write_text(original, encoding="utf-8")

    # A spec change that rewrites the edited lines: one error naming the patch and the hunk; nothing written.
    before = _tree(out)
    _write(spec, _spec(path_param="petId", with_list=True))
    capsys.readouterr()
    assert main(["generate", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"error: {patch}:3: hunk 1 of 1 (@@ -")
    assert "no longer applies to src/pets/resources/pets.py: the line '\"/pets/{id}\",' is no longer there" in err[0]
    assert _tree(out) == before

    # Editing the file again and keeping it resolves it; a file without edits drops its patch.
    _write(spec, _spec(with_list=True))
    resource.write_text(text, encoding="utf-8")
    assert main(["generate", *args]) == 0
    assert main(["keep", str(client_file), "--spec", str(spec), "-o", str(out)]) == 0
    assert "no edits" in capsys.readouterr().out
    assert not (out / "patches/src/pets/_client.py.patch").exists()


def test_keep_refuses_files_the_generator_does_not_write(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    (out / "notes.txt").write_text("mine\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["keep", str(tmp_path / "pets.yaml"), "--spec", str(spec), "-o", str(out)]) == 2
    assert f"{tmp_path / 'pets.yaml'}: not inside the output folder" in capsys.readouterr().err
    assert main(["keep", str(out / "notes.txt"), str(out / ".generator-manifest"), "--spec", str(spec), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"{out / 'notes.txt'}: not a file the generator writes" in err
    assert f"{out / '.generator-manifest'}: not a file the generator writes" in err
    assert not (out / "patches").exists()


LIB_MODULE = '''"""Hand-written additions to the generated client; the generator never writes or deletes this folder."""

from __future__ import annotations

from .._base_client import SyncAPIClient
from .._resource import SyncAPIResource
from ..types.pet import Pet


class PetsClientMixin(SyncAPIClient):
    def health_url(self) -> str:
        return f"{self.base_url}health"


class PetsExtras(SyncAPIResource):
    def name_of(self, id: str) -> str:
        """The name of pet `id`, in one GET."""
        return self._client.request("GET", "/pets/{id}", path_params={"id": id}, cast_to=Pet).name
'''


def test_lib_modules_are_kept_and_mixed_into_the_client(
    tmp_path: Path, out: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    config = tmp_path / "pets.config.yaml"
    config.write_text("package_name: pets\nmixins:\n  Pets: extras:PetsClientMixin\n  PetsResource: extras:PetsExtras\n",
                      encoding="utf-8")  # fmt: skip
    assert main(["generate", str(spec), "-o", str(out)]) == 2  # the module must exist first
    assert f"{config} at /mixins/Pets: {out / 'src/pets/lib/extras.py'} does not exist" in capsys.readouterr().err
    lib = out / "src/pets/lib"
    lib.mkdir(parents=True)
    (lib / "__init__.py").write_text("", encoding="utf-8")
    (lib / "extras.py").write_text(LIB_MODULE, encoding="utf-8")
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    assert "from .lib.extras import PetsClientMixin" in (out / "src/pets/_client.py").read_text(encoding="utf-8")
    assert "class PetsResource(PetsExtras, SyncAPIResource):" in (out / "src/pets/resources/pets.py").read_text(encoding="utf-8")
    assert subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "src"], cwd=out, check=False).returncode == 0
    # Regenerating after a spec change leaves lib/ alone, even when a (tampered) manifest lists a file in it.
    manifest = out / ".generator-manifest"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "src/pets/lib/extras.py\n", encoding="utf-8")
    _write(spec, _spec(with_list=True))
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    assert main(["check", str(spec), "-o", str(out)]) == 0
    assert (lib / "extras.py").read_text(encoding="utf-8") == LIB_MODULE
    with imported_package(out / "src", "pets") as pets:
        client = pets.Pets(base_url=server.url, max_retries=0)
        assert client.health_url() == server.url + "/health"
        server.reply(Reply(200, {"id": "p7", "name": "Ada"}))
        assert client.pets.name_of("p7") == "Ada"
        assert server.received[-1].path == "/v1/pets/p7"
        assert not hasattr(pets.AsyncPets, "health_url")  # only the class named in the config
    config.write_text("package_name: pets\nmixins:\n  Nope: extras:PetsExtras\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["check", str(spec), "-o", str(out)]) == 2
    assert "'Nope' is not a class the generator writes; a mixin can be given to Pets, AsyncPets, PetsResource" in capsys.readouterr().err
    config.write_text("package_name: pets\nmixins:\n  PetsResource: extras:Pet\n", encoding="utf-8")  # Pet: a model too
    assert main(["generate", str(spec), "-o", str(out)]) == 0  # the model is imported under another name
    resource = (out / "src/pets/resources/pets.py").read_text(encoding="utf-8")
    assert "from ..lib.extras import Pet\n" in resource and "class PetsResource(Pet, SyncAPIResource):" in resource
    assert "from ..types.pet import Pet as SharedPet\n" in resource and "-> SharedPet:" in resource


OVERLAY = """\
overlay: 1.0.0
info: {title: Pet renames, version: "1"}
actions:
  - target: "$.paths[*][?@.operationId == 'patchPet']"
    description: our SDK calls it edit
    update:
      operationId: editPet
      summary: Edit a pet
  - target: "$.paths['/cats']"
    remove: true
"""


def test_overlay_renames_an_operation(
    tmp_path: Path, out: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    (tmp_path / "renames.yaml").write_text(OVERLAY, encoding="utf-8")
    (tmp_path / "pets.config.yaml").write_text("package_name: pets\noverlays: [renames.yaml]\n", encoding="utf-8")
    assert main(["generate", str(spec), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {tmp_path / 'renames.yaml'}:9 at /actions/1: action 1 (target \"$.paths['/cats']\") selects nothing" in err
    resource = (out / "src/pets/resources/pets.py").read_text(encoding="utf-8")
    assert "def edit_pet(" in resource and "patch_pet" not in resource and "Edit a pet" in resource
    assert "patchPet" in spec.read_text(encoding="utf-8")  # the spec itself is not changed
    with imported_package(out / "src", "pets") as pets:
        server.reply(Reply(200, {"id": "p1", "name": "Rex"}))
        assert pets.Pets(base_url=server.url, max_retries=0).pets.edit_pet("p1").id == "p1"
        assert (server.received[-1].method, server.received[-1].path) == ("PATCH", "/v1/pets/p1")

    assert main(["check", str(spec), "-o", str(out)]) == 0
    assert main(["check", str(spec), "-o", str(out), "--strict-overlays"]) == 2
    capsys.readouterr()
    assert main(["inspect", str(spec), "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["overlays"] == [{"file": str(tmp_path / "renames.yaml"), "title": "Pet renames", "version": "1",
                                     "actions": 2, "matched": 1}]  # fmt: skip
    assert [op["method"] for op in document["operations"]] == ["retrieve", "replace_pet", "edit_pet"]

    # check and diff see the spec through its overlays: changing the overlay is drift, and a change of the name.
    (tmp_path / "renames.yaml").write_text(OVERLAY.replace("editPet", "amendPet"), encoding="utf-8")
    assert main(["check", str(spec), "-o", str(out)]) == 1
    old = tmp_path / "old"
    old.mkdir()
    _write(old / "pets.yaml", _spec())
    (old / "renames.yaml").write_text(OVERLAY, encoding="utf-8")
    (old / "pets.config.yaml").write_text("package_name: pets\noverlays: [renames.yaml]\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["diff", str(old / "pets.yaml"), str(spec), "--json"]) == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert any("edit_pet" in json.dumps(c) and "amend_pet" in json.dumps(c) for c in changes), changes


@pytest.mark.parametrize(
    ("overlay", "expected"),
    [
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: '$.paths[?'\n    update: {}\n",
         "overlay.yaml:4 at /actions/0: action 0 (target '$.paths[?'): not a valid JSONPath expression (RFC 9535)"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info.title\n    update: {x: 1}\n",
         "overlay.yaml:4 at /actions/0: action 0 (target '$.info.title'): selects a str at /info/title"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.info\n    updates: {}\n",
         "overlay.yaml:5 at /actions/0/updates: action 0: unknown key 'updates'"),
        ("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n",
         "overlay.yaml:1 at /overlay: 'overlay' must be the Overlay Specification version, 1.0.x; got '2.0.0'"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $\n    remove: true\n",
         "overlay.yaml:4 at /actions/0: action 0 (target '$'): cannot remove the whole document"),
        ("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths.*.get\n    update: {summary: 7}\n",
         "(this value comes from overlay "),
    ],
)
def test_overlay_errors_name_the_file_action_and_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], overlay: str, expected: str
) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    (tmp_path / "overlay.yaml").write_text(overlay, encoding="utf-8")
    (tmp_path / "pets.config.yaml").write_text("overlays: [overlay.yaml]\n", encoding="utf-8")
    assert main(["validate", str(spec)]) == 2
    err = capsys.readouterr().err
    assert expected in err, err
    assert "Traceback" not in err


def test_overlay_config_and_strict_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    config = tmp_path / "pets.config.yaml"
    config.write_text("overlays: [missing.yaml]\n", encoding="utf-8")
    assert main(["validate", str(spec)]) == 2
    assert f"{config} at /overlays/0: overlay file not found: {tmp_path / 'missing.yaml'}" in capsys.readouterr().err
    (tmp_path / "o.yaml").write_text("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
                                     "  - target: $.paths['/nothing']\n    update: {summary: x}\n", encoding="utf-8")  # fmt: skip
    config.write_text("overlays: [o.yaml]\n", encoding="utf-8")
    assert main(["validate", str(spec)]) == 0
    assert "o.yaml:4 at /actions/0: action 0 (target \"$.paths['/nothing']\") selects nothing in pets.yaml; skipped" in capsys.readouterr().err
    assert main(["validate", str(spec), "--strict-overlays"]) == 2
    assert "selects nothing in pets.yaml (an error with --strict-overlays)" in capsys.readouterr().err


def test_an_overlay_ref_that_resolves_nowhere_names_the_overlay_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path / "pets.yaml", _spec())
    (tmp_path / "overlay.yaml").write_text("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n"
                                           "  - target: $.components.schemas.Pet.properties\n"
                                           "    update: {owner: {$ref: '#/components/schemas/Missing'}}\n",
                                           encoding="utf-8")  # fmt: skip
    (tmp_path / "pets.config.yaml").write_text("overlays: [overlay.yaml]\n", encoding="utf-8")
    assert main(["validate", str(spec)]) == 2
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, errors
    assert "at /components/schemas/Pet/properties/owner/$ref: $ref '#/components/schemas/Missing'" in errors[0]
    assert errors[0].endswith(f"(this value comes from overlay {tmp_path / 'overlay.yaml'}, action 0)")


def _small_address_space() -> None:  # in the child: 1 GiB of memory at most, so a blow-up fails fast
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1024**3, resource.getrlimit(resource.RLIMIT_AS)[1]))


def test_an_overlay_value_copied_into_many_nodes_is_refused_before_copying(tmp_path: Path) -> None:
    """A 30,000-node `update` selected into 200 nodes: six million copies, past the limit on the spec's nodes;
    refused before one is made (it took a minute and a GB before)."""
    paths = {f"/p{i}": {"get": {"description": "d", "responses": {"200": {"description": "ok"}}}} for i in range(100)}
    spec = _write(tmp_path / "big.yaml", spec_document({"paths": paths}, title="Big", server=None))
    value = {f"k{i}": {"type": "string", "description": "v"} for i in range(10_000)}
    overlay = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"},
               "actions": [{"target": "$..[?@.description]", "update": {"x-big": value}}]}  # fmt: skip
    (tmp_path / "overlay.json").write_text(json.dumps(overlay), encoding="utf-8")
    (tmp_path / "big.config.yaml").write_text("overlays: [overlay.json]\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "validate", str(spec)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, preexec_fn=_small_address_space, check=False)  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert ("at /actions/0: action 0 (target '$..[?@.description]'): copying 'update' into the 200 nodes it selects "
            "would add 6,000,400 nodes") in done.stderr  # fmt: skip


# --- the patch format and its applier -------------------------------------------------------------


def test_patch_round_trip_edge_cases() -> None:
    old = "a\nb\nc\n"
    for new in ["a\nb\nc", "a\r\nb\nc\n", "", "x\n", "a\nb\nc\nd\n", "\n", "a\u2028b\nc\n"]:
        patch = make_patch("f.py", old, new)
        assert apply_hunks(old, parse_patch(patch, "p", "f.py"), "p", "f.py") == new
    assert make_patch("f.py", old, old) == ""
    # A hunk applies where its lines moved to, nearest first; a hunk whose lines are gone is named.
    base = "".join(f"line {i}\n" for i in range(40))
    edited = base.replace("line 20\n", "line 20 edited\n")
    hunks = parse_patch(make_patch("f.py", base, edited), "p", "f.py")
    moved = "new 1\nnew 2\n" + base
    assert apply_hunks(moved, hunks, "p", "f.py") == "new 1\nnew 2\n" + edited
    with pytest.raises(GeneratorError, match=r"p:3: hunk 1 of 1 \(@@ -18,7 \+18,7 @@\) no longer applies to f.py: "
                                             r"the line 'line 20' is no longer there"):  # fmt: skip
        apply_hunks(base.replace("line 20\n", "line twenty\n"), hunks, "p", "f.py")
    # Context lines whose leading space an editor stripped still count.
    patch = make_patch("f.py", "a\n\nb\n", "a\n\nB\n").replace("\n \n", "\n\n")
    assert apply_hunks("a\n\nb\n", parse_patch(patch, "p", "f.py"), "p", "f.py") == "a\n\nB\n"
    for broken, message in [("--- a/g.py\n+++ b/g.py\n", "must start with"), ("--- a/f.py\n+++ b/f.py\n@@ -1 +1 @@\n", "ends early"),
                            ("--- a/f.py\n+++ b/f.py\nhello\n", "expected a hunk header")]:  # fmt: skip
        with pytest.raises(GeneratorError, match=message):
            parse_patch(broken, "p", "f.py")


def test_a_hunk_header_far_past_the_end_is_searched_within_the_file() -> None:
    """A patch from a pull request must not hang CI: the search is bounded by the file, not by the header."""
    base = "".join(f"line {n}\n" for n in range(1, 30))
    hunk = "@@ -999999999,1 +999999999,2 @@\n line 20\n+added\n"
    with within_seconds(60):  # before: a loop over 10^9 candidates (minutes)
        applied = apply_hunks(base, parse_patch("--- a/f.py\n+++ b/f.py\n" + hunk, "p", "f.py"), "p", "f.py")
        assert applied == base.replace("line 20\n", "line 20\nadded\n")
        with pytest.raises(GeneratorError, match="hunk 1 of 1"):
            missing = "@@ -999999999,1 +999999999,2 @@\n line 99\n+added\n"
            apply_hunks(base, parse_patch("--- a/f.py\n+++ b/f.py\n" + missing, "p", "f.py"), "p", "f.py")


@given(st.lists(st.sampled_from(["x\n", "y\n", "def f():\n", "    pass\n", "\n", "z"]), max_size=30), st.randoms())
def test_patch_of_any_edit_reproduces_it(lines: list[str], rnd: random.Random) -> None:
    old = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    new_lines = old.splitlines(keepends=True)
    for _ in range(rnd.randint(0, 4)):
        position = rnd.randint(0, len(new_lines))
        if new_lines and rnd.random() < 0.5:
            del new_lines[min(position, len(new_lines) - 1)]
        else:
            new_lines.insert(position, rnd.choice(["added\n", "also\n", "x\n", "end"]))
    new = "".join(new_lines)
    patch = make_patch("t.py", old, new)
    assert (patch == "") == (old == new)
    assert apply_hunks(old, parse_patch(patch, "p", "t.py") if patch else [], "p", "t.py") == new
