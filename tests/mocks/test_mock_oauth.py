"""Install as the platform does it: authorization code, token exchange, uninstall, reinstall."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from miready.mocks.install import InstallError, install_app, register_app
from miready.mocks.server import MockServer
from mockapi import Api  # type: ignore[import-not-found]

NOW = "2026-03-01T12:00:00+00:00"
APP = {
    "app_id": "3003",
    "name": "Shiny App",
    "client_secret": "shiny-secret",
    "redirect_url": "https://shiny.example/oauth/callback",
    "scopes": ["read_orders", "write_products"],
}


async def authorize(api: Api, app_id: str = "3003", **query: str) -> tuple[int, str, dict]:
    params = {"store_id": "1", "state": "xyz"} | query
    async with api.client.get(
        f"/apps/{app_id}/authorize", params=params, allow_redirects=False
    ) as response:
        body = await response.json() if response.status >= 400 else {}
        return response.status, response.headers.get("Location", ""), body


async def code_for(api: Api) -> str:
    status, location, body = await authorize(api)
    assert status == 302, body
    return parse_qs(urlsplit(location).query)["code"][0]


async def exchange(api: Api, body: dict) -> tuple[int, dict]:
    async with api.client.post("/apps/authorize/token", json=body) as response:
        return response.status, await response.json()


def exchange_body(code: str, over: dict | None = None) -> dict[str, str]:
    return {
        "client_id": "3003",
        "client_secret": "shiny-secret",
        "grant_type": "authorization_code",
        "code": code,
    } | (over or {})


@pytest.fixture
async def registered(api: Api) -> Api:
    await api.put("/_mock/clock", {"now": NOW})
    status, body = await api.post("/_mock/apps", APP)
    assert status == 201 and body["client_secret"] == "shiny-secret"
    return api


async def test__authorization_code_flow__should_install_with_a_working_token(registered) -> None:
    api = registered
    status, location, _ = await authorize(api)
    parts = urlsplit(location)
    assert status == 302 and location.startswith(APP["redirect_url"] + "?")
    assert parse_qs(parts.query)["state"] == ["xyz"] and len(parse_qs(parts.query)["code"][0])
    code = parse_qs(parts.query)["code"][0]
    status, answer = await exchange(api, exchange_body(code))
    assert status == 200 and answer | {"access_token": None} == {
        "access_token": None,
        "token_type": "bearer",
        "scope": "read_orders,write_products",
        "user_id": "1",
    }
    assert (await api.get("/orders", token=answer["access_token"]))[0] == 200
    assert (await api.get("/locations", token=answer["access_token"]))[0] == 200  # auto-granted
    status, error = await api.post("/locations", {}, token=answer["access_token"])
    assert status == 403


@pytest.mark.parametrize(("wait_s", "status"), [(0, 200), (299, 200), (300, 200), (301, 400)])
async def test__code__past_its_lifetime__should_be_refused(registered, wait_s, status) -> None:
    code = await code_for(registered)
    await registered.put("/_mock/clock", {"advance_seconds": wait_s})
    answer_status, answer = await exchange(registered, exchange_body(code))
    assert answer_status == status
    if status == 400:
        assert "expired" in answer["description"] and answer["code"] == 400


async def test__code__used_twice__should_be_refused_the_second_time(registered) -> None:
    code = await code_for(registered)
    assert (await exchange(registered, exchange_body(code)))[0] == 200
    status, error = await exchange(registered, exchange_body(code))
    assert status == 400 and "already used" in error["description"]


@pytest.mark.parametrize(
    ("over", "status"),
    [
        ({"client_secret": "wrong"}, 401),
        ({"client_id": "9999"}, 401),
        ({"grant_type": "password"}, 422),
        ({"code": "not-a-code"}, 400),
        ({"code": None}, 400),
    ],
    ids=["wrong-secret", "unknown-client", "grant-type", "unknown-code", "missing-code"],
)
async def test__token_exchange__bad_input__should_be_4xx_in_the_error_shape(
    registered, over, status
) -> None:
    code = await code_for(registered)
    body = {k: v for k, v in exchange_body(code, over).items() if v is not None}
    answer_status, error = await exchange(registered, body)
    assert answer_status == status and set(error) >= {"code", "message", "description"}


async def test__token_exchange__not_json__should_be_400(registered) -> None:
    async with registered.client.post("/apps/authorize/token", data=b"{nope") as response:
        assert response.status == 400 and (await response.json())["code"] == 400


@pytest.mark.parametrize(
    ("app_id", "query", "status"),
    [("9999", {}, 404), ("3003", {"store_id": ""}, 422), ("3003", {"store_id": "77"}, 404)],
    ids=["unknown-app", "no-store", "unknown-store"],
)
async def test__authorize__bad_input__should_be_4xx(registered, app_id, query, status) -> None:
    answer_status, _, error = await authorize(registered, app_id, **query)
    assert answer_status == status and error["code"] == status


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"app_id": "1", "redirect_url": "ftp://x"},
        {"app_id": "1", "redirect_url": "https://x.example/cb", "scopes": 3},
        {"app_id": True, "redirect_url": "https://x.example/cb"},
    ],
)
async def test__register__bad_input__should_be_422(api, body) -> None:
    status, error = await api.post("/_mock/apps", body)
    assert status == 422 and error["code"] == 422


async def test__reinstall__should_mint_a_new_token_and_kill_the_old_one(registered) -> None:
    api = registered
    first = (await exchange(api, exchange_body(await code_for(api))))[1]
    second = (await exchange(api, exchange_body(await code_for(api))))[1]
    assert first["access_token"] != second["access_token"]
    assert (await api.get("/orders", token=first["access_token"]))[0] == 401
    assert (await api.get("/orders", token=second["access_token"]))[0] == 200


async def test__uninstall__should_kill_the_token_and_refuse_a_second_time(registered) -> None:
    api = registered
    token = (await exchange(api, exchange_body(await code_for(api))))[1]
    status, body = await api.delete("/_mock/stores/1/apps/3003")
    assert status == 200 and body["uninstalled"] is True
    assert (await api.get("/orders", token=token["access_token"]))[0] == 401
    assert (await api.delete("/_mock/stores/1/apps/3003"))[0] == 404
    again = (await exchange(api, exchange_body(await code_for(api))))[1]
    assert (await api.get("/orders", token=again["access_token"]))[0] == 200


def test__python_helper__should_install_through_a_running_mock() -> None:
    with MockServer() as mock:
        admin = getattr(mock, "admin_token", None)
        registered = register_app(
            mock.url, "4004", "https://h.example/cb", ["read_products"], admin_token=admin
        )
        installed = install_app(mock.url, "4004", "1", registered["client_secret"])
        assert installed.token_type == "bearer" and installed.user_id == "1"
        assert installed.scope == "read_products"
        with pytest.raises(InstallError) as refused:
            install_app(mock.url, "4004", "1", "wrong-secret")
        assert refused.value.status == 401 and refused.value.step == "token"
