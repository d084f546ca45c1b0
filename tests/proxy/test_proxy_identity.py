"""AppIdentifier: the app behind a token, without ever keeping the token."""

import hashlib

import pytest
from miready.proxy.identity import AppIdentifier, bearer_token, parse_apps_file, token_id

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
        ({"authorization": "Bearer abc"}, "abc"),
        ({"authentication": "basic abc"}, None),
        ({"authentication": ""}, None),
        ({}, None),
    ],
)
def test__bearer_token__header_forms(headers, expected):
    assert bearer_token(headers) == expected


async def test__identify__no_map_no_introspection__should_use_token_id_and_user_agent(
    make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
    app = state_of(flow).app
    assert (app.app_id, app.name, app.token_id, app.store_id) == (TID, "TestApp/1.0", TID, "1")
    assert TOKEN not in repr(app)


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


async def test__identify__introspection__should_ask_store_once_per_token(
    make_pipeline, new_flow, state_of
):
    with make_pipeline(miready_introspect=True) as p:
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


async def test__identify__introspection_unreachable__should_fall_back_to_token_id(
    make_pipeline, new_flow, state_of
):
    with make_pipeline(miready_introspect=True) as p:
        p.upstream.fail = TimeoutError()
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
    assert state_of(flow).app.app_id == TID


async def test__identify__no_token__should_be_anonymous_named_by_user_agent(
    make_pipeline, new_flow, state_of
):
    with make_pipeline() as p:
        flow = await p.run(new_flow("GET", "/v1/1/orders", token=None))
    app = state_of(flow).app
    assert (app.app_id, app.name, app.token_id) == ("anonymous", "TestApp/1.0", None)


def test__identifier__options_are_prefixed():
    class Loader:
        names: list[str] = []

        def add_option(self, name, *args, **kwargs):
            self.names.append(name)

    loader = Loader()
    AppIdentifier().load(loader)
    assert loader.names and all(n.startswith("miready_") for n in loader.names)
