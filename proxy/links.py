"""Keep apps on the proxy: the store's absolute URLs in ``Link`` headers point back at the proxy.

In reverse mode the store writes pagination links with its own address; an app following them
would leave the proxy and those calls would go unrecorded.
"""

from __future__ import annotations

from miready.proxy.upstream import base_url
from mitmproxy import ctx, http


class UpstreamLinks:
    def response(self, flow: http.HTTPFlow) -> None:
        if flow.response is None or "link" not in flow.response.headers:
            return
        modes = ctx.options.mode
        if len(modes) != 1 or not modes[0].startswith("reverse:"):
            return
        sockname = flow.client_conn.sockname
        if not sockname:
            return
        host, port = sockname[:2]
        shown = f"[{host}]" if ":" in host else host
        upstream, proxy = base_url(flow), f"http://{shown}:{port}"
        values = flow.response.headers.get_all("link")
        flow.response.headers.set_all("link", [v.replace(upstream, proxy) for v in values])
