"""Runs code samples of ONE generated client, each verbatim, in one process: one per spec.

    python tests/support/corpus/sample_runner.py PLAN.json RESULTS.jsonl

The plan names the generated package's source folder, the environment the samples read (the base URL
pointing at Prism, a dummy value for every credential) and the samples. Each sample's source is compiled and
executed as it is, as its own `__main__` module with a fresh namespace, its output captured. Like runner.py,
this file imports only the standard library, the generated package and runner.py, and writes one JSON line per sample
as soon as it has run.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import signal
import sys
import time
import traceback
from typing import Any

from runner import prism_reason  # type: ignore[import-not-found]  # beside this file (first on sys.path)

SAMPLE_ALARM_SECONDS = 120  # a hard stop per sample, beyond the client's own timeout and retries


class SampleTimeout(Exception):
    pass


def first_line(text: str, limit: int = 300) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""


def share_default_ssl_context() -> None:
    """Every sample builds its own client, and httpx builds a fresh TLS context for each (loading the CA bundle:
    most of a sample's time against a local Prism, which speaks plain HTTP). The default context is built once
    and shared instead; the samples' source is untouched."""
    try:
        import httpx._transports.default as transports
    except ImportError:  # another httpx layout: samples just take longer
        return
    build = getattr(transports, "create_ssl_context")  # noqa: B009 - not among the module's exports
    shared: list[Any] = []

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> Any:
        if verify is not True or cert is not None:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        if not shared:
            shared.append(build(verify=verify, cert=cert, trust_env=trust_env))
        return shared[0]

    setattr(transports, "create_ssl_context", create_ssl_context)  # noqa: B010


def main() -> int:
    plan_path, results_path = sys.argv[1], sys.argv[2]
    with open(plan_path, encoding="utf-8") as f:
        plan = json.load(f)
    sys.path.insert(0, plan["src"])
    os.environ.update(plan["env"])
    share_default_ssl_context()
    out = open(results_path, "a", encoding="utf-8")  # noqa: SIM115

    def emit(record: dict[str, Any]) -> None:
        out.write(json.dumps(record, default=str) + "\n")
        out.flush()

    try:
        package = importlib.import_module(plan["package"])
    except Exception as exc:  # noqa: BLE001
        emit({"fatal": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()[-2000:]})
        return 1

    def on_alarm(signum: int, frame: Any) -> None:
        raise SampleTimeout(f"no result after {SAMPLE_ALARM_SECONDS} s")

    signal.signal(signal.SIGALRM, on_alarm)
    for sample in plan["samples"]:
        record: dict[str, Any] = {"key": sample["key"], "label": sample["label"]}
        printed = io.StringIO()
        started = time.monotonic()
        signal.alarm(SAMPLE_ALARM_SECONDS)
        try:
            code = compile(sample["source"], f"<sample {sample['key']} ({sample['label']})>", "exec")
            with contextlib.redirect_stdout(printed):
                exec(code, {"__name__": "__main__", "__builtins__": __builtins__})  # noqa: S102 - the sample, verbatim
            record["outcome"] = "ran"
        except SampleTimeout as exc:
            record.update(outcome="client_error", error_type="Timeout", detail=str(exc))
        except package.APIResponseValidationError as exc:
            record.update(
                outcome="parse_failed",
                status=exc.status_code,
                detail=first_line(str(exc), 500),
                content_type=exc.response.headers.get("content-type"),
                body=exc.response.text[:200_000],
            )
        except package.APIStatusError as exc:
            code_ = exc.status_code
            outcome = "server_error" if code_ >= 500 else "rejected" if code_ >= 400 else "client_error"
            record.update(outcome=outcome, error_type=f"{type(exc).__name__} {code_}", status=code_,
                          detail=prism_reason(exc.response), url=str(exc.request.url)[:500])  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - anything else the sample raised
            record.update(outcome="client_error", error_type=type(exc).__name__, detail=first_line(str(exc), 500))
            # raised only by get_next_page(): the first page was fetched, parsed and its items printed
            record["pagination_stop"] = type(exc).__name__ == "PaginationError" and any(
                text in str(exc) for text in ("the same next page twice", "the same items again", "next page is on another host")
            )
            record["traceback"] = traceback.format_exc()[-1500:]
        finally:
            signal.alarm(0)
        record["printed"] = printed.getvalue()[:2000]
        record["seconds"] = round(time.monotonic() - started, 3)
        emit(record)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
