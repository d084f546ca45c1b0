"""Validate a pack file against its JSON Schema; the first error names the file, line and place."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from miready.contracts import SCHEMAS_DIR
from miready.contracts.errors import ContractError, Span
from miready.contracts.yamlio import LINE_KEY, load_yaml, strip_lines

if TYPE_CHECKING:
    import jsonschema


@cache
def _validator(schema: str) -> jsonschema.Draft202012Validator:
    import jsonschema  # only when a pack is loaded from its files (see contracts.packcache)

    raw = json.loads((SCHEMAS_DIR / schema).read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(raw, format_checker=jsonschema.FormatChecker())


def load_valid(path: Path, schema: str) -> dict[str, Any]:
    """``path`` parsed (dicts keep their ``__line__``) once it satisfies ``schema``."""
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise ContractError("the file must hold a YAML mapping", Span(path, 1))
    errors = sorted(_validator(schema).iter_errors(strip_lines(raw)), key=lambda e: list(e.path))
    if errors:
        e = errors[0]
        where = "/".join(str(p) for p in e.absolute_path) or "(top)"
        raise ContractError(f"{where}: {e.message}", Span(path, line_at(raw, e.absolute_path)))
    return raw


def line_at(raw: Any, where: Any) -> int:
    """The line of the deepest mapping on the way to ``where``."""
    node, line = raw, 1
    for key in where:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict):
            line = node.get(LINE_KEY, line)
    return line
