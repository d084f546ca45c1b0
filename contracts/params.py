"""Parameter names of a call: the key paths of a JSON body and the keys of a query string.

A key path names where a key sits, never its value: ``{"variants": [{"stock": 1}]}`` gives
``variants``, ``variants[]`` and ``variants[].stock``; a top-level array gives ``[]`` and
``[].key``. Keys that look like values (``{"a@b.c": 1}``) become ``<key>``; depth and count are
bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from fnmatch import translate
from functools import lru_cache
from typing import Any

from miready.contracts.privacy import known_param_key, param_key

QUERY_PREFIX = "query:"
MAX_DEPTH = 16  # a deeper body is cut there rather than recursing without bound
MAX_PARAMS = 512  # a body with more distinct key paths gives only the first ones


_CONTAINERS = (dict, list)


def body_key_paths(body: Any) -> frozenset[str]:
    paths: set[str] = set()
    if isinstance(body, _CONTAINERS):
        _walk(body, "", paths, 0)
    return frozenset(paths)


def _walk(node: dict | list, prefix: str, out: set[str], depth: int) -> None:
    # scalars are never visited: a body is mostly leaves, and a call per leaf was the cost; a
    # key already judged a field name is looked up in the memo without a call
    if depth > MAX_DEPTH or len(out) >= MAX_PARAMS:
        return
    add = out.add
    if isinstance(node, dict):
        dot = f"{prefix}." if prefix else ""
        for key, value in node.items():
            path = dot + (known_param_key(key) or param_key(key))
            if len(out) >= MAX_PARAMS:
                return
            add(path)
            if isinstance(value, _CONTAINERS):
                _walk(value, path, out, depth + 1)
    else:
        path = f"{prefix}[]"
        add(path)
        for item in node:
            if isinstance(item, _CONTAINERS):
                _walk(item, path, out, depth + 1)


def query_params(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(f"{QUERY_PREFIX}{k}" for k in keys)


_QLEN = len(QUERY_PREFIX)


def _literal(pattern: str) -> bool:
    """Whether a glob matches only itself (``variants[].stock``: an unclosed ``[`` is literal).

    Without ``*`` or ``?``, every ``[...]`` set spends at least three pattern characters on one
    name character, so a pattern that matches its own text has no set at all.
    """
    if "*" in pattern or "?" in pattern:
        return False
    return "[" not in pattern or re.match(translate(pattern), pattern) is not None


class ParamMatcher:
    """Glob patterns compiled once: exact names as a set, the globs as one combined regex.

    A name matches when it, or for a ``query:`` key its bare name, matches a pattern, exactly as
    ``fnmatchcase`` would; the cost of a call follows the patterns and the names, never their
    product.
    """

    __slots__ = ("exact", "patterns", "_globs", "_prefixed")

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(patterns)
        self.exact = frozenset(p for p in self.patterns if _literal(p))
        # an exact pattern also matches the query key of the same name
        self._prefixed = tuple((p, f"{QUERY_PREFIX}{p}") for p in sorted(self.exact))
        globs = [p for p in self.patterns if p not in self.exact]
        self._globs = re.compile("|".join(f"(?:{translate(p)})" for p in globs)) if globs else None

    @property
    def literal(self) -> bool:
        """Whether every pattern is a literal name (matched by the set alone)."""
        return self._globs is None

    def hits(self, names: frozenset[str] | set[str]) -> tuple[str, ...]:
        """The names (sorted) that match any pattern."""
        found = [n for p, q in self._prefixed for n in (p, q) if n in names]
        if self._globs is not None:
            match = self._globs.match
            found += [
                n for n in names if match(n) or (n.startswith(QUERY_PREFIX) and match(n[_QLEN:]))
            ]
        return tuple(sorted(set(found))) if len(found) > 1 else tuple(found)

    def any(self, names: frozenset[str] | set[str]) -> bool:
        """Whether any name matches a pattern (stops at the first)."""
        for p, q in self._prefixed:
            if p in names or q in names:
                return True
        if self._globs is None:
            return False
        match = self._globs.match
        return any(match(n) or (n.startswith(QUERY_PREFIX) and match(n[_QLEN:])) for n in names)


@lru_cache(maxsize=256)
def compiled(patterns: tuple[str, ...]) -> ParamMatcher:
    return ParamMatcher(patterns)


def matching(patterns: Iterable[str], names: Iterable[str]) -> tuple[str, ...]:
    """The names (sorted) that match any glob pattern; a query key matches its bare pattern too."""
    return compiled(tuple(patterns)).hits(frozenset(names))
