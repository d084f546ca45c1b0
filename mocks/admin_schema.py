"""The admin API's request bodies, checked against `contracts/schemas/mock_admin.json`."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from miready.contracts import SCHEMAS_DIR
from miready.mocks.errors import Unprocessable
from miready.mocks.operations import FORMATS, schema_errors

SCHEMA_PATH = SCHEMAS_DIR / "mock_admin.json"


@cache
def _definitions() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]


@cache
def validator(kind: str) -> Draft202012Validator:
    """The validator of one body kind (`install_app`, `set_clock`, ..., `fixture`)."""
    defs = _definitions()
    if kind not in defs:
        raise KeyError(f"no admin body {kind!r} in {SCHEMA_PATH.name}")
    schema = {"$ref": f"#/$defs/{kind}", "$defs": defs}
    return Draft202012Validator(schema, format_checker=FORMATS)


def validate(kind: str, body: Any) -> Any:
    """`body` when it is a valid `kind`; else a 422 naming each bad field."""
    problems = schema_errors(validator(kind), body)
    if problems:
        raise Unprocessable(problems)
    return body
