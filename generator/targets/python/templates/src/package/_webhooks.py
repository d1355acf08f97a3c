"""Checking the signature of a webhook request: Standard Webhooks, or an HMAC of the body in one header.

Standard Webhooks (https://www.standardwebhooks.com): the sender signs `<webhook-id>.<webhook-timestamp>.<body>`
with HMAC-SHA256, keyed with the base64 secret after its `whsec_` prefix, and sends `v1,<base64 signature>`
in `webhook-signature`, several space-separated while a secret is being rotated. A timestamp more than
five minutes from now, in either direction, is refused, so a captured request cannot be replayed later.
Signatures are compared in constant time.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import time
from collections.abc import Mapping

from ._exceptions import WebhookVerificationError

__all__ = ["TOLERANCE", "body_bytes", "verify_hmac", "verify_standard"]

TOLERANCE = 5 * 60  # seconds a Standard Webhooks timestamp may be off, either way
_SECRET_PREFIX = "whsec_"


def body_bytes(body: str | bytes | bytearray) -> bytes:
    """The raw body as sent (text is encoded as UTF-8): verify the body exactly as it arrived, never re-serialized JSON."""
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


def _header(headers: Mapping[str, str], name: str) -> str:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    raise WebhookVerificationError(f"The webhook request has no {name} header")


def verify_standard(
    body: str | bytes | bytearray,
    headers: Mapping[str, str],
    secret: str,
    *,
    now: float | None = None,
) -> None:
    """Raise WebhookVerificationError unless one of the request's signatures is the secret's (Standard Webhooks)."""
    try:
        key = base64.b64decode(secret.removeprefix(_SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(
            f"The webhook secret is not a Standard Webhooks secret ({_SECRET_PREFIX}<base64>)"
        ) from None
    message_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError:
        raise WebhookVerificationError(
            "The webhook-timestamp header is not a Unix time in seconds"
        ) from None
    current = time.time() if now is None else now
    if sent_at < current - TOLERANCE:
        raise WebhookVerificationError(
            "The webhook timestamp is too old: the request may be a replay"
        )
    if sent_at > current + TOLERANCE:
        raise WebhookVerificationError("The webhook timestamp is in the future")
    signed = f"{message_id}.{sent_at}.".encode() + body_bytes(body)
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest())
    found = False
    for entry in signatures.split():
        version, _, signature = entry.partition(",")
        # Every signature is compared, so the time taken does not tell which one matched.
        found |= version == "v1" and hmac.compare_digest(expected, signature.encode())
    if not found:
        raise WebhookVerificationError("No signature of the webhook request matches the secret")


def verify_hmac(
    body: str | bytes | bytearray,
    headers: Mapping[str, str],
    secret: str,
    *,
    header: str,
    algorithm: str,
    encoding: str,
    prefix: str,
) -> None:
    """Raise WebhookVerificationError unless `header` holds `prefix` + the HMAC of the body, keyed with the secret."""
    sent = _header(headers, header.lower()).strip()
    if not sent.startswith(prefix):
        raise WebhookVerificationError(f"The {header} header does not start with {prefix!r}")
    digest = hmac.new(
        secret.encode("utf-8"), body_bytes(body), getattr(hashlib, algorithm)
    ).digest()
    expected = digest.hex() if encoding == "hex" else base64.b64encode(digest).decode()
    given = sent[len(prefix) :].lower() if encoding == "hex" else sent[len(prefix) :]
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise WebhookVerificationError(f"The {header} signature does not match the secret")
