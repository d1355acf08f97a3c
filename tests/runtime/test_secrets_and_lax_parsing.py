"""What a generated client never shows and never loses: credentials sent in the query stay out of every repr;
a response that fails validation (with validation off) is still built as far as it fits; raw bodies take
what file parts take; a tuple of strings in a multipart form is a list; a required header given None is
refused before anything is sent. End to end against a local server.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import Generated, GeneratePackage, LocalServer, Reply
from tests.support.documents import shared_spec

SPEC = shared_spec("query_credentials_lax_parsing_raw_bodies.yaml")

KEY = "QSECRET-9f2"


@pytest.fixture(scope="module")
def generated(generate_package: GeneratePackage) -> Iterator[Generated]:
    with generate_package(SPEC, package="vault") as generated:
        yield generated


@pytest.fixture(scope="module")
def project(generated: Generated) -> Path:
    return generated.project


@pytest.fixture(scope="module")
def vault(generated: Generated) -> ModuleType:
    return generated.package


def client(vault: ModuleType, server: LocalServer, **options: Any) -> Any:
    return vault.Vault(base_url=server.url, api_key=KEY, max_retries=0, **options)


ITEM = {"id": "i1", "createdAt": "2024-05-01T10:00:00Z"}


# --- a credential sent in the query ------------------------------------------------------------


def test_query_credential_is_sent_but_never_shown(vault: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, ITEM), Reply(404, {"error": "gone"}), Reply(200, {"id": 1}))
    api = client(vault, server)
    raw = api.items.with_raw_response.retrieve("i1")
    with pytest.raises(vault.NotFoundError) as not_found:
        api.items.retrieve("i2")
    with pytest.raises(vault.APIResponseValidationError) as invalid:
        api.items.retrieve("i3")
    assert all(f"api_key={KEY}" in received.path for received in server.received)  # still sent
    shown = [repr(raw), repr(raw.http_request), repr(raw.http_response.request)]
    for error in (not_found.value, invalid.value):
        shown += [repr(error), str(error), repr(error.request), repr(error.response), repr(error.response.request)]
    assert not [text for text in shown if KEY in text]
    assert "api_key=hidden" in repr(raw) and "api_key=hidden" in repr(not_found.value.request)
    assert raw.url.params["api_key"] == KEY  # the httpx objects keep the real URL: it is what was sent


def test_query_credential_hidden_in_connection_errors_and_async(vault: ModuleType, server: LocalServer) -> None:
    with pytest.raises(vault.APIConnectionError) as refused:
        vault.Vault(base_url="http://127.0.0.1:1/v1", api_key=KEY, max_retries=0).items.retrieve("i1")
    assert KEY not in repr(refused.value.request) and KEY not in str(refused.value)

    async def main() -> str:
        async with vault.AsyncVault(base_url=server.url, api_key=KEY, max_retries=0) as api:
            return repr(await api.items.with_raw_response.retrieve("i1"))

    server.reply(Reply(200, ITEM))
    shown = asyncio.run(main())
    assert KEY not in shown and "api_key=hidden" in shown


def test_readme_says_what_reprs_hide_and_what_raw_bodies_take(project: Path) -> None:
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "`api_key`, sent in the query, is also hidden (its value shows as `hidden`)" in readme
    assert "Where a body is raw bytes" in readme


# --- validation off keeps everything it can ----------------------------------------------------

BAD_ITEM = {
    "id": "i1",
    "createdAt": "not a date",
    "extraField": {"kept": True},
    "customer": {"fullName": "Ann", "since": "2024-01-02", "vip": 1},
    "lines": [{"amount": 1.5, "at": "2024-01-01T00:00:00Z"}, {"amount": "lots"}],
    "byName": {"ann": {"fullName": "Ann", "since": "never"}},
    "pet": {"kind": "dog", "born": "2020-02-03", "bark": 1},
}


def test_validation_off_builds_what_fits_and_keeps_the_rest(vault: ModuleType, server: LocalServer) -> None:
    from vault.types import Customer, Dog, Line

    server.reply(Reply(200, BAD_ITEM, {"x-request-id": "req_1"}))
    item = client(vault, server, strict_response_validation=False).items.retrieve("i1")
    assert item.created_at == "not a date"  # invalid: as received
    assert item.model_extra == {"extraField": {"kept": True}}
    assert type(item.customer) is Customer and item.customer.since == date(2024, 1, 2)
    assert item.customer.model_extra == {"vip": 1}
    assert [type(line) for line in item.lines] == [Line, Line]
    assert item.lines[0].at == datetime(2024, 1, 1, tzinfo=UTC) and item.lines[1].amount == "lots"
    assert type(item.by_name["ann"]) is Customer and item.by_name["ann"].since == "never"
    assert type(item.pet) is Dog and item.pet.born == date(2020, 2, 3) and item.pet.bark == 1
    assert item._request_id == "req_1"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic's serialization warnings would fail the test
        dumped = item.to_dict()
        item.to_json()
        item.customer.to_dict(mode="json")
    assert dumped["createdAt"] == "not a date" and dumped["extraField"] == {"kept": True}
    assert dumped["customer"] == {"fullName": "Ann", "since": date(2024, 1, 2), "vip": 1}


def test_validation_off_list_of_models_and_unknown_tag(vault: ModuleType, server: LocalServer) -> None:
    from vault.types import Item

    server.reply(Reply(200, [ITEM, {**ITEM, "count": "many", "pet": {"kind": "fish", "lives": 3}}]))
    good, bad = client(vault, server, strict_response_validation=False).items.list(x_account="a")
    assert type(good) is Item and good.created_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert type(bad) is Item and bad.count == "many"
    assert type(bad.pet).__name__ == "Cat" and bad.pet.lives == 3  # no member has the tag: the closest fit


def test_a_number_where_a_tagged_union_belongs_is_a_validation_error(vault: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(200, {**ITEM, "pet": 5}), Reply(200, {**ITEM, "pet": 5}))
    with pytest.raises(vault.APIResponseValidationError, match="pet"):
        client(vault, server).items.retrieve("i1")
    assert client(vault, server, strict_response_validation=False).items.retrieve("i1").pet == 5


# --- raw bodies and multipart tuples ----------------------------------------------------------


def test_raw_body_takes_what_a_file_part_takes(vault: ModuleType, server: LocalServer, tmp_path: Path) -> None:
    path = tmp_path / "blob.bin"
    path.write_bytes(b"PATH")
    api = client(vault, server)
    server.reply(*[Reply(204) for _ in range(7)])
    with path.open("rb") as handle:
        for body in (("n.png", b"TUP", "image/png"), ("n.bin", b"TWO"), b"BYTES", "text", path, handle,
                     ("n.png", io.BytesIO(b"OBJ"), None)):  # fmt: skip
            api.blobs.update("b1", body=body)
    sent = [(received.headers["Content-Type"], received.body) for received in server.received]
    octets = "application/octet-stream"
    assert sent == [("image/png", b"TUP"), (octets, b"TWO"), (octets, b"BYTES"), (octets, b"text"),
                    (octets, b"PATH"), (octets, b"PATH"), (octets, b"OBJ")]  # fmt: skip


def test_a_tuple_of_strings_in_a_multipart_list_is_a_list(vault: ModuleType, server: LocalServer) -> None:
    server.reply(Reply(204), Reply(204))
    api = client(vault, server)
    api.uploads.create(file=b"abc", tags=("a", "b"))
    api.uploads.create(file=("f.txt", b"abc"), tags=["c"])
    values, named = server.received
    assert b'name="tags"\r\n\r\na\r\n' in values.body and b'name="tags"\r\n\r\nb\r\n' in values.body
    assert b'filename="a"' not in values.body
    assert b'name="file"; filename="f.txt"' in named.body and b'name="tags"\r\n\r\nc\r\n' in named.body


def test_type_checkers_accept_files_and_paths_as_raw_bodies(project: Path) -> None:
    user_code = project / "src" / "user_code.py"
    user_code.write_text(
        "from pathlib import Path\n\nfrom vault import Vault\n\n"
        "client = Vault(api_key='k')\n"
        "with open('x', 'rb') as handle:\n"
        "    client.blobs.update('b', body=handle)\n"
        "client.blobs.update('b', body=Path('x'))\n"
        "client.blobs.update('b', body=('x.png', b'1', 'image/png'))\n"
        "client.blobs.update('b', body=1)\n",
        encoding="utf-8",
    )
    try:
        done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "src/user_code.py"],
                              cwd=project, capture_output=True, text=True, check=False)  # fmt: skip
    finally:
        user_code.unlink()
    errors = [line for line in done.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and "user_code.py:10:" in errors[0], done.stdout


# --- None where the schema forbids null ----------------------------------------------------------


def test_required_header_given_none_is_refused_before_sending(vault: ModuleType, server: LocalServer) -> None:
    api = client(vault, server)
    with pytest.raises(TypeError, match="'X-Account' is required"):
        api.items.list(x_account=None)
    assert server.received == []
    server.reply(Reply(200, []), Reply(200, []))
    api.items.list(x_account=None, extra_headers={"x-account": "from-extra"})  # given another way: sent
    api.items.list(x_account="a", x_trace=None, status=None)  # optional: None leaves them out
    via_extra, plain = server.received
    assert via_extra.headers["x-account"] == "from-extra"
    assert "X-Trace" not in plain.headers and "status=" not in plain.path
