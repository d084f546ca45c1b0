"""The platform's common list filters and the `fields` projection, over plain dict views."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from miready.mocks.clock import parse_time

# (query parameter, record key, keep when the record's value is >= / <= the parameter)
DATE_BOUNDS = (
    ("created_at_min", "created_at", 1),
    ("created_at_max", "created_at", -1),
    ("updated_at_min", "updated_at", 1),
    ("updated_at_max", "updated_at", -1),
)


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, int) and not isinstance(value, bool):
        yield str(value)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def _at(value: Any, path: list[str]) -> Iterable[Any]:
    if not path:
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _at(item, path)
    elif isinstance(value, dict) and path[0] in value:
        yield from _at(value[path[0]], path[1:])


def matches_q(record: dict[str, Any], q: str, keys: Iterable[str]) -> bool:
    """Case-insensitive substring over the named (dotted) keys; localized objects searched."""
    needle = q.casefold()
    return any(
        needle in text.casefold()
        for key in keys
        for found in _at(record, key.split("."))
        for text in _texts(found)
    )


def _id(record: dict[str, Any]) -> int:
    return int(record["id"])


def apply(
    records: Sequence[dict[str, Any]],
    query: dict[str, Any],
    q_keys: Iterable[str] = (),
    id_ordered: bool = False,
) -> Sequence[dict[str, Any]]:
    """`since_id`, the four date bounds and `q` (when the resource names keys to search).

    With no filter asked for, `records` itself; `id_ordered` records find `since_id` by bisection
    and keep it a slice, so an unfiltered page never reads the whole list.
    """
    out = records
    since = query.get("since_id")
    if since is not None:
        if id_ordered:
            out = out[bisect_right(out, since, key=_id) :]
        else:
            out = [r for r in out if int(r["id"]) > since]
    for param, key, sign in DATE_BOUNDS:
        if query.get(param):
            bound = parse_time(query[param])
            out = [
                r
                for r in out
                if r.get(key) and (parse_time(r[key]) - bound).total_seconds() * sign >= 0
            ]
    q_keys = tuple(q_keys)
    if query.get("q") and q_keys:
        out = [r for r in out if matches_q(r, query["q"], q_keys)]
    return out


def parse_fields(raw: str | None) -> list[list[str]]:
    """`"id,shipping_address.city"` -> `[["id"], ["shipping_address", "city"]]`."""
    if not raw:
        return []
    return [part.strip().split(".") for part in raw.split(",") if part.strip()]


def _pick(value: Any, path: list[str], out: dict[str, Any]) -> None:
    head, rest = path[0], path[1:]
    if not isinstance(value, dict) or head not in value:
        return
    inner = value[head]
    if not rest:
        out[head] = inner
    elif isinstance(inner, list):
        slot = out.get(head)
        if not isinstance(slot, list) or len(slot) != len(inner):
            slot = out[head] = [{} for _ in inner]
        for item, target in zip(inner, slot, strict=True):
            if isinstance(target, dict):
                _pick(item, rest, target)
    elif isinstance(inner, dict):
        slot = out.get(head)
        if not isinstance(slot, dict):
            slot = out[head] = {}
        _pick(inner, rest, slot)
    else:
        out[head] = inner


def project(view: Any, fields: list[list[str]]) -> Any:
    """Only the named (dotted, nested) fields of an object or of each object of a list.

    Unknown names are skipped, as the platform does; an empty selection keeps everything.
    """
    if not fields:
        return view
    if isinstance(view, list):
        return [project(item, fields) for item in view]
    if not isinstance(view, dict):
        return view
    out: dict[str, Any] = {}
    for path in fields:
        _pick(view, path, out)
    return out
