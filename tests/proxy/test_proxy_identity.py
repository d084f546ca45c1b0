"""AppIdentifier: the app behind a token, named only by the platform, never keeping the token."""

import hashlib

import pytest
from miready.contracts.observe import UNIDENTIFIED
from miready.contracts.tokens import bearer_token, token_id
from miready.proxy.identity import AppIdentifier, parse_apps_file

TOKEN = "tok-legacy-0001"
TID = hashlib.sha256(TOKEN.encode()).hexdigest()[:16]


def test__token_id__should_be_first_16_hex_of_sha256():
    assert token_id(TOKEN) == TID
    assert len(TID) == 16


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"authentication": "bearer abc"}, "abc"),
        ({"authentication": "Bearer abc"}, "abc"),
        ({"authentication": "abc"}, "abc"),
        ({"authorization": "Bearer abc"}, None),  # the operator's header, never an app's
        ({"authentication": "basic abc"}, None),
        ({"authentication": "bearer "}, None),
        ({"authentication": ""}, None),
        ({}, None),
    ],
)
def test__bearer_token__header_forms(headers, expected):
    assert bearer_token(headers, "Authentication") == expected


async def test__identify__no_map_no_introspection__should_use_token_id_without_name(
    make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
    app = state_of(flow).app
    assert (app.app_id, app.name, app.token_id, app.store_id) == (TID, None, TID, "1")
    assert app.identified and TOKEN not in repr(app)


async def test__identify__apps_file__should_give_app_name_and_scopes(
    tmp_path, make_pipeline, new_flow, state_of
):
    apps = tmp_path / "apps.yaml"
    apps.write_text(
        f"{TID}: {{app_id: '42', name: Shipper, scopes: [write_orders, read_orders]}}\n"
    )
    with make_pipeline(miready_apps_file=str(apps)) as p:
        flow = await p.run(new_flow("GET", "/v1/9/orders"))
    app = state_of(flow).app
    assert (app.app_id, app.name, app.scopes, app.store_id) == (
        "42",
        "Shipper",
        ("read_orders", "write_orders"),
        "9",
    )


def test__apps_file__malformed__should_raise_value_error(tmp_path):
    bad = tmp_path / "apps.yaml"
    bad.write_text("abc: [not, a, mapping]\n")
    with pytest.raises(ValueError, match="needs at least app_id"):
        parse_apps_file(bad)


async def test__identify__introspection__should_ask_store_once_per_token_with_admin_token(
    make_pipeline, new_flow, state_of
):
    with make_pipeline(miready_introspect=True, miready_admin_token="adm-secret") as p:
        p.upstream.routes[("GET", f"/_mock/tokens/{TID}")] = (
            200,
            {"app_id": "1001", "app_name": "Legacy", "store_id": "1", "scopes": ["write_orders"]},
        )
        flows = [await p.run(new_flow("GET", "/v1/1/orders")) for _ in range(3)]
    apps = {state_of(f).app for f in flows}
    assert len(apps) == 1
    app = apps.pop()
    assert (app.app_id, app.name, app.scopes, app.source) == (
        "1001",
        "Legacy",
        ("write_orders",),
        "upstream",
    )
    assert [c[1] for c in p.upstream.calls] == [f"/_mock/tokens/{TID}"]
    assert p.upstream.headers == [{"Authorization": "Bearer adm-secret"}]


async def test__identify__admin_token_from_environment__should_be_sent(
    monkeypatch, make_pipeline, new_flow
):
    monkeypatch.setenv("MIREADY_ADMIN_TOKEN", "from-env")
    with make_pipeline(miready_introspect=True) as p:
        await p.run(new_flow("GET", "/v1/1/orders"))
    assert p.upstream.headers == [{"Authorization": "Bearer from-env"}]


async def test__identify__introspection_unreachable__should_fall_back_to_token_id(
    make_pipeline, new_flow, state_of
):
    with make_pipeline(miready_introspect=True) as p:
        p.upstream.fail = TimeoutError()
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
    assert state_of(flow).app.app_id == TID


async def test__identify__store_does_not_know_token__should_be_unidentified(
    make_pipeline, new_flow, state_of
):
    with make_pipeline(miready_introspect=True) as p:
        p.upstream.routes[("GET", f"/_mock/tokens/{TID}")] = (
            404,
            {"code": 404, "message": "Not Found", "description": f"No token with id {TID}"},
        )
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
    assert p.records[0].identified is False
    assert (p.records[0].app_id, p.records[0].app_name) == (UNIDENTIFIED, None)
    assert state_of(flow).app.token_id == TID


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/1/orders", {}),  # no token at all
        ("/v1/1/orders", {"Authentication": "bearer \udcff\udcfe"}),  # bytes that are no text
        ("/v1/1/orders", {"Authentication": "bearer " + "x" * 8000}),  # far too long
        ("/v1/1/orders", {"Authorization": "Bearer tok-legacy-0001"}),  # the operator's header
    ],
)
async def test__identify__no_valid_identity__should_record_unidentified_without_name(
    path, headers, make_pipeline, new_flow
):
    with make_pipeline() as p:
        await p.run(new_flow("GET", path, token=None, headers=headers))
    (record,) = p.records
    assert (record.identified, record.app_id, record.app_name, record.scopes) == (
        False,
        UNIDENTIFIED,
        None,
        (),
    )


def test__identifier__options_are_prefixed():
    class Loader:
        names: list[str] = []

        def add_option(self, name, *args, **kwargs):
            self.names.append(name)

    loader = Loader()
    AppIdentifier().load(loader)
    assert loader.names and all(n.startswith("miready_") for n in loader.names)
