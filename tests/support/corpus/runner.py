"""Calls every planned operation of ONE generated client; run as its own process, one per spec.

    python tests/support/corpus/runner.py PLAN.json RESULTS.jsonl

Generated packages of different specs may share a package name, so each spec gets a fresh interpreter.
This file imports nothing from the repository: only the standard library, httpx and the generated
package. Each result is one JSON line, written as soon as the call returns, so a crash or a timeout
of the whole run still leaves every earlier result.
"""

from __future__ import annotations

import base64
import datetime as dt
import importlib
import inspect
import json
import signal
import sys
import time
import traceback
from typing import Any

TAG = "$corpus"
CALL_ALARM_SECONDS = 90  # a hard stop per call, beyond the client's own timeout


class CallTimeout(Exception):
    pass


def decode(value: Any, annotation: str) -> Any:
    """Tagged plan values -> Python objects; dates become date/datetime where the parameter is typed so."""
    if isinstance(value, dict):
        tag = value.get(TAG)
        if tag == "bytes":
            return value["text"].encode()
        if tag == "file":
            return (value["filename"], value["text"].encode(), value["content_type"])
        if tag == "base64":
            return base64.b64decode(value["data"])
        return {k: decode(v, "") for k, v in value.items()}
    if isinstance(value, list):
        inner = annotation[5:-1] if annotation.startswith("list[") and annotation.endswith("]") else ""
        return [decode(v, inner) for v in value]
    if isinstance(value, str):
        base = annotation.replace(" | None", "").strip()
        try:
            if base == "datetime":
                return dt.datetime.fromisoformat(value)  # Python 3.11 reads a trailing Z
            if base == "date":
                return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def first_line(text: str, limit: int = 300) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


def prism_reason(response: Any) -> str:
    """Why Prism refused: its violations header, else the problem document's title/detail, else the body."""
    violations = response.headers.get("sl-violations")
    if violations:
        try:
            items = json.loads(violations)
            parts = []
            for item in items[:3]:
                where = ".".join(str(p) for p in item.get("location", []))
                parts.append(f"{where}: {item.get('message')}")
            more = f" (+{len(items) - 3} more)" if len(items) > 3 else ""
            return "; ".join(parts) + more
        except (ValueError, AttributeError, TypeError):
            return first_line(violations)
    try:
        body = response.json()
    except ValueError:
        return first_line(response.text)
    if isinstance(body, dict) and ("title" in body or "detail" in body):
        text = str(body.get("title") or "")
        if body.get("detail"):
            text += f": {body['detail']}"
        if isinstance(body.get("validation"), list) and body["validation"]:
            text += " | " + "; ".join(
                f"{'.'.join(str(p) for p in v.get('location', []))}: {v.get('message')}" for v in body["validation"][:3]
            )
        return first_line(text)
    return first_line(json.dumps(body))


def main() -> int:
    plan_path, results_path = sys.argv[1], sys.argv[2]
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    sys.path.insert(0, plan["src"])
    out = open(results_path, "a", encoding="utf-8")  # noqa: SIM115

    def emit(record: dict[str, Any]) -> None:
        out.write(json.dumps(record, default=str) + "\n")
        out.flush()

    try:
        package = importlib.import_module(plan["package"])
        client_class = getattr(package, plan["client_class"])
        options: dict[str, Any] = {"base_url": plan["base_url"], "max_retries": 0, "timeout": plan["timeout"]}
        if "strict_response_validation" in inspect.signature(client_class).parameters:
            options["strict_response_validation"] = True  # a parse failure must show, whatever the default
        client = client_class(**options, **plan["credentials"])
    except Exception as exc:  # noqa: BLE001
        emit({"fatal": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-2000:]})
        return 1
    status_error = package.APIStatusError
    validation_error = package.APIResponseValidationError

    def on_alarm(signum: int, frame: Any) -> None:
        raise CallTimeout(f"no result after {CALL_ALARM_SECONDS} s")

    signal.signal(signal.SIGALRM, on_alarm)
    for call in plan["calls"]:
        record: dict[str, Any] = {"key": call["key"]}
        started = time.monotonic()
        signal.alarm(CALL_ALARM_SECONDS)
        try:
            target = client
            for attribute in call["resource"]:
                target = getattr(target, attribute)
            method = getattr(target, call["method"])
            kwargs = {name: decode(value, call["types"].get(name, "")) for name, value in call["kwargs"].items()}
            result = method(**kwargs)
            record.update(outcome="accepted_parsed", result_type=type(result).__name__)
        except CallTimeout as exc:
            record.update(outcome="client_error", error_type="Timeout", detail=str(exc))
        except validation_error as exc:
            body = exc.response.text
            record.update(
                outcome="parse_failed",
                status=exc.status_code,
                detail=first_line(str(exc), 500),
                content_type=exc.response.headers.get("content-type"),
                body=body[:200_000],
            )
        except status_error as exc:
            # 4xx: Prism refused the request; 5xx: Prism failed; anything else (a documented 3xx "success"
            # the client does not accept) is the client's doing
            code = exc.status_code
            outcome = "server_error" if code >= 500 else "rejected" if code >= 400 else "client_error"
            record.update(
                outcome=outcome,
                error_type=f"{type(exc).__name__} {code}",
                status=exc.status_code,
                detail=prism_reason(exc.response),
                url=str(exc.request.url)[:500],
            )
        except Exception as exc:  # noqa: BLE001 - the category under test: anything else the client raised
            tb = traceback.extract_tb(exc.__traceback__)
            inside = [f for f in tb if f.filename.startswith(plan["src"])] or list(tb)
            where = f"{inside[-1].filename.removeprefix(plan['src']).lstrip('/')}:{inside[-1].lineno}" if inside else ""
            detail = first_line(str(exc), 500)
            cause = exc.__cause__
            if cause is not None and type(exc).__name__ == "APIConnectionError":  # what httpx saw: the evidence
                detail += f" ({type(cause).__name__}: {first_line(str(cause), 300)})"
            record.update(outcome="client_error", error_type=type(exc).__name__, detail=detail, where=where)
        finally:
            signal.alarm(0)
        record["seconds"] = round(time.monotonic() - started, 3)
        emit(record)
    client.close()
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
