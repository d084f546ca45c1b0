"""Install an app into a running mock the way the platform does it (register, authorize, token
exchange), in plain synchronous Python: for tests and the pytest plugin."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


class InstallError(Exception):
    """The mock refused a step; `status` and `body` are its answer."""

    def __init__(self, step: str, status: int, body: Any) -> None:
        super().__init__(f"{step}: {status} {body}")
        self.step, self.status, self.body = step, status, body


@dataclass(frozen=True, slots=True)
class Installed:
    access_token: str
    token_type: str
    scope: str
    user_id: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _call(
    step: str,
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            raw = response.read()
            return response.status, dict(response.headers), json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raw = e.read()
        if 300 <= e.code < 400:
            return e.code, dict(e.headers), None
        try:
            answer = json.loads(raw)
        except ValueError:
            answer = raw.decode(errors="replace")
        raise InstallError(step, e.code, answer) from None


def register_app(
    base_url: str,
    app_id: str,
    redirect_url: str,
    scopes: list[str],
    *,
    name: str | None = None,
    client_secret: str | None = None,
    admin_token: str | None = None,
) -> dict[str, Any]:
    """The partner's side: `POST /_mock/apps`; answers the app's `client_secret` among others."""
    headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
    body = {"app_id": app_id, "redirect_url": redirect_url, "scopes": scopes}
    body |= {k: v for k, v in (("name", name), ("client_secret", client_secret)) if v}
    return _call("register", "POST", f"{base_url}/_mock/apps", body, headers)[2]


def authorize(
    base_url: str, app_id: str, store_id: str, *, state: str = "", confirm: bool = False
) -> str:
    """The merchant accepts the app: the `code` from the redirect the mock answers."""
    query = {"store_id": store_id, "state": state} | ({"confirm": "true"} if confirm else {})
    status, headers, _ = _call(
        "authorize", "GET", f"{base_url}/apps/{app_id}/authorize?{urlencode(query)}"
    )
    location = headers.get("Location", "")
    codes = parse_qs(urlsplit(location).query).get("code")
    if status != 302 or not codes:
        raise InstallError("authorize", status, location)
    return codes[0]


def exchange(base_url: str, app_id: str, client_secret: str, code: str) -> Installed:
    """The app's side: the token exchange of the notes."""
    body = {
        "client_id": app_id,
        "client_secret": client_secret,
        "grant_type": "authorization_code",
        "code": code,
    }
    answer = _call("token", "POST", f"{base_url}/apps/authorize/token", body)[2]
    return Installed(
        **{k: str(answer[k]) for k in ("access_token", "token_type", "scope")},
        user_id=str(answer["user_id"]),
    )


def install_app(
    base_url: str,
    app_id: str,
    store_id: str,
    client_secret: str,
    *,
    confirm: bool = False,
) -> Installed:
    """Authorize then exchange: an app registered with `register_app` gets its token."""
    code = authorize(base_url, app_id, store_id, confirm=confirm)
    return exchange(base_url, app_id, client_secret, code)
