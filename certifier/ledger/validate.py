"""Check and coerce records where the ledger writes them: text is text, bounded; times are aware.

The proxy and the importer make records with care, but a ledger shared by several writers (and a
journal replayed from an older run) must not trust them: one record of the wrong shape used to
fail its whole batch. What can be coerced safely is coerced; what cannot is refused with a reason,
and the caller quarantines it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from miready.certifier.ledger.records import CallRecord

MAX_ID = 128  # app, store, token, operation and call ids
MAX_NAME = 200  # an app's display name
MAX_PATH = 512  # a path template
MAX_PARAM = 256  # one parameter name, rule id or scope
MAX_ITEMS = 1_000  # parameter names, findings or scopes per call
MAX_EXAMPLE = 8_192  # one redacted example (JSON)


class BadRecordError(ValueError):
    """A record that cannot be coerced into one the ledger can hold."""


def text(value: object, limit: int, what: str, *, optional: bool = False) -> str | None:
    """``value`` as bounded text; a localized name (``{"es": "Mi App"}``) gives its first text."""
    if value is None:
        if optional:
            return None
        raise BadRecordError(f"{what} is missing")
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, str) and v), None)
        if value is None:
            if optional:
                return None
            raise BadRecordError(f"{what} is a mapping without any text")
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise BadRecordError(f"{what} is a {type(value).__name__}, not text")
    result = str(value).replace("\x00", "")[:limit]
    if not result and not optional:
        raise BadRecordError(f"{what} is empty")
    return result or None


def texts(values: object, what: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise BadRecordError(f"{what} is a {type(values).__name__}, not a list of names")
    items = [text(v, MAX_PARAM, f"an item of {what}") for v in list(values)[:MAX_ITEMS]]
    return tuple(i for i in items if i is not None)


def coerce(record: CallRecord) -> CallRecord:
    """The record with every field of a type and size the ledger holds, or ``BadRecordError``."""
    if not isinstance(record, CallRecord):
        raise BadRecordError(f"a {type(record).__name__}, not a CallRecord")
    if not isinstance(record.at, datetime) or record.at.utcoffset() is None:
        raise BadRecordError(f"time {record.at!r} is not a timezone-aware datetime")
    status = record.status
    if isinstance(status, bool) or not isinstance(status, int) or not 0 <= status <= 999:
        raise BadRecordError(f"status {status!r} is not an HTTP status")
    try:
        latency = float(record.latency_ms)
    except (TypeError, ValueError) as e:
        raise BadRecordError(f"latency {record.latency_ms!r} is not a number") from e
    if not math.isfinite(latency) or latency < 0:
        latency = 0.0
    examples = record.examples if isinstance(record.examples, dict) else {}
    return dataclasses.replace(
        record,
        call_id=text(record.call_id, MAX_ID, "call_id"),
        identified=bool(record.identified),
        test_id=text(record.test_id, MAX_PATH, "test_id", optional=True),
        app_id=text(record.app_id, MAX_ID, "app_id"),
        app_name=text(record.app_name, MAX_NAME, "app_name", optional=True),
        store_id=text(record.store_id, MAX_ID, "store_id", optional=True),
        token_id=text(record.token_id, MAX_ID, "token_id", optional=True),
        scopes=texts(record.scopes, "scopes"),
        operation_id=text(record.operation_id, MAX_ID, "operation_id", optional=True),
        method=text(record.method, 16, "method").upper(),
        path_template=text(record.path_template, MAX_PATH, "path_template"),
        status=status,
        latency_ms=latency,
        params=texts(record.params, "params"),
        findings=texts(record.findings, "findings"),
        examples={
            text(k, MAX_PARAM, "an example's rule id"): text(v, MAX_EXAMPLE, "an example")
            for k, v in examples.items()
        },
        source=text(record.source, 32, "source"),
    )


def split_valid(
    records: Sequence[CallRecord],
) -> tuple[list[CallRecord], list[tuple[object, str]]]:
    """(coerced records, [(refused record, why)]), each in arrival order."""
    good: list[CallRecord] = []
    bad: list[tuple[object, str]] = []
    for record in records:
        try:
            good.append(coerce(record))
        except BadRecordError as e:
            bad.append((record, str(e)))
    return good, bad
