"""The legacy actions of ``translate``: a legacy call expressed as calls on the first FO.

Each legacy endpoint row of the pack's ``mapping.yaml`` names an *action* and its replacement
endpoint; the action lists the order's FOs (``first_fo.list``), acts on the FIRST one through the
replacement (its path template filled from the legacy call) and answers in the legacy shape. The
value conversions are ``contracts.compat``'s, shared with the mock.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from miready.contracts import compat
from miready.contracts.mapping import EndpointMapping, Mapping
from miready.proxy.upstream import UpstreamClient, UpstreamResponse

SIDE_CALL_TIMEOUT = 15.0
_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(endpoint: str, values: dict[str, str], extra: list[str]) -> tuple[str, str]:
    """``(METHOD, path)`` of ``endpoint`` with its variables filled: by name from ``values``,
    else in order from ``extra`` (the first FO's id, then the legacy call's unused values)."""
    method, _, template = endpoint.partition(" ")
    queue = list(extra)

    def one(var: re.Match[str]) -> str:
        name = var.group(1)
        value = values[name] if name in values else queue.pop(0)
        return quote(str(value), safe="")

    return method, _VAR.sub(one, template.split(" ", 1)[0])


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: Any


class UpstreamFailed(Exception):
    """A side call got a non-2xx answer; the app gets that answer as the store gave it."""

    def __init__(self, response: UpstreamResponse) -> None:
        super().__init__(response.status)
        self.response = response


@dataclass(slots=True)
class LegacyCall:
    """One legacy call being translated, with the means to make calls on the app's behalf."""

    client: UpstreamClient
    store_base: str  # http://host:port + the pack's base path, store filled
    headers: dict[str, str]
    path_params: dict[str, str]
    body: Any
    mapping: Mapping
    row: EndpointMapping | None = None

    def _path(self, endpoint: str, fo: dict[str, Any] | None = None) -> str:
        used = set(_VAR.findall(endpoint))
        extra = ([str(fo["id"])] if fo is not None else []) + [
            v for k, v in self.path_params.items() if k not in used
        ]
        return fill(endpoint, self.path_params, extra)[1]

    def replacement(self, fo: dict[str, Any]) -> str:
        """The path of the row's replacement endpoint, acting on ``fo``."""
        assert self.row is not None
        return self._path(self.row.replacement, fo)

    def events_path(self, fo: dict[str, Any]) -> str:
        assert self.mapping.tracking_events is not None
        return self._path(self.mapping.tracking_events, fo)

    @property
    def order_path(self) -> str:
        """The order read among the legacy views whose variables the call has."""
        views = [
            v for v in self.mapping.legacy_views if set(_VAR.findall(v)) <= set(self.path_params)
        ]
        return self._path(max(views, key=len))

    @property
    def fo_list_path(self) -> str:
        assert self.mapping.first_fo_list is not None
        return self._path(self.mapping.first_fo_list)

    async def call(self, method: str, path: str, json_body: Any = None) -> Any:
        resp = await self.client.call(
            method,
            self.store_base + path,
            headers=self.headers,
            json_body=json_body,
            timeout=SIDE_CALL_TIMEOUT,
        )
        if not 200 <= resp.status < 300:
            raise UpstreamFailed(resp)
        return resp.body

    async def first_fo(self) -> dict[str, Any]:
        fos = await self.call("GET", self.fo_list_path)
        fo = compat.first_fulfillment_order(fos if isinstance(fos, list) else [])
        if fo is None:
            raise NoFulfillmentOrder()
        return fo

    async def legacy_order(self) -> dict[str, Any]:
        order, fos = await asyncio.gather(
            self.call("GET", self.order_path),
            self.call("GET", self.fo_list_path),
        )
        return compat.legacy_order_view(order, fos if isinstance(fos, list) else [], self.mapping)


class NoFulfillmentOrder(Exception):
    """The order has no fulfillment order to act on."""


Action = Callable[[LegacyCall], Awaitable[Answer]]
ACTIONS: dict[str, Action] = {}


def action(func: Action) -> Action:
    """Register a translation under its function name, the ``action`` of a mapping row."""
    ACTIONS[func.__name__] = func
    return func


def _legacy_body(call: LegacyCall) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


@action
async def pack(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    await call.call("PATCH", call.replacement(fo), compat.pack_as_fo_patch(_legacy_body(call)))
    return Answer(200, await call.legacy_order())


@action
async def fulfill(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    await call.call("PATCH", call.replacement(fo), compat.fulfill_as_fo_patch(_legacy_body(call)))
    return Answer(200, await call.legacy_order())


@action
async def create_event(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    event = compat.legacy_event_as_tracking_event(_legacy_body(call))
    created = await call.call("POST", call.events_path(fo), event)
    return Answer(201, compat.tracking_event_as_legacy_event(created or {}))


@action
async def list_events(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    events = await call.call("GET", call.events_path(fo))
    return Answer(200, [compat.tracking_event_as_legacy_event(te) for te in events or []])


@action
async def get_event(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    event = await call.call("GET", call.replacement(fo))
    return Answer(200, compat.tracking_event_as_legacy_event(event or {}))


@action
async def delete_event(call: LegacyCall) -> Answer:
    fo = await call.first_fo()
    await call.call("DELETE", call.replacement(fo))
    return Answer(200, {})
