"""Request pipeline: JSON errors, admin guard, faults, auth and scopes, body/query validation."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.http_exceptions import DecompressSizeError
from aiohttp.web_protocol import RequestPayloadError
from miready.mocks.admin_token import is_authorized
from miready.mocks.errors import ApiError, BadRequest, Unprocessable, error_body
from miready.mocks.keys import (
    body_key,
    config_key,
    faults_key,
    installation_key,
    operation_key,
    operations_key,
    path_methods_key,
    path_params_key,
    platform_key,
    query_params_key,
    store_key,
)
from miready.mocks.operations import OperationSpec

log = logging.getLogger("miready.mocks")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ADMIN_PREFIX = "/_mock"
API_PREFIX = "/v1/"


def json_error(
    status: int, description: str, headers: dict[str, str] | None = None, **extra: object
) -> web.Response:
    return web.json_response(
        error_body(status, description, **extra), status=status, headers=headers
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error as `{code, message, description}`; a JSON 500 only as the last resort."""
    try:
        return await handler(request)
    except ApiError as e:
        return web.json_response(e.body(), status=e.status)
    except RequestPayloadError as e:  # a body that is not what its Content-Encoding says
        too_big = isinstance(e.__cause__, DecompressSizeError)
        encoding = request.headers.get("Content-Encoding", "")[:40]
        response = json_error(
            413 if too_big else 400,
            "The body is over the size limit once decompressed"
            if too_big
            else f"The body is not valid for its Content-Encoding {encoding!r}",
        )
        response.force_close()
        return response
    except web.HTTPException as e:
        if e.status < 400:
            raise
        headers = {"Allow": e.headers["Allow"]} if "Allow" in e.headers else None
        description = {
            404: f"No route for {request.method} {request.path}",
            405: f"{request.method} is not allowed on {request.path}",
            413: "The request body is over the size limit (1 MiB)",
        }.get(e.status, e.text or e.reason)
        return json_error(e.status, description, headers)
    except (asyncio.CancelledError, KeyboardInterrupt):
        raise
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return json_error(500, "Unexpected error in the mock platform (this is a bug in the mock)")


def _is_loopback(remote: str | None) -> bool:
    if not remote:
        return False
    try:
        return ipaddress.ip_address(remote.split("%")[0]).is_loopback
    except ValueError:
        return False


@web.middleware
async def admin_guard_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """/_mock is the operator's: loopback peers only (403), with the admin token (401)."""
    if not request.path.startswith(ADMIN_PREFIX):
        return await handler(request)
    config = request.app[config_key]
    if not config.allow_remote_admin and not _is_loopback(request.remote):
        return json_error(
            403, "The admin API answers loopback clients only (start with --allow-remote-admin)"
        )
    if not is_authorized(request.headers, config.admin_token):
        return json_error(
            401,
            "The admin API needs 'Authorization: Bearer <admin token>' (miready mock prints it "
            "and writes it to its --admin-token-file)",
            {"WWW-Authenticate": 'Bearer realm="miready-mock-admin"'},
        )
    return await handler(request)


@web.middleware
async def method_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A method the spec lacks for this path is 405 with the spec's `Allow`, before any route."""
    spec = request.app[path_methods_key].lookup(request.rel_url.path_safe)
    if spec is not None and not spec.allows(request.method):
        return json_error(
            405,
            f"{request.method[:20]} is not allowed on {spec.template}",
            {"Allow": spec.allow},
        )
    return await handler(request)


@web.middleware
async def fault_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith(API_PREFIX):
        latency, status = request.app[faults_key].decide(request.path)
        if latency:
            await asyncio.sleep(latency / 1000)
        if status is not None:
            return json_error(status, "Injected fault (PUT /_mock/faults)")
    return await handler(request)


def operation_of(request: web.Request) -> OperationSpec | None:
    route = request.match_info.route
    name = getattr(route, "name", None)
    return request.app[operations_key].get(name) if name else None


def _token(request: web.Request) -> str | None:
    header = request.headers.get("Authentication") or request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@web.middleware
async def auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """`User-Agent` required (400); token of this store (401); the operation's scope (403)."""
    op = operation_of(request)
    if op is None:
        return await handler(request)
    if not request.headers.get("User-Agent", "").strip():
        raise BadRequest("The User-Agent header is required, e.g. 'MyApp (name@email.com)'")
    platform = request.app[platform_key]
    token = _token(request)
    installation = platform.installations.get(token) if token else None
    store_id = request.match_info.get("store_id", "")
    if installation is None:
        raise ApiError(
            401, "Missing or unknown access token (send 'Authentication: bearer <token>')"
        )
    if installation.store_id != store_id or store_id not in platform.stores:
        raise ApiError(401, f"The access token does not belong to store {store_id}")
    if op.scope and op.scope not in installation.effective_scopes:
        raise ApiError(403, f"This operation needs the scope {op.scope}", scope=op.scope)
    request[installation_key] = installation
    request[store_key] = platform.stores[store_id]
    request[operation_key] = op
    return await handler(request)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


@web.middleware
async def validation_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Path and query parameters typed by the spec; the JSON body parsed once and validated."""
    op = request.get(operation_key)
    if op is None:
        return await handler(request)
    request[path_params_key] = op.parse_path(dict(request.match_info))
    request[query_params_key] = op.parse_query(request.query)
    if op.body_validator is not None:
        raw = await request.read()
        if not raw.strip():
            if op.body_required:
                raise Unprocessable(
                    {"body": ["is required"]}, "A JSON request body is required", op.errors_under
                )
            body: object = {}
        else:
            if request.content_type != "application/json":
                raise ApiError(415, "Send the body as JSON with 'Content-Type: application/json'")
            try:
                body = json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
            except (ValueError, UnicodeDecodeError, RecursionError) as e:
                raise BadRequest(f"Problems parsing JSON: {e}") from None
        op.validate_body(body)
        request[body_key] = body
    return await handler(request)
