"""The spec's methods per path: a method the path lacks is a 405 whose `Allow` lists the spec's
methods (HEAD wherever GET is), whichever aiohttp route the path would otherwise fall into."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from miready.mocks.operations import OperationSpec

API_PREFIX = "v1"  # /v1/{store_id}/<spec path>


@dataclass(frozen=True, slots=True)
class SpecPath:
    template: str
    segments: tuple[str | None, ...]  # None: a {placeholder}
    methods: frozenset[str]

    @property
    def allow(self) -> str:
        extra = {"HEAD"} if "GET" in self.methods else set()
        return ", ".join(sorted(self.methods | extra))

    def allows(self, method: str) -> bool:
        return method in self.methods or (method == "HEAD" and "GET" in self.methods)


def _segments(template: str) -> tuple[str | None, ...]:
    return tuple(
        None if s.startswith("{") and s.endswith("}") else s for s in template.strip("/").split("/")
    )


class PathMethods:
    """Which spec path a request path is; a literal segment beats a placeholder, as in OpenAPI."""

    def __init__(self, operations: Iterable[OperationSpec]) -> None:
        methods: dict[str, set[str]] = {}
        for op in operations:
            methods.setdefault(op.path, set()).add(op.method)
        self.paths = [SpecPath(t, _segments(t), frozenset(m)) for t, m in methods.items()]

    def lookup(self, path: str) -> SpecPath | None:
        """The spec path of `/v1/{store_id}/...` (percent-encoded slashes stay in a segment)."""
        parts = path.split("/")
        if len(parts) < 4 or parts[0] or parts[1] != API_PREFIX or not parts[2]:
            return None
        rest = parts[3:]
        best: tuple[tuple[bool, ...], SpecPath] | None = None
        for spec in self.paths:
            if len(spec.segments) != len(rest):
                continue
            if any(
                not got or (want is not None and want != got)
                for want, got in zip(spec.segments, rest, strict=True)
            ):
                continue
            rank = tuple(want is not None for want in spec.segments)
            if best is None or rank > best[0]:
                best = (rank, spec)
        return best[1] if best else None
