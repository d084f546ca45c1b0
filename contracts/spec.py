"""The operations of a pack's ``openapi.yaml`` and matching a raw request onto one of them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from miready.contracts import OPENAPI_PATH
from miready.contracts.errors import ContractError, Span

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # template relative to the server prefix, e.g. /orders/{order_id}/pack
    deprecated: bool
    request_schema: dict | None  # the JSON request body schema, as written in the spec

    @property
    def endpoint(self) -> str:
        """``METHOD path``, the form rule packs and the mapping use."""
        return f"{self.method} {self.path}"


@dataclass(frozen=True, slots=True)
class Match:
    operation: Operation
    store_id: str | None
    path_params: dict[str, str]


def _template_regex(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    # split() alternates literal text and parameter names
    pattern = "".join(
        re.escape(part) if i % 2 == 0 else f"(?P<{part}>[^/]+)" for i, part in enumerate(parts)
    )
    return re.compile(pattern + r"/?\Z")


class OperationIndex:
    """Every operation of the spec, matched by method and raw path (``/v1/{store_id}/...``)."""

    def __init__(self, operations: list[Operation], prefix: str) -> None:
        self.operations = tuple(operations)
        self.prefix = prefix
        self._by_id = {op.operation_id: op for op in operations}
        self._by_endpoint = {op.endpoint: op for op in operations}
        self._prefix_re = re.compile("^" + _template_regex(prefix).pattern.removesuffix(r"/?\Z"))
        # Literal segments beat parameters: /locations/priorities before /locations/{location_id}.
        ordered = sorted(operations, key=lambda op: (op.path.count("{"), -len(op.path)))
        self._matchers = [(op, _template_regex(op.path)) for op in ordered]

    def by_id(self, operation_id: str) -> Operation:
        return self._by_id[operation_id]

    def by_endpoint(self, endpoint: str) -> Operation | None:
        method, _, path = endpoint.partition(" ")
        return self._by_endpoint.get(f"{method.upper()} {path}")

    def match(self, method: str, raw_path: str) -> Match | None:
        """The operation a request is for, or None; ``raw_path`` may carry a query string."""
        path = raw_path.split("?", 1)[0]
        m = self._prefix_re.match(path)
        if not m:
            return None
        prefix_params = m.groupdict()
        store_id = prefix_params.pop("store_id", None)
        rest = path[m.end() :] or "/"
        method = method.upper()
        for op, regex in self._matchers:
            if op.method != method:
                continue
            pm = regex.match(rest)
            if pm:
                # The prefix's other variables (an API version) are path values too.
                return Match(op, store_id, {**prefix_params, **pm.groupdict()})
        return None


def _request_schema(operation: dict) -> dict | None:
    content = (operation.get("requestBody") or {}).get("content") or {}
    media = content.get("application/json") or next(iter(content.values()), None)
    return (media or {}).get("schema")


def load_operations(path: Path = OPENAPI_PATH) -> OperationIndex:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
        spec = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as e:
        raise ContractError(f"cannot load the OpenAPI spec: {e}", Span(path, 1)) from e
    servers = spec.get("servers") or [{"url": ""}]
    prefix = servers[0]["url"].rstrip("/")
    operations = []
    for template, item in (spec.get("paths") or {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            if "operationId" not in op:
                raise ContractError(
                    f"{method.upper()} {template} has no operationId", Span(path, 1)
                )
            operations.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=template,
                    deprecated=bool(op.get("deprecated", False)),
                    request_schema=_request_schema(op),
                )
            )
    return OperationIndex(operations, prefix)


def default_operations() -> OperationIndex:
    """The default pack's spec, loaded once per process."""
    from miready.contracts.pack import default_pack

    return default_pack().operations
