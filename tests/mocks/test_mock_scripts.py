"""Scripts (mocks/state/scripts.py): an app's own, validated, filtered, gone with the app."""

from __future__ import annotations

import pytest
from miready.mocks.keys import platform_key

SCRIPT = {"src": "https://app.example/widget.js", "event": "onload"}


def _token(client, app_id: str, scopes: list[str]) -> str:
    return client.app[platform_key].install_app("1", app_id, scopes).access_token


async def test__create_script__should_default_where_to_store_and_hide_the_owner(api) -> None:
    status, script = await api.post("/scripts", SCRIPT)
    assert status == 201
    assert script["where"] == "store" and script["src"] == SCRIPT["src"]
    assert set(script) == {"id", "src", "event", "where", "created_at", "updated_at"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"where": "nowhere"}, {"src", "event", "where"}),
        ({**SCRIPT, "src": "http://app.example/widget.js"}, {"src"}),
        ({**SCRIPT, "event": "onclick"}, {"event"}),
        ({**SCRIPT, "where": "store,cart"}, {"where"}),
        ({**SCRIPT, "name": "widget"}, {"name"}),
    ],
    ids=["blank", "plain-http", "event", "where", "unknown-key"],
)
async def test__bad_script__should_be_422_naming_each_field_at_the_top_level(
    api, body, fields
) -> None:
    status, error = await api.post("/scripts", body)
    assert status == 422 and error["code"] == 422 and error["message"] == "Unprocessable Entity"
    assert fields <= set(error), error
    assert all(isinstance(error[f], list) and error[f] for f in fields)


async def test__put_script__should_ignore_the_read_only_keys_of_a_whole_object(api) -> None:
    _, script = await api.post("/scripts", SCRIPT)
    await api.put("/_mock/clock", {"advance_seconds": 60})
    whole = {**script, "src": "https://app.example/v2.js", "id": 999, "created_at": "1999"}
    status, changed = await api.put(f"/scripts/{script['id']}", whole)
    assert status == 200
    assert changed["id"] == script["id"] and changed["created_at"] == script["created_at"]
    assert changed["src"] == "https://app.example/v2.js"
    assert changed["updated_at"] > script["updated_at"]


async def test__scripts_of_another_app__should_be_invisible_and_404(api, client) -> None:
    _, mine = await api.post("/scripts", SCRIPT)
    other = _token(client, "77", ["write_scripts"])
    assert await api.get("/scripts", token=other) == (200, [])
    for method in ("GET", "DELETE"):
        status, error = await api.call(method, f"/scripts/{mine['id']}", token=other)
        assert status == 404 and error["description"] == "Script with such id does not exist"
    status, _ = await api.put(f"/scripts/{mine['id']}", {"where": "checkout"}, token=other)
    assert status == 404
    assert (await api.get(f"/scripts/{mine['id']}"))[0] == 200


async def test__uninstall__should_remove_the_apps_scripts_only(api, client) -> None:
    other = _token(client, "77", ["write_scripts"])
    _, kept = await api.post("/scripts", SCRIPT, token=other)
    await api.post("/scripts", SCRIPT)
    assert (await api.delete("/_mock/stores/1/apps/1002"))[0] == 200
    token = _token(client, "1002", ["write_scripts"])
    assert await api.get("/scripts", token=token) == (200, [])
    assert [s["id"] for s in (await api.get("/scripts", token=other))[1]] == [kept["id"]]


async def test__list_scripts__should_filter_by_src_since_id_dates_and_page(api) -> None:
    await api.put("/_mock/clock", {"now": "2023-03-01T10:00:00Z"})
    ids = []
    for n in range(5):
        _, script = await api.post("/scripts", {**SCRIPT, "src": f"https://app.example/{n}.js"})
        ids.append(script["id"])
        await api.put("/_mock/clock", {"advance_seconds": 3600})
    _, found = await api.get("/scripts?src=https://app.example/3.js")
    assert [s["id"] for s in found] == [ids[3]]
    _, found = await api.get(f"/scripts?since_id={ids[2]}")
    assert [s["id"] for s in found] == ids[3:]
    window = "created_at_min=2023-03-01T11:00:00Z&created_at_max=2023-03-01T12:00:00Z"
    _, found = await api.get(f"/scripts?{window}")
    assert [s["id"] for s in found] == ids[1:3]
    status, page = await api.get("/scripts?page=2&per_page=2&fields=id,src")
    assert status == 200 and page == [
        {"id": ids[2], "src": "https://app.example/2.js"},
        {"id": ids[3], "src": "https://app.example/3.js"},
    ]
    assert api.last_headers["X-Total-Count"] == "5" and 'rel="next"' in api.last_headers["Link"]
    status, error = await api.get("/scripts?per_page=500")
    assert status == 422 and "per_page" in error


@pytest.mark.parametrize(
    ("scopes", "method", "status"),
    [
        (["read_products"], "GET", 403),
        (["read_scripts"], "GET", 200),
        (["read_scripts"], "POST", 403),
        (["write_scripts"], "GET", 200),  # a write scope implies its read scope
        (["write_scripts"], "POST", 201),
    ],
)
async def test__scripts__should_need_read_or_write_scripts(
    api, client, scopes, method, status
) -> None:
    token = _token(client, "77", scopes)
    body = SCRIPT if method == "POST" else None
    got, body = await api.call(method, "/scripts", body, token=token)
    assert got == status, body
    if status == 403:
        assert body["scope"] == ("read_scripts" if method == "GET" else "write_scripts")
        assert body["code"] == 403 and "scripts" in body["description"]
