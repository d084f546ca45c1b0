"""The one module that knows how mitmproxy is embedded: options, master, listener, error pages.

mitmproxy's embedding API is not promised stable, so everything that touches it beyond the addon
hooks stays here. Only one master may exist per process (hooks go to the last one created).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from miready.proxy.master import LeanMaster, Pipeline
from miready.proxy.options import PREFIX
from mitmproxy import certs, ctx, hooks, http
from mitmproxy.net.http import http1, status_codes
from mitmproxy.options import CONF_BASENAME, KEY_SIZE, Options
from mitmproxy.proxy.layers import http as http_layers
from mitmproxy.proxy.layers.http import _http1, _http2

logger = logging.getLogger(__name__)

DEFAULT_CONFDIR = Path("~/.miready/mitmproxy")
STREAM_LARGE_BODIES = "8m"  # bigger bodies pass through as streams, never parsed nor buffered
MODES = ("reverse", "regular")
GATEWAY_TIMEOUT = 504
_ABORTED = "miready_aborted"  # flow metadata: why the proxy closed the upstream connection
_TIMEOUT_MARK = "\x00miready-timeout\x00"  # carried by the error message to the page builder
_REASONS = {
    400: "Bad Request",
    413: "Payload Too Large",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}


def json_error_response(status_code: int, message: str = "") -> bytes:
    """mitmproxy's own error answers (upstream down...) in the platform's JSON error shape."""
    if message.startswith(_TIMEOUT_MARK):
        status_code, message = GATEWAY_TIMEOUT, message.removeprefix(_TIMEOUT_MARK)
    reason = _REASONS.get(status_code) or status_codes.RESPONSES.get(status_code, "Error")
    body = {"code": status_code, "message": reason, "description": message or reason}
    resp = http.Response.make(
        status_code,
        json.dumps(body),
        {"Content-Type": "application/json", "Connection": "close"},
    )
    return http1.assemble_response(resp)


def install_json_error_pages() -> None:
    """Make mitmproxy answer its own errors in JSON.

    mitmproxy 12 sends a fixed HTML page when the upstream is down and ignores a response set in
    the ``error`` hook (mitmproxy PR #7999 would allow it), so the page builder is replaced. The
    process runs one proxy only, so the change cannot leak into anyone else's.
    """
    _http1.make_error_response = json_error_response
    _http2.format_error = _h2_error_body
    _http2.BufferedH2Connection = _JsonErrorH2Connection
    stream = http_layers.HttpStream
    if not getattr(stream.handle_protocol_error, "_miready", False):
        original = stream.handle_protocol_error

        def handle_protocol_error(self: Any, event: Any) -> Any:
            reason = self.flow.metadata.get(_ABORTED)
            if reason is not None and isinstance(event, http_layers.ResponseProtocolError):
                event = http_layers.ResponseProtocolError(
                    event.stream_id, _TIMEOUT_MARK + reason, event.code
                )
            return original(self, event)

        handle_protocol_error._miready = True  # type: ignore[attr-defined]
        stream.handle_protocol_error = handle_protocol_error  # type: ignore[method-assign]


def abort_upstream(flow: http.HTTPFlow, reason: str) -> bool:
    """Close the flow's upstream connection so the app gets a JSON 504 saying ``reason``.

    mitmproxy has no per-request upstream timeout; closing the server side makes it answer the
    app with its error page, which ``install_json_error_pages`` turns into the 504.
    """
    handler = ctx.master.addons.get("proxyserver").connections.get(flow.client_conn.id)
    if handler is None:
        return False
    transports = list(handler.transports.items())
    for conn, io in transports:
        if conn.id == flow.server_conn.id and io.handler is not None:
            flow.metadata[_ABORTED] = reason
            io.handler.cancel()
            return True
    # Still connecting: the flow is not bound to its server connection until the connect
    # completes, so cancel this client's pending connects (a hanging SYN, a black hole).
    connecting = [
        io
        for conn, io in transports
        if conn is not flow.client_conn
        and conn.timestamp_tcp_setup is None
        and io.handler is not None
        and not io.handler.done()
    ]
    for io in connecting:
        flow.metadata[_ABORTED] = reason
        io.handler.cancel()
    return bool(connecting)


def proxy_mode(mode: str, upstream: str | None) -> str:
    if mode == "reverse":
        if not upstream:
            raise ValueError("reverse mode needs --upstream URL")
        if "://" not in upstream:
            upstream = "http://" + upstream
        return f"reverse:{upstream.rstrip('/')}"
    if mode == "regular":
        return "regular"
    raise ValueError(f"unknown mode {mode!r} (known: {', '.join(MODES)})")


def prepare_confdir(confdir: str | Path | None) -> Path:
    """The confdir, made, with mitmproxy's CA in it (created on first use, as mitmproxy does).

    Workers starting together would each find no CA and write their own over each other's.
    """
    path = Path(confdir or DEFAULT_CONFDIR).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    certs.CertStore.from_store(path, CONF_BASENAME, KEY_SIZE)
    return path


def make_options(
    *, mode: str, upstream: str | None, host: str, port: int, confdir: str | Path | None
) -> Options:
    confdir = Path(confdir or DEFAULT_CONFDIR).expanduser()
    confdir.mkdir(parents=True, exist_ok=True)
    return Options(
        mode=[proxy_mode(mode, upstream)],
        listen_host=host,
        listen_port=port,
        confdir=str(confdir),
    )


# Options of mitmproxy's own addons: they exist only once the addons are loaded.
ADDON_SETTINGS: dict[str, Any] = {
    # Connect per request, so an unreachable store gives each request a 502 of its own.
    "connection_strategy": "lazy",
    "stream_large_bodies": STREAM_LARGE_BODIES,
    # The store sees its own Host, as it would without the proxy.
    "keep_host_header": False,
}


class Listening:
    """Report the real listen address once mitmproxy's server is up."""

    def __init__(self, on_listening: Callable[[str, int], None]) -> None:
        self.on_listening = on_listening

    def running(self) -> None:
        addrs = ctx.master.addons.get("proxyserver").listen_addrs()
        if not addrs:
            logger.error("the proxy could not listen (see the errors above)")
            ctx.master.shutdown()
            return
        host, port = addrs[0][:2]
        self.on_listening(host, port)


def create_master(
    options: Options,
    addons: Sequence[Any],
    settings: dict[str, Any],
    on_listening: Callable[[str, int], None],
) -> LeanMaster:
    """The master with ``addons`` and our ``settings`` applied; call inside the running loop.

    ``await master.run()`` serves until ``master.shutdown()``, then calls every addon's ``done``.
    """
    install_json_error_pages()
    # Only the mitmproxy addons miready needs (no ErrorCheck: a ledger that is down at start must
    # not stop traffic, and a failed listen is caught by `Listening`); our stages as one addon.
    master = LeanMaster(options)
    master.addons.add(Pipeline(addons), Listening(on_listening))
    options.update(**ADDON_SETTINGS, **settings)
    # mitmproxy configures addons only for options that changed; ours parse every option once,
    # defaults included, so they are told about all of them.
    master.addons.trigger(hooks.ConfigureHook({k for k in options.keys() if k.startswith(PREFIX)}))
    return master


def _h2_error_body(status_code: int, message: str) -> bytes:
    """The HTTP/1 error's JSON body, for HTTP/2 streams: one builder for both protocols."""
    return json_error_response(status_code, message).split(b"\r\n\r\n", 1)[1]


class _JsonErrorH2Connection(_http2.BufferedH2Connection):
    """mitmproxy's HTTP/2 error answers with the JSON body's status and content type.

    mitmproxy sends an error stream as fixed headers (``content-type: text/html``) and then
    ``format_error``'s body; the headers are held back until the body says what it is.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._error_heads: set[int] = set()

    def send_headers(self, stream_id: int, headers: Any, *args: Any, **kwargs: Any) -> None:
        names = {bytes(k).lower(): bytes(v) for k, v in headers}
        if names.get(b"content-type") == b"text/html" and names.get(b"server", b"").startswith(
            b"mitmproxy"
        ):
            self._error_heads.add(stream_id)
            return
        super().send_headers(stream_id, headers, *args, **kwargs)

    def send_data(self, stream_id: int, data: bytes, *args: Any, **kwargs: Any) -> None:
        if stream_id in self._error_heads:
            self._error_heads.discard(stream_id)
            status = json.loads(data).get("code", 502)
            heads = [(b":status", b"%d" % status), (b"content-type", b"application/json")]
            super().send_headers(stream_id, heads)
        super().send_data(stream_id, data, *args, **kwargs)
