"""Write a batch so that one bad record never takes the others with it: split it until it is alone.

A batch that fails because of its data (not because the ledger is down) is halved and each half
written in its own transaction, recursively; a record that fails alone is returned with its error
for the quarantine. Writes are idempotent (``call_id`` is unique), so a half that was written
before its sibling failed is never counted twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from miready.certifier.ledger.base import BadBatchError
from miready.certifier.ledger.batch import unique_calls
from miready.certifier.ledger.codec import record_to_json
from miready.certifier.ledger.records import CallRecord, WriteResult
from miready.certifier.ledger.validate import MAX_ID, split_valid

MAX_ERROR = 2_000
MAX_RECORD = 16_000

WriteBatch = Callable[[Sequence[CallRecord]], WriteResult]


def write_isolating(
    write: WriteBatch, records: Sequence[CallRecord]
) -> tuple[WriteResult, list[tuple[CallRecord, str]]]:
    """(what was written, [(record refused alone, its error)]); an outage propagates as raised."""
    if not records:
        return WriteResult(), []
    try:
        return write(records), []
    except BadBatchError as e:
        if len(records) == 1:
            return WriteResult(), [(records[0], str(e))]
    middle = len(records) // 2
    first, bad_first = write_isolating(write, records[:middle])
    second, bad_second = write_isolating(write, records[middle:])
    return first + second, bad_first + bad_second


def write_all(
    records: Sequence[object],
    write: WriteBatch,
    quarantine: Callable[[list[tuple[object, str]]], None],
) -> WriteResult:
    """All of ``Ledger.write_calls``: coerce, skip repeated ids, write, quarantine the rest."""
    good, bad = split_valid(records)  # type: ignore[arg-type]
    unique = unique_calls(good)
    result, refused = write_isolating(write, unique)
    bad.extend(refused)
    if bad:
        quarantine(bad)
    repeated = WriteResult(duplicates=len(good) - len(unique), quarantined=len(bad))
    return result + repeated


def quarantine_rows(bad: list[tuple[object, str]]) -> list[tuple[str | None, str, str]]:
    """(call id, error, record as JSON) of each refused record, bounded in size."""
    rows = []
    for record, error in bad:
        call_id = getattr(record, "call_id", None)
        call_id = call_id[:MAX_ID] if isinstance(call_id, str) and call_id else None
        try:
            text = record_to_json(record) if isinstance(record, CallRecord) else repr(record)
        except Exception as e:  # a record so broken it cannot even be shown
            text = f"<unprintable {type(record).__name__}: {type(e).__name__}>"
        rows.append((call_id, error[:MAX_ERROR], text[:MAX_RECORD]))
    return rows
