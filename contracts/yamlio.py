"""Load YAML keeping the line of every mapping, so contract errors can say where they are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from miready.contracts.errors import ContractError, Span

LINE_KEY = "__line__"


# libyaml's parser when built with it (several times faster), the pure-Python one otherwise.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


def safe_load(text: str) -> Any:
    """``yaml.safe_load``, with libyaml's parser when PyYAML has it (several times faster)."""
    return yaml.load(text, Loader=_SafeLoader)  # SafeLoader or CSafeLoader: safe


def load_yaml(path: Path) -> Any:
    """Parse ``path``; every dict in the result has a ``__line__`` key (see ``span_of``)."""
    try:
        with path.open(encoding="utf-8") as f:
            return yaml.load(f, Loader=_LineLoader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as e:
        # The place, not the parser's wording: libyaml and pure-Python PyYAML word it apart.
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        where = f" (column {mark.column + 1})" if mark is not None else ""
        raise ContractError(f"not valid YAML{where}", Span(path, line)) from e
    except OSError as e:
        raise ContractError(f"cannot read the file: {e}", Span(path, 1)) from e


def span_of(node: dict[str, Any], path: Path | None) -> Span:
    return Span(path, int(node.get(LINE_KEY, 1)))


def strip_lines(data: Any) -> Any:
    """A copy of ``data`` without the ``__line__`` keys, for JSON Schema validation."""
    if isinstance(data, dict):
        return {k: strip_lines(v) for k, v in data.items() if k != LINE_KEY}
    if isinstance(data, list):
        return [strip_lines(v) for v in data]
    return data
