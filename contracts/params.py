"""Parameter names of a call: the key paths of a JSON body and the keys of a query string.

A key path names where a key sits, never its value: ``{"variants": [{"stock": 1}]}`` gives
``variants``, ``variants[]`` and ``variants[].stock``; a top-level array gives ``[]`` and
``[].key``. Keys that look like values (``{"a@b.c": 1}``) become ``<key>``; depth and count are
bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

from miready.contracts.privacy import param_key

QUERY_PREFIX = "query:"
MAX_DEPTH = 16  # a deeper body is cut there rather than recursing without bound
MAX_PARAMS = 512  # a body with more distinct key paths gives only the first ones


def body_key_paths(body: Any) -> frozenset[str]:
    paths: set[str] = set()
    _walk(body, "", paths, 0)
    return frozenset(paths)


def _walk(node: Any, prefix: str, out: set[str], depth: int) -> None:
    if depth > MAX_DEPTH or len(out) >= MAX_PARAMS:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            name = param_key(key)
            path = f"{prefix}.{name}" if prefix else name
            if len(out) >= MAX_PARAMS:
                return
            out.add(path)
            _walk(value, path, out, depth + 1)
    elif isinstance(node, list):
        path = f"{prefix}[]"
        out.add(path)
        for item in node:
            _walk(item, path, out, depth + 1)


def query_params(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(f"{QUERY_PREFIX}{k}" for k in keys)


def matching(patterns: Iterable[str], names: Iterable[str]) -> tuple[str, ...]:
    """The names (sorted) that match any glob pattern; a query key matches its bare pattern too."""
    pats = tuple(patterns)
    hits = set()
    for name in names:
        bare = name.removeprefix(QUERY_PREFIX)
        if any(fnmatchcase(name, p) or fnmatchcase(bare, p) for p in pats):
            hits.add(name)
    return tuple(sorted(hits))
