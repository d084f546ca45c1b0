"""Helpers shared by the handlers: request context, JSON responses, filters, pagination."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from aiohttp import web
from miready.mocks.keys import (
    body_key,
    installation_key,
    path_params_key,
    platform_key,
    query_params_key,
    store_key,
)
from miready.mocks.state import filters
from miready.mocks.state.platform import Installation, Platform, Store


def platform(request: web.Request) -> Platform:
    return request.app[platform_key]


def store(request: web.Request) -> Store:
    return request[store_key]


def installation(request: web.Request) -> Installation:
    return request[installation_key]


def path(request: web.Request, name: str) -> Any:
    return request[path_params_key][name]


def query(request: web.Request) -> dict[str, Any]:
    return request[query_params_key]


def body(request: web.Request) -> Any:
    return request[body_key]


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(data, status=status, headers=headers)


def no_content() -> web.Response:
    return web.Response(status=204)


def paginate(request: web.Request, items: Sequence[Any]) -> tuple[list[Any], dict[str, str]]:
    """One page of `items` plus `X-Total-Count` and a `Link` header (first, prev, next, last)."""
    q = query(request)
    page, per_page = int(q.get("page", 1)), int(q.get("per_page", 30))
    total = len(items)
    last = max(1, math.ceil(total / per_page))
    url = request.url

    def link(n: int, rel: str) -> str:
        return f'<{url.update_query(page=n, per_page=per_page)}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    start = (page - 1) * per_page
    headers = {"X-Total-Count": str(total), "Link": ", ".join(links)}
    return list(items[start : start + per_page]), headers


def shown(request: web.Request, data: Any) -> Any:
    """`data` cut down to the request's `fields` (dotted names reach nested keys)."""
    return filters.project(data, filters.parse_fields(query(request).get("fields")))


def respond(
    request: web.Request, data: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return ok(shown(request, data), status=status, headers=headers)


def listing(
    request: web.Request,
    views: Sequence[dict[str, Any]],
    q_keys: tuple[str, ...] = (),
    view: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    id_ordered: bool = False,
) -> web.Response:
    """A list answer: the common filters, one page with its headers, then `fields`.

    With `view`, `views` are the stored records and only the page's are turned into views: the
    filters then must not need a view's fields (`q_keys` empty), and the cost follows the page.
    """
    found = filters.apply(views, query(request), q_keys, id_ordered=id_ordered)
    page, headers = paginate(request, found)
    if view is not None:
        page = [view(item) for item in page]
    return respond(request, page, headers=headers)
