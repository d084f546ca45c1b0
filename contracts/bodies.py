"""Bodies read with a bound: streamed decompression with an output cap, then JSON, never raising."""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable
from typing import Any

import brotli
from backports import zstd

DEFAULT_MAX_PARSE_BYTES = 1 << 20
_CHUNK = 16 * 1024


class _Capped(Exception):
    """The decompressed body grew past the cap."""


def _zlib(wbits: int) -> Callable[[bytes, int], bytes]:
    def run(raw: bytes, cap: int) -> bytes:
        d = zlib.decompressobj(wbits)
        out = bytearray()
        data = raw
        while data:
            out += d.decompress(data, cap + 1 - len(out))
            if len(out) > cap:
                raise _Capped
            data = d.unconsumed_tail
            if d.eof:
                break
        if not d.eof:
            raise zlib.error("truncated stream")
        return bytes(out)

    return run


def _brotli(raw: bytes, cap: int) -> bytes:
    d = brotli.Decompressor()
    out = bytearray()
    for start in range(0, len(raw), _CHUNK):
        out += d.process(raw[start : start + _CHUNK], output_buffer_limit=cap + 1 - len(out))
        while len(out) <= cap and not d.can_accept_more_data() and not d.is_finished():
            out += d.process(b"", output_buffer_limit=cap + 1 - len(out))
        if len(out) > cap:
            raise _Capped
    if not d.is_finished():
        raise brotli.error("truncated stream")
    return bytes(out)


def _zstd(raw: bytes, cap: int) -> bytes:
    d = zstd.ZstdDecompressor()
    out = d.decompress(raw, max_length=cap + 1)
    if len(out) > cap:
        raise _Capped
    if not d.eof:
        raise zstd.ZstdError("truncated stream")
    return out


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _zlib(16 + zlib.MAX_WBITS),
    "x-gzip": _zlib(16 + zlib.MAX_WBITS),
    "deflate": _zlib(zlib.MAX_WBITS),
    "br": _brotli,
    "zstd": _zstd,
    "identity": lambda raw, cap: raw,
}


def decoded(raw: bytes, content_encoding: str | bytes | None, cap: int) -> bytes | None:
    """``raw`` decoded per ``Content-Encoding``; None when unknown, broken or larger than ``cap``.

    Decompression is streamed and stops at ``cap`` bytes of output, so a small bomb costs little.
    """
    if len(raw) > cap:
        return None
    if isinstance(content_encoding, bytes):
        content_encoding = content_encoding.decode("latin-1")
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    data = raw
    try:
        for coding in reversed(codings):  # the last coding applied is undone first
            decoder = _DECODERS.get(coding)
            if decoder is None:
                return None
            data = decoder(data, cap)
    except (_Capped, zlib.error, brotli.error, zstd.ZstdError, ValueError, MemoryError):
        return None
    return data


NOT_JSON = object()


def json_body(content: bytes | None, content_type: str | None = None) -> Any:
    """The parsed JSON of an already bounded body, or ``NOT_JSON``; never raises on garbage."""
    if not content:
        return NOT_JSON
    if content_type and "json" not in content_type.lower():
        return NOT_JSON
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return NOT_JSON
