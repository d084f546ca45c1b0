"""The merchant's readiness warnings (end of seed 004): the second location and an install into a
multi-location store answer 409 naming each not-ready app, unless the merchant confirms."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from miready.mocks.admin_token import exported
from miready.mocks.app import SAMPLE_FIXTURE, create_app
from miready.mocks.config import MockConfig
from miready.mocks.server import MockServer
from mockapi import ADDRESS, Api  # type: ignore[import-not-found]

from miready.readiness import from_ledger, from_report

NOT_READY = {"verdict": "not_ready", "eligible_on": "2026-03-20"}
READY = {"verdict": "auto_approved", "eligible_on": None}


async def one_location_store(api: Api, apps: dict[str, dict | None]) -> str:
    """A new store with one location and `apps` installed; their verdicts set by the admin."""
    _, store = await api.post("/_mock/stores", {"name": "Tienda"})
    sid = store["id"]
    assert (await api.post(f"/_mock/stores/{sid}/locations", {"name": "A", "address": ADDRESS}))[
        0
    ] == 201
    for app_id in apps:
        status, _ = await api.post(f"/_mock/stores/{sid}/apps", {"app_id": app_id, "scopes": []})
        assert status == 201
    await api.put("/_mock/readiness", {k: v for k, v in apps.items() if v is not None})
    return sid


@pytest.mark.parametrize(
    ("apps", "confirm", "status", "warned"),
    [
        ({"11": NOT_READY}, False, 409, ["11"]),
        ({"11": NOT_READY}, True, 201, ["11"]),
        ({"11": NOT_READY, "12": READY}, False, 409, ["11"]),
        ({"12": READY}, False, 201, []),
        ({"13": None}, False, 201, []),  # unknown to the readiness source: no evidence, no warning
        ({}, False, 201, []),
    ],
    ids=["not-ready", "not-ready-confirmed", "mixed", "ready", "unknown", "no-apps"],
)
async def test__second_location__with_installed_apps__should_warn_about_the_not_ready(
    api, apps, confirm, status, warned
) -> None:
    sid = await one_location_store(api, apps)
    body = {"name": "B", "address": ADDRESS} | ({"confirm": True} if confirm else {})
    answer_status, answer = await api.post(f"/_mock/stores/{sid}/locations", body)
    assert answer_status == status
    if status == 409:
        assert answer["code"] == 409 and answer["apps"] == [
            {"app_id": "11", "name": "App 11", **NOT_READY}
        ]
    _, log = await api.get("/_mock/merchant-log")
    expected = [] if not warned else [("add_location", "confirmed" if confirm else "refused")]
    assert [(e["moment"], e["outcome"]) for e in log] == expected
    assert [a["app_id"] for e in log for a in e["apps"]] == warned
    _, locations = await api.get(f"/_mock/stores/{sid}/settings")
    assert locations["multi_location_enabled"] is (status == 201)


async def test__third_location__should_not_warn_again(api) -> None:
    sid = await one_location_store(api, {"11": NOT_READY})
    body = {"name": "B", "address": ADDRESS, "confirm": True}
    assert (await api.post(f"/_mock/stores/{sid}/locations", body))[0] == 201
    body = {"name": "C", "address": ADDRESS}
    assert (await api.post(f"/_mock/stores/{sid}/locations", body))[0] == 201


async def test__apps_own_api__should_be_unchanged(api) -> None:
    await api.put("/_mock/readiness", {"1001": NOT_READY})
    _, store = await api.post("/_mock/stores", {"name": "Tienda"})
    sid = store["id"]
    _, minted = await api.post(
        f"/_mock/stores/{sid}/apps", {"app_id": "1001", "scopes": ["write_locations"]}
    )
    for name in ("A", "B"):
        status, _ = await api.post(
            f"/v1/{sid}/locations",
            {"name": name, "address": ADDRESS},
            token=minted["access_token"],
        )
        assert status == 201
    assert (await api.get("/_mock/merchant-log"))[1] == []


@pytest.mark.parametrize(
    ("verdict", "confirm", "status"),
    [(NOT_READY, False, 409), (NOT_READY, True, 201), (READY, False, 201), (None, False, 201)],
    ids=["not-ready", "not-ready-confirmed", "ready", "unknown"],
)
async def test__install_into_a_multi_location_store__should_warn_if_not_ready(
    api, verdict, confirm, status
) -> None:
    if verdict is not None:
        await api.put("/_mock/readiness", {"55": verdict})
    body = {"app_id": "55", "scopes": ["read_orders"]} | ({"confirm": True} if confirm else {})
    answer_status, answer = await api.post("/_mock/stores/1/apps", body)  # 3 locations
    assert answer_status == status
    if status == 409:
        assert answer["apps"][0] | {"name": None} == {"app_id": "55", "name": None, **NOT_READY}
    _, log = await api.get("/_mock/merchant-log")
    assert len(log) == (verdict is NOT_READY)
    if log:
        assert log[0]["moment"] == "install_app"


async def test__oauth_install_into_a_multi_location_store__should_warn_then_redirect(
    api,
) -> None:
    await api.put("/_mock/readiness", {"56": NOT_READY})
    await api.post(
        "/_mock/apps", {"app_id": "56", "redirect_url": "https://a.example/cb", "scopes": []}
    )
    url = "/apps/56/authorize?store_id=1&state=s"
    async with api.client.get(url, allow_redirects=False) as response:
        assert response.status == 409 and (await response.json())["apps"][0]["app_id"] == "56"
    async with api.client.get(url + "&confirm=true", allow_redirects=False) as response:
        assert response.status == 302 and "code=" in response.headers["Location"]


async def test__install_into_a_one_location_store__should_not_warn(api) -> None:
    sid = await one_location_store(api, {})
    await api.put("/_mock/readiness", {"57": NOT_READY})
    assert (await api.post(f"/_mock/stores/{sid}/apps", {"app_id": "57"}))[0] == 201


@pytest.mark.parametrize("body", [[], {"11": {"eligible_on": "2026-01-01"}}, {"11": "not_ready"}])
async def test__readiness_override__bad_input__should_be_4xx(api, body) -> None:
    status, error = await api.put("/_mock/readiness", body)
    assert status in (400, 422) and error["code"] == status


async def test__readiness_from_a_certify_json_report__should_warn(aiohttp_client, tmp_path) -> None:
    report = tmp_path / "report.json"
    report.write_text(
        json.dumps(
            {
                "apps": [
                    {"app_id": "1001", "verdict": "not_ready", "eligible_on": "2026-04-01"},
                    {"app_id": "1002", "verdict": "auto_approved", "eligible_on": None},
                ]
            }
        )
    )
    config = MockConfig(fixture=SAMPLE_FIXTURE, readiness=from_report(report))
    api = Api(await aiohttp_client(create_app(config)))
    _, verdicts = await api.get("/_mock/readiness")
    assert verdicts == {
        "1001": {"verdict": "not_ready", "eligible_on": "2026-04-01"},
        "1002": {"verdict": "auto_approved", "eligible_on": None},
    }
    assert (await api.post("/_mock/stores/1/apps", {"app_id": "1001"}))[0] == 409
    assert (await api.post("/_mock/stores/1/apps", {"app_id": "1002"}))[0] == 201


def _admin(mock: MockServer, method: str, path: str, body: object = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if getattr(mock, "admin_token", None):
        headers["Authorization"] = f"Bearer {mock.admin_token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(mock.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


class AppClient:
    """An app calling the store through the proxy: its token and User-Agent."""

    def __init__(self, base: str, token: str, user_agent: str) -> None:
        self.base, self.token, self.user_agent = base, token, user_agent

    def call(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        headers = {"User-Agent": self.user_agent, "Authentication": f"bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


@pytest.mark.slow
def test__warnings_from_a_ledger_filled_by_the_proxy__should_name_the_legacy_app_only(
    tmp_path,
) -> None:
    from miready.proxy.clock import write_clock_file
    from miready.proxy.process import ProxyProcess

    ledger = f"sqlite:///{tmp_path / 'ledger.db'}"
    clock_file = tmp_path / "clock.txt"
    now = datetime.now(UTC)
    config = MockConfig(fixture=SAMPLE_FIXTURE, readiness=from_ledger(ledger))
    with (
        MockServer(config=config) as mock,
        exported(mock.admin_token),  # the proxy asks the mock who a token is with it
        ProxyProcess(
            mock.url, ledger_url=ledger, options={"miready_clock_file": str(clock_file)}
        ) as proxy,
    ):
        legacy = AppClient(proxy.url + "/v1/1", "demo-legacy-token-0001", "LegacyApp (l@x.io)")
        ready = AppClient(proxy.url + "/v1/1", "demo-ready-token-0002", "ReadyApp (r@x.io)")
        write_clock_file(clock_file, now - timedelta(days=15))  # both observed 15 days ago
        assert legacy.call("GET", "/orders")[0] == 200
        assert ready.call("GET", "/orders")[0] == 200
        write_clock_file(clock_file, now)
        status, order = ready.call(
            "POST", "/orders", {"products": [{"variant_id": 301, "quantity": 1}]}
        )
        assert status == 201
        assert legacy.call("POST", f"/orders/{order['id']}/pack")[0] == 200  # deprecated
        assert proxy.wait_until_recorded(15)

        status, verdicts = _admin(mock, "GET", "/_mock/readiness")
        assert status == 200
        assert verdicts["1001"]["verdict"] == "not_ready"
        assert verdicts["1001"]["eligible_on"] == (now + timedelta(days=14)).date().isoformat()
        assert verdicts["1002"]["verdict"] == "auto_approved"

        # (a) the second location of a one-location store with both apps installed
        _, store = _admin(mock, "POST", "/_mock/stores", {"name": "Dos"})
        sid = store["id"]
        _admin(mock, "POST", f"/_mock/stores/{sid}/locations", {"name": "A", "address": ADDRESS})
        for app_id in ("1001", "1002"):
            assert _admin(mock, "POST", f"/_mock/stores/{sid}/apps", {"app_id": app_id})[0] == 201
        body = {"name": "B", "address": ADDRESS}
        status, warning = _admin(mock, "POST", f"/_mock/stores/{sid}/locations", body)
        assert status == 409
        assert [(a["app_id"], a["verdict"]) for a in warning["apps"]] == [("1001", "not_ready")]
        assert warning["apps"][0]["eligible_on"] == verdicts["1001"]["eligible_on"]
        body["confirm"] = True
        assert _admin(mock, "POST", f"/_mock/stores/{sid}/locations", body)[0] == 201

        # (b) installing into the sample store (three locations)
        assert _admin(mock, "POST", "/_mock/stores/1/apps", {"app_id": "1001"})[0] == 409
        assert _admin(mock, "POST", "/_mock/stores/1/apps", {"app_id": "1002"})[0] == 201

        _, log = _admin(mock, "GET", "/_mock/merchant-log")
        assert [(e["moment"], e["outcome"]) for e in log] == [
            ("add_location", "refused"),
            ("add_location", "confirmed"),
            ("install_app", "refused"),
        ]


async def test__reset__should_forget_overrides_and_the_log(api) -> None:
    await api.put("/_mock/readiness", {"55": NOT_READY})
    assert (await api.post("/_mock/stores/1/apps", {"app_id": "55"}))[0] == 409
    assert (await api.post("/_mock/reset"))[0] == 200
    assert (await api.get("/_mock/readiness"))[1] == {}
    assert (await api.get("/_mock/merchant-log"))[1] == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], {"rate_limit": False}),
        (["--rate-limit"], {"rate_limit": True}),
    ],
)
def test__cli_mock_options__should_become_config_fields(argv, expected) -> None:
    from miready.cli import _parser, _platform_side_options

    assert _platform_side_options(_parser().parse_args(["mock", *argv])) == expected


def test__cli_mock_readiness_report__should_be_read_into_the_config(tmp_path) -> None:
    from miready.cli import _parser, _platform_side_options

    report = tmp_path / "r.json"
    report.write_text(json.dumps({"apps": [{"app_id": "7", "verdict": "not_ready"}]}))
    options = _platform_side_options(_parser().parse_args(["mock", "--readiness", str(report)]))
    assert options["readiness"]() == {"7": ("not_ready", None)}


def test__cli_mock_readiness_not_a_report__should_exit_2(tmp_path, capsys) -> None:
    from miready.cli import main

    (tmp_path / "bad.json").write_text("[]")
    assert main(["mock", "--readiness", str(tmp_path / "bad.json")]) == 2
    assert "not a certify JSON report" in capsys.readouterr().err


def test__cli_mock_ledger_and_readiness__should_be_exclusive(capsys) -> None:
    from miready.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["mock", "--ledger", "sqlite:///x.db", "--readiness", "r.json"])
    assert exited.value.code == 2
