"""A ``CallRecord`` as JSON and back: how the journal keeps records and quarantine shows them."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from miready.certifier.ledger.records import CallRecord

TUPLE_FIELDS = ("scopes", "params", "findings")


def record_to_json(record: CallRecord) -> str:
    """Compact JSON of every field; anything JSON cannot hold is rendered with ``repr``."""
    fields = {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}
    if isinstance(record.at, datetime):
        fields["at"] = record.at.isoformat()
    return json.dumps(fields, separators=(",", ":"), default=repr, ensure_ascii=False)


def record_from_json(text: str) -> CallRecord:
    """The record ``record_to_json`` wrote; raises ``ValueError`` on anything else."""
    fields: dict[str, Any] = json.loads(text)
    fields["at"] = datetime.fromisoformat(fields["at"])
    for name in TUPLE_FIELDS:
        fields[name] = tuple(fields.get(name) or ())
    try:
        return CallRecord(**fields)
    except TypeError as e:
        raise ValueError(f"not a call record: {e}") from e
