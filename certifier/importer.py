"""Import captured traffic (HAR or mitmproxy flows) into the ledger, classified like the proxy does.

A file is read and checked whole before anything is written, then written in ONE ``write_calls``
transaction: a malformed entry names itself (``entries[3].request.url: missing``) and leaves the
ledger as it was. Only names are kept: parameter names, rule ids, token ids and redacted examples.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from miready.certifier.errors import UsageError
from miready.certifier.ledger.base import Ledger
from miready.certifier.ledger.records import CallRecord
from miready.contracts.params import body_key_paths, query_params
from miready.contracts.redaction import redacted_example, token_id
from miready.contracts.rules import CallFacts, RulePack, selected_fields
from miready.contracts.spec import OperationIndex, default_operations

TOKEN_HEADERS = ("authentication", "authorization")
ANONYMOUS = "anonymous"


class MalformedCaptureError(UsageError):
    """A HAR or flow file cannot be read; the message names the file and the entry."""


@dataclass(frozen=True, slots=True, kw_only=True)
class CapturedCall:
    """One request/response pair as a capture holds it, values included (never stored)."""

    where: str  # "entries[3]" or "flows[3]", for messages
    at: datetime
    method: str
    url: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes | None
    status: int
    latency_ms: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ImportResult:
    path: str
    calls: int
    apps: tuple[str, ...]
    findings: dict[str, int] = field(default_factory=dict)  # rule id -> calls
    unmatched: int = 0  # API calls that matched no operation of the spec
    skipped: int = 0  # entries outside the platform API (other hosts' paths, non-HTTP flows)
    first_at: datetime | None = None
    last_at: datetime | None = None

    def __str__(self) -> str:
        text = f"imported {self.calls} call(s) of {len(self.apps)} app(s) from {self.path}"
        if self.first_at and self.last_at:
            text += f" ({self.first_at:%Y-%m-%d %H:%M} to {self.last_at:%Y-%m-%d %H:%M} UTC)"
        if self.findings:
            hits = sorted(self.findings.items())
            text += "; findings: " + ", ".join(f"{r} x{n}" for r, n in hits)
        else:
            text += "; no findings"
        if self.unmatched:
            text += f"; {self.unmatched} call(s) matched no operation"
        if self.skipped:
            text += f"; {self.skipped} entr(ies) outside the API skipped"
        return text


def import_file(
    ledger: Ledger,
    path: str | Path,
    pack: RulePack,
    app_id: str | None = None,
    scopes: Iterable[str] | None = None,
    operations: OperationIndex | None = None,
    app_kind: str | None = None,
) -> ImportResult:
    path = Path(path)
    captured = read_capture(path)
    ops = operations or default_operations()
    api_prefix = _prefix_regex(ops.prefix)
    scope_tuple = tuple(sorted({s for i in scopes or () for s in i.replace(",", " ").split()}))
    records, skipped = [], 0
    for call in captured:
        if not api_prefix.match(urlsplit(call.url).path):
            skipped += 1
            continue
        records.append(classify(call, pack, ops, app_id, scope_tuple, app_kind))
    if not records:
        raise MalformedCaptureError(
            f"{path}: no call to the platform API (paths under {ops.prefix}/...) among"
            f" {len(captured)} entr(ies); nothing imported"
        )
    ledger.write_calls(records)
    findings = Counter(rule for r in records for rule in dict.fromkeys(r.findings))
    return ImportResult(
        path=str(path),
        calls=len(records),
        apps=tuple(sorted({r.app_id for r in records})),
        findings=dict(findings),
        unmatched=sum(1 for r in records if r.operation_id is None),
        skipped=skipped,
        first_at=min(r.at for r in records),
        last_at=max(r.at for r in records),
    )


def classify(
    call: CapturedCall,
    pack: RulePack,
    ops: OperationIndex,
    app_id: str | None,
    scopes: tuple[str, ...],
    app_kind: str | None = None,
) -> CallRecord:
    """The ledger record of one captured call: names only."""
    parts = urlsplit(call.url)
    match = ops.match(call.method, parts.path)
    template = match.operation.path if match else None
    query = parse_qsl(parts.query, keep_blank_values=True)
    query_keys = tuple(dict.fromkeys(k for k, _ in query))
    body, has_body = _json_body(call.body)
    params = query_params(query_keys) | (body_key_paths(body) if body is not None else frozenset())
    findings = pack.classify(
        CallFacts(
            method=call.method,
            path_template=template,
            params=params,
            selected_fields=selected_fields(v for k, v in query if k == "fields"),
            path_params=match.path_params if match else {},
            headers=call.headers,
            scopes=frozenset(scopes) if scopes else None,
            app_kind=app_kind,
            at=call.at,
        )
    )
    token = _bearer(call.headers)
    tid = token_id(token) if token else None
    shown_path = template or parts.path
    example = (
        redacted_example(call.method, shown_path, query_keys, body, has_body) if findings else ""
    )
    return CallRecord(
        at=call.at,
        app_id=app_id or tid or ANONYMOUS,
        app_name=call.headers.get("user-agent") or None,
        store_id=match.store_id if match else None,
        token_id=tid,
        scopes=scopes,
        operation_id=match.operation.operation_id if match else None,
        method=call.method,
        path_template=template or f"unknown:{parts.path}",
        status=call.status,
        latency_ms=call.latency_ms,
        params=tuple(sorted(params)),
        findings=tuple(f.key for f in findings),
        examples={f.key: example for f in findings},
        source="import",
    )


def read_capture(path: Path) -> list[CapturedCall]:
    """Every call of a ``.har`` or ``.flow`` file (sniffed when the suffix says neither)."""
    try:
        with path.open("rb") as f:
            head = f.read(64).lstrip()
    except OSError as e:
        raise MalformedCaptureError(f"cannot read {path}: {e.strerror or e}") from e
    if path.suffix.lower() == ".har" or (path.suffix.lower() != ".flow" and head[:1] == b"{"):
        return read_har(path)
    return read_flows(path)


def read_har(path: Path) -> list[CapturedCall]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise MalformedCaptureError(f"{path}: not a HAR file (JSON): {e}") from e
    log = _get(doc, "log", dict, path, "")
    entries = _get(log, "entries", list, path, "log")
    return [_har_entry(entry, f"entries[{i}]", path) for i, entry in enumerate(entries)]


def _har_entry(entry: Any, where: str, path: Path) -> CapturedCall:
    if not isinstance(entry, dict):
        raise MalformedCaptureError(f"{path}: {where}: expected an object")
    started = _get(entry, "startedDateTime", str, path, where)
    at = _instant(started, path, f"{where}.startedDateTime")
    request = _get(entry, "request", dict, path, where)
    method = _get(request, "method", str, path, f"{where}.request").upper()
    url = _get(request, "url", str, path, f"{where}.request")
    if urlsplit(url).scheme not in ("http", "https"):
        raise MalformedCaptureError(
            f"{path}: {where}.request.url: not an http(s) URL: {url[:80]!r}"
        )
    headers = _har_headers(request.get("headers", []), path, f"{where}.request.headers")
    body = None
    post = request.get("postData")
    if post is not None:
        if not isinstance(post, dict):
            raise MalformedCaptureError(f"{path}: {where}.request.postData: expected an object")
        text = post.get("text")
        if text is not None and not isinstance(text, str):
            raise MalformedCaptureError(f"{path}: {where}.request.postData.text: expected a string")
        body = text.encode() if text is not None else None
    response = _get(entry, "response", dict, path, where)
    status = _get(response, "status", int, path, f"{where}.response")
    latency = entry.get("time", 0)
    if not isinstance(latency, int | float) or isinstance(latency, bool):
        raise MalformedCaptureError(f"{path}: {where}.time: expected a number of milliseconds")
    return CapturedCall(
        where=where,
        at=at,
        method=method,
        url=url,
        headers=headers,
        body=body,
        status=status,
        latency_ms=max(float(latency), 0.0),
    )


def _har_headers(raw: Any, path: Path, where: str) -> dict[str, str]:
    if not isinstance(raw, list):
        raise MalformedCaptureError(f"{path}: {where}: expected a list")
    headers = {}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            raise MalformedCaptureError(f"{path}: {where}[{i}]: expected an object")
        name = _get(item, "name", str, path, f"{where}[{i}]")
        value = _get(item, "value", str, path, f"{where}[{i}]")
        headers[name.lower()] = value
    return headers


def read_flows(path: Path) -> list[CapturedCall]:
    # mitmproxy is a dependency of the whole distribution, but only this reader needs it here.
    from mitmproxy import http
    from mitmproxy.exceptions import FlowReadException
    from mitmproxy.io import FlowReader

    calls = []
    try:
        with path.open("rb") as f:
            for i, flow in enumerate(FlowReader(f).stream()):
                if not isinstance(flow, http.HTTPFlow):
                    continue
                calls.append(_flow_call(flow, f"flows[{i}]", path))
    except FlowReadException as e:
        raise MalformedCaptureError(
            f"{path}: flows[{len(calls)}]: not a mitmproxy flow file or a damaged one: {e}"
        ) from e
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise MalformedCaptureError(f"{path}: flows[{len(calls)}]: cannot read: {e}") from e
    return calls


def _flow_call(flow: Any, where: str, path: Path) -> CapturedCall:
    request = flow.request
    if not request.timestamp_start:
        raise MalformedCaptureError(f"{path}: {where}.request.timestamp_start: missing")
    start = float(request.timestamp_start)
    response = flow.response
    end = response.timestamp_end if response is not None else None
    try:
        body = request.get_content(strict=False)
    except ValueError:
        body = request.raw_content
    return CapturedCall(
        where=where,
        at=datetime.fromtimestamp(start, UTC),
        method=request.method.upper(),
        url=request.url,
        headers={k.lower(): v for k, v in request.headers.items()},
        body=body or None,
        status=response.status_code if response is not None else 0,
        latency_ms=max((end - start) * 1000.0, 0.0) if end else 0.0,
    )


def _get(obj: Any, key: str, kind: type, path: Path, where: str) -> Any:
    name = f"{where}.{key}" if where else key
    if not isinstance(obj, dict) or key not in obj or obj[key] is None:
        raise MalformedCaptureError(f"{path}: {name}: missing")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        expected = {dict: "an object", list: "a list", str: "a string", int: "an integer"}[kind]
        raise MalformedCaptureError(f"{path}: {name}: expected {expected}, got {value!r:.60}")
    return value


def _instant(text: str, path: Path, where: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        raise MalformedCaptureError(
            f"{path}: {where}: not an ISO 8601 date-time: {text!r}"
        ) from None
    if value.tzinfo is None or value.utcoffset() is None:
        raise MalformedCaptureError(f"{path}: {where}: no UTC offset in {text!r}")
    return value.astimezone(UTC)


def _json_body(body: bytes | None) -> tuple[Any, bool]:
    if not body:
        return None, False
    try:
        return json.loads(body), True
    except (ValueError, UnicodeDecodeError):
        return None, True


def _bearer(headers: Mapping[str, str]) -> str | None:
    """The token of ``Authentication: bearer X`` (the platform's header) or ``Authorization``."""
    for name in TOKEN_HEADERS:
        value = headers.get(name, "").strip()
        scheme, _, token = value.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
        if value and not token:
            return scheme
    return None


def _prefix_regex(prefix: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{[A-Za-z_][A-Za-z0-9_]*\\\}", "[^/]+", re.escape(prefix))
    return re.compile(f"^{pattern}/")
