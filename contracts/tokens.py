"""Access tokens: the platform's auth header, bearer parsing and token ids; never the token kept."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

TOKEN_ID_LENGTH = 16
MAX_TOKEN_CHARS = 512
_VALID_TOKEN = re.compile(r"[\x21-\x7e]+")  # visible ASCII, as RFC 6750's b64token roughly is


def _bytes(text: str | bytes) -> bytes:
    if isinstance(text, bytes):
        return text
    try:  # header values mitmproxy decoded with surrogateescape go back to their bytes
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate (a JSON capture): hash it all the same
        return text.encode("utf-8", "surrogatepass")


def token_id(token: str | bytes) -> str:
    """A token's id: the first 16 hex digits of its SHA-256; the token itself is never stored."""
    return hashlib.sha256(_bytes(token)).hexdigest()[:TOKEN_ID_LENGTH]


def bearer_token(headers: Mapping[str, str], header: str) -> str | None:
    """The token of ``<header>: bearer X`` (any case of ``bearer``), or a bare token; else None.

    ``header`` is the platform's own (its pack's ``auth_header``, ``Authentication`` for seed 004);
    ``Authorization`` carries the operator's admin token and never names an app.
    """
    value = headers.get(header.lower())
    if not value:
        return None
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() == "bearer":
        return token.strip() or None
    return scheme if scheme and not token else None


def is_valid_token(token: str) -> bool:
    """Visible ASCII and bounded; anything else is no platform token (the call is unidentified)."""
    return len(token) <= MAX_TOKEN_CHARS and _VALID_TOKEN.fullmatch(token) is not None
