"""Changes to the client as a whole: its servers and its security schemes."""

from __future__ import annotations

from generator.diff.changes import Level
from generator.diff.comparison import Comparison, in_new, in_old

_SCHEME_KEYS = ("type", "scheme", "in", "name", "bearerFormat")


def compare_servers(c: Comparison) -> None:
    old_urls = [s.url for s in c.old.document.servers]
    new_urls = [s.url for s in c.new.document.servers]
    old_at = c.old.document.location.child("servers")
    new_at = c.new.document.location.child("servers")
    if old_urls[:1] != new_urls[:1]:
        before = old_urls[0] if old_urls else "(none)"
        after = new_urls[0] if new_urls else "(none)"
        c.add(
            Level.BREAKING, "client", f"default base URL changed {before} -> {after}", "server-changed", in_new(new_at)
        )
    for url in old_urls[1:]:
        if url not in new_urls:
            c.add(Level.BREAKING, "client", f"server {url} removed", "server-removed", in_old(old_at))
    for url in new_urls[1:]:
        if url not in old_urls:
            c.add(Level.MINOR, "client", f"server {url} added", "server-added", in_new(new_at))


def compare_security_schemes(c: Comparison) -> None:
    new_schemes = c.new.document.components.security_schemes
    for name, old_scheme in c.old.document.components.security_schemes.items():
        new_scheme = new_schemes.get(name)
        if new_scheme is None:
            continue  # reported where operations stop using it
        before = (old_scheme.type, old_scheme.scheme, old_scheme.in_, old_scheme.name, old_scheme.bearer_format)
        after = (new_scheme.type, new_scheme.scheme, new_scheme.in_, new_scheme.name, new_scheme.bearer_format)
        if before != after:
            changed = ", ".join(
                f"{key} {was} -> {now}" for key, was, now in zip(_SCHEME_KEYS, before, after, strict=True) if was != now
            )
            c.add(
                Level.BREAKING,
                "client",
                f"security scheme `{name}` changed: {changed}",
                "security-scheme-changed",
                in_new(new_scheme.location),
            )
