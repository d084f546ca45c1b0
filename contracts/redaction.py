"""Redacted examples: the shape of a call's body with every value replaced by its type."""

from __future__ import annotations

import json
from typing import Any

from miready.contracts.privacy import param_key

MAX_DEPTH = 12
MAX_LIST_ITEMS = 3  # distinct item shapes kept per list
MAX_EXAMPLE_CHARS = 4096


def type_name(value: Any) -> str:
    match value:
        case None:
            return "<null>"
        case bool():
            return "<bool>"
        case int():
            return "<int>"
        case float():
            return "<float>"
        case str():
            return "<str>"
        case _:
            return f"<{type(value).__name__}>"


def redact(value: Any, depth: int = 0) -> Any:
    """Keys stay as parameter names (``<key>`` if value-like); every leaf becomes ``"<type>"``."""
    if depth > MAX_DEPTH:
        return "<...>"
    if isinstance(value, dict):
        return {param_key(k): redact(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        shapes: list[Any] = []
        for item in value:
            shape = redact(item, depth + 1)
            if shape not in shapes:
                shapes.append(shape)
            if len(shapes) >= MAX_LIST_ITEMS:
                break
        return shapes
    return type_name(value)


def redacted_example(
    method: str, path_template: str, query_keys: tuple[str, ...], body: Any, has_body: bool
) -> str:
    """JSON text of ``{method, path, query, body}``; a non-JSON body shows as ``"<non-json>"``."""
    example: dict[str, Any] = {
        "method": method,
        "path": path_template,
        "query": {k: "<str>" for k in query_keys},
    }
    if body is not None or has_body:
        example["body"] = redact(body) if body is not None else "<non-json>"
    text = json.dumps(example, sort_keys=True, separators=(",", ":"))
    if len(text) > MAX_EXAMPLE_CHARS:
        example["body"] = "<too-large>"
        example["query"] = dict(list(example["query"].items())[:32])
        text = json.dumps(example, sort_keys=True, separators=(",", ":"))
    return text
