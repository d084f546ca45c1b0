"""The spec's operations as the mock needs them: scope, query/path parameters, body validators.

Validators are compiled once per operation at start-up, from `contracts/openapi.yaml` with its
`schemas/*.json` references inlined.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from miready.contracts import OPENAPI_PATH
from miready.contracts.yamlio import safe_load
from miready.mocks.clock import parse_time
from miready.mocks.errors import NotFound, Unprocessable

METHODS = ("get", "put", "post", "delete", "patch")
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    if isinstance(value, str):
        parse_time(value)
    return True


def _inline(node: Any, base: Path, cache_: dict[Path, Any]) -> Any:
    """Replace every `{"$ref": "file.json"}` by the file's schema (the specs have no cycles)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            target = (base / ref).resolve()
            if target not in cache_:
                loaded = json.loads(target.read_text(encoding="utf-8"))
                loaded.pop("$schema", None)
                cache_[target] = _inline(loaded, target.parent, cache_)
            return cache_[target]
        return {k: _inline(v, base, cache_) for k, v in node.items()}
    if isinstance(node, list):
        return [_inline(v, base, cache_) for v in node]
    return node


def _field(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_REQUIRED = re.compile(r"^'(.+)' is a required property$")


def schema_errors(
    validator: Draft202012Validator, instance: Any, root: str = ""
) -> dict[str, list[str]]:
    """Each bad field (dotted, `[i]` for items) with its messages."""
    fields: dict[str, list[str]] = {}
    for error in validator.iter_errors(instance):
        name = _field(error.absolute_path)
        message = error.message
        if error.validator == "required":
            m = _REQUIRED.match(message)
            if m:
                name = f"{name}.{m.group(1)}" if name else m.group(1)
                message = "is required"
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            for extra in error.instance:
                if extra not in allowed:
                    key = f"{name}.{extra}" if name else extra
                    key = f"{root}.{key}" if root else key
                    fields.setdefault(key, []).append("is not a field this operation accepts")
            continue
        elif error.validator in ("anyOf", "oneOf"):
            message = "does not match any allowed form"
        name = f"{root}.{name}" if root and name else (name or root or "body")
        if len(message) > 200:
            message = message[:197] + "..."
        fields.setdefault(name, []).append(message)
    return fields


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    location: str
    schema: dict[str, Any]
    validator: Draft202012Validator

    def coerce(self, raw: str) -> Any:
        kind = self.schema.get("type")
        if kind == "integer":
            if not re.fullmatch(r"-?\d{1,30}", raw.strip()):
                raise ValueError("must be an integer")
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "boolean":
            if raw not in ("true", "false"):
                raise ValueError("must be true or false")
            return raw == "true"
        return raw


@dataclass(frozen=True, slots=True)
class OperationSpec:
    operation_id: str
    method: str
    path: str
    scope: str | None
    deprecated: bool
    replacement: str | None
    params: tuple[Param, ...] = ()
    body_validator: Draft202012Validator | None = None
    body_required: bool = False
    # Where a 422 puts its field errors: top level (None) or a key such as `messages`
    errors_under: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"

    def parse_path(self, match_info: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for p in self.params:
            if p.location != "path":
                continue
            raw = match_info.get(p.name, "")
            try:
                value = p.coerce(raw)
            except ValueError:
                raise NotFound(f"No resource with {p.name} {raw!r}") from None
            if not p.validator.is_valid(value):
                raise NotFound(f"No resource with {p.name} {raw!r}")
            out[p.name] = value
        return out

    def parse_query(self, query: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        problems: dict[str, list[str]] = {}
        for p in self.params:
            if p.location != "query":
                continue
            if p.name not in query:
                if "default" in p.schema:
                    out[p.name] = p.schema["default"]
                continue
            raw = query.get(p.name)
            try:
                value = p.coerce(raw)
            except ValueError as e:
                problems[p.name] = [str(e)]
                continue
            errors = schema_errors(p.validator, value, p.name)
            if errors:
                problems.update(errors)
            else:
                out[p.name] = value
        if problems:
            raise Unprocessable(problems, under=self.errors_under)
        return out

    def validate_body(self, body: Any) -> None:
        if self.body_validator is not None:
            problems = schema_errors(self.body_validator, body)
            if problems:
                raise Unprocessable(problems, under=self.errors_under)


def _local(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A `#/components/...` reference resolved in the same document (shared parameters)."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/"):
        return node
    target: Any = spec
    for part in ref[2:].split("/"):
        target = target[part]
    return target


def load_operations(path: Path = OPENAPI_PATH) -> dict[str, OperationSpec]:
    spec = safe_load(path.read_text(encoding="utf-8"))
    refs: dict[Path, Any] = {}
    ops: dict[str, OperationSpec] = {}
    for template, item in spec["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = []
            for p in op.get("parameters", []):
                p = _local(spec, p)
                schema = _inline(p.get("schema", {}), path.parent, refs)
                params.append(
                    Param(
                        p["name"],
                        p["in"],
                        schema,
                        Draft202012Validator(schema, format_checker=FORMATS),
                    )
                )
            body = op.get("requestBody") or {}
            media = (body.get("content") or {}).get("application/json")
            validator = None
            if media is not None:
                schema = _inline(media["schema"], path.parent, refs)
                validator = Draft202012Validator(schema, format_checker=FORMATS)
            ops[op["operationId"]] = OperationSpec(
                operation_id=op["operationId"],
                method=method.upper(),
                path=template,
                scope=op.get("x-scope"),
                deprecated=bool(op.get("deprecated")),
                replacement=op.get("x-replacement"),
                params=tuple(params),
                body_validator=validator,
                body_required=bool(body.get("required")),
                errors_under=op.get("x-validation-errors"),
            )
    return ops


@cache
def default_operations() -> dict[str, OperationSpec]:
    return load_operations()
