"""Read captured traffic (HAR or mitmproxy flows) into exchanges, one clear error per bad entry.

A file that cannot be read at all raises ``MalformedCaptureError``; an entry that is malformed
becomes a ``BadEntry`` naming its index and reason (``entries[3].request.url: missing``), so the
importer can refuse the file whole or skip just those entries. Nothing here raises on garbage.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from miready.certifier.errors import UsageError
from miready.contracts.bodies import DEFAULT_MAX_PARSE_BYTES, decoded
from miready.contracts.instants import check_range, parse_iso
from miready.contracts.observe import Exchange

_METHOD = re.compile(r"[A-Za-z]{1,16}")
MIN_STATUS, MAX_STATUS = 100, 599


class MalformedCaptureError(UsageError):
    """A HAR or flow file cannot be read; the message names the file and the entry."""


class BadEntryError(ValueError):
    """One entry of a capture is malformed; the message starts with where it is."""


@dataclass(frozen=True, slots=True)
class BadEntry:
    where: str  # "entries[3]" or "flows[3]"
    reason: str  # "entries[3].request.url: missing"


@dataclass(slots=True)
class Capture:
    """What a capture file holds: its good exchanges, its bad entries, its non-HTTP flows."""

    exchanges: list[tuple[str, Exchange]] = field(default_factory=list)
    bad: list[BadEntry] = field(default_factory=list)
    not_http: int = 0


def read_capture(path: Path, max_body_bytes: int = DEFAULT_MAX_PARSE_BYTES) -> Capture:
    """Every entry of a ``.har`` or ``.flow`` file (sniffed when the suffix says neither)."""
    try:
        with path.open("rb") as f:
            head = f.read(64).lstrip()
    except OSError as e:
        raise MalformedCaptureError(f"cannot read {path}: {e.strerror or e}") from e
    suffix = path.suffix.lower()
    if suffix == ".har" or (suffix != ".flow" and head[:1] == b"{"):
        return read_har(path, max_body_bytes)
    return read_flows(path, max_body_bytes)


# -- HAR -----------------------------------------------------------------------------------------


def read_har(path: Path, max_body_bytes: int) -> Capture:
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except RecursionError:
        raise MalformedCaptureError(
            f"{path}: not a HAR file (JSON): nested too deeply to read"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise MalformedCaptureError(f"{path}: not a HAR file (JSON): {e}") from None
    try:
        log = _get(doc, "log", dict, "")
        entries = _get(log, "entries", list, "log")
    except BadEntryError as e:
        raise MalformedCaptureError(f"{path}: {e}") from None
    capture = Capture()
    for i, entry in enumerate(entries):
        where = f"entries[{i}]"
        try:
            capture.exchanges.append((where, _har_entry(entry, where, max_body_bytes)))
        except BadEntryError as e:
            capture.bad.append(BadEntry(where, str(e)))
    return capture


def _har_entry(entry: Any, where: str, max_body_bytes: int) -> Exchange:
    if not isinstance(entry, dict):
        raise BadEntryError(f"{where}: expected an object")
    started = _get(entry, "startedDateTime", str, where)
    try:
        at = parse_iso(started)
    except ValueError as e:
        raise BadEntryError(f"{where}.startedDateTime: {e}") from None
    request = _get(entry, "request", dict, where)
    method = _method(_get(request, "method", str, f"{where}.request"), f"{where}.request.method")
    url = _url(_get(request, "url", str, f"{where}.request"), f"{where}.request.url")
    headers = _har_headers(request.get("headers", []), f"{where}.request.headers")
    content = None
    post = request.get("postData")
    if post is not None:
        if not isinstance(post, dict):
            raise BadEntryError(f"{where}.request.postData: expected an object")
        text = post.get("text")
        if text is not None and not isinstance(text, str):
            raise BadEntryError(f"{where}.request.postData.text: expected a string")
        if text:
            data = text.encode("utf-8", "surrogatepass")
            content = data if len(data) <= max_body_bytes else None
    response = _get(entry, "response", dict, where)
    status = _status(_get(response, "status", int, f"{where}.response"), f"{where}.response")
    latency = entry.get("time", 0)
    if (
        not isinstance(latency, int | float)
        or isinstance(latency, bool)
        or not math.isfinite(latency)
    ):
        raise BadEntryError(f"{where}.time: expected a number of milliseconds, got {latency!r:.40}")
    return Exchange(
        method=method,
        url=url,
        headers=headers,
        content=content,
        status=status,
        at=at,
        latency_ms=max(float(latency), 0.0),
    )


def _har_headers(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, list):
        raise BadEntryError(f"{where}: expected a list")
    headers = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise BadEntryError(f"{where}[{i}]: expected an object")
        name = _get(item, "name", str, f"{where}[{i}]")
        headers[name.lower()] = _get(item, "value", str, f"{where}[{i}]")
    return headers


# -- mitmproxy flows -----------------------------------------------------------------------------


def read_flows(path: Path, max_body_bytes: int) -> Capture:
    # mitmproxy is a dependency of the whole distribution, but only this reader needs it here.
    from mitmproxy import http  # noqa: PLC0415
    from mitmproxy.exceptions import FlowReadException  # noqa: PLC0415
    from mitmproxy.io import FlowReader  # noqa: PLC0415

    capture = Capture()
    index = 0
    try:
        with path.open("rb") as f:
            for index, flow in enumerate(FlowReader(f).stream()):
                where = f"flows[{index}]"
                if not isinstance(flow, http.HTTPFlow):
                    capture.not_http += 1
                    continue
                try:
                    capture.exchanges.append((where, _flow_exchange(flow, where, max_body_bytes)))
                except BadEntryError as e:
                    capture.bad.append(BadEntry(where, str(e)))
    except FlowReadException as e:
        where = f"flows[{index + 1 if capture.exchanges or capture.bad else 0}]"
        raise MalformedCaptureError(
            f"{path}: {where}: not a mitmproxy flow file or a damaged one: {e}"
        ) from None
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as e:
        raise MalformedCaptureError(f"{path}: flows[{index}]: cannot read: {e!r:.200}") from None
    return capture


def _flow_exchange(flow: Any, where: str, max_body_bytes: int) -> Exchange:
    request = flow.request
    if not request.timestamp_start:
        raise BadEntryError(f"{where}.request.timestamp_start: missing")
    start = float(request.timestamp_start)
    try:
        at = check_range(datetime.fromtimestamp(start, UTC))
    except (ValueError, OverflowError, OSError) as e:
        raise BadEntryError(f"{where}.request.timestamp_start: {e}") from None
    method = _method(request.method, f"{where}.request.method")
    url = _url(request.url, f"{where}.request.url")
    response = flow.response
    status = _status(response.status_code, f"{where}.response") if response is not None else 0
    end = response.timestamp_end if response is not None else None
    raw = request.raw_content
    content = decoded(raw, request.headers.get("content-encoding"), max_body_bytes) if raw else None
    return Exchange(
        method=method,
        url=url,
        headers={k.lower(): v for k, v in request.headers.items()},
        content=content,
        status=status,
        at=at,
        latency_ms=max((end - start) * 1000.0, 0.0) if end else 0.0,
    )


# -- shared checks -------------------------------------------------------------------------------


def _get(obj: Any, key: str, kind: type, where: str) -> Any:
    name = f"{where}.{key}" if where else key
    if not isinstance(obj, dict) or key not in obj or obj[key] is None:
        raise BadEntryError(f"{name}: missing")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = {dict: "an object", list: "a list", str: "a string", int: "an integer"}[kind]
        raise BadEntryError(f"{name}: expected {expected}, got {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**12:
        return f"an integer of {len(str(abs(value)))} digits"
    return f"{value!r:.60}"


def _method(method: str, where: str) -> str:
    if not _METHOD.fullmatch(method):
        raise BadEntryError(f"{where}: expected an HTTP method (letters only), got {method!r:.40}")
    return method.upper()


def _url(url: str, where: str) -> str:
    try:
        url.encode("utf-8")
    except UnicodeError:
        raise BadEntryError(f"{where}: invalid URL: not UTF-8 text (a lone surrogate)") from None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as e:
        raise BadEntryError(f"{where}: invalid URL: {e}") from None
    if parts.scheme not in ("http", "https"):
        raise BadEntryError(f"{where}: not an http(s) URL: {url[:80]!r}")
    return url


def _status(status: int, where: str) -> int:
    if status != 0 and not MIN_STATUS <= status <= MAX_STATUS:
        raise BadEntryError(
            f"{where}.status: expected an HTTP status ({MIN_STATUS}-{MAX_STATUS}, or 0 for no "
            f"answer), got {_shown(status)}"
        )
    return status
