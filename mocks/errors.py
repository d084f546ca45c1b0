"""API errors raised by the state classes and rendered as `{code, message, description}`."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class ApiError(Exception):
    """An error the API answers with; `extra` adds keys to the body (e.g. `fields` on 422)."""

    def __init__(self, status: int, description: str, **extra: Any) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {**error_body(self.status, self.description), **self.extra}


def error_body(status: int, description: str, **extra: Any) -> dict[str, Any]:
    try:
        message = HTTPStatus(status).phrase
    except ValueError:
        message = "Error"
    return {"code": status, "message": message, "description": description, **extra}


class NotFound(ApiError):
    def __init__(self, description: str) -> None:
        super().__init__(404, description)


class BadRequest(ApiError):
    def __init__(self, description: str, **extra: Any) -> None:
        super().__init__(400, description, **extra)


# Keys of the error body itself; a bad field with one of these names is reported under `fields`.
RESERVED = ("code", "message", "description", "fields")


class Unprocessable(ApiError):
    """422 naming each bad field in the platform's shape.

    Core resources put the fields at the top level (`{"price": ["..."]}`); the fulfillment-order
    service puts them under `messages` (`under="messages"`).
    """

    def __init__(
        self,
        fields: dict[str, list[str]],
        description: str | None = None,
        under: str | None = None,
    ) -> None:
        if description is None:
            description = "; ".join(f"{k}: {', '.join(v)}" for k, v in fields.items())
        self.fields = fields
        super().__init__(422, description)
        # Set after the fact: field names ("status") must not meet the constructor's arguments.
        if under:
            self.extra = {under: fields}
            return
        self.extra = {k: v for k, v in fields.items() if k not in RESERVED}
        clashes = {k: v for k, v in fields.items() if k in RESERVED}
        if clashes:
            self.extra["fields"] = clashes


def invalid(field: str, message: str, under: str | None = None) -> Unprocessable:
    return Unprocessable({field: [message]}, under=under)
