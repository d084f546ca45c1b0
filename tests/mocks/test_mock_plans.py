"""Plan limits on locations and the store's `multi_location_enabled` switch."""

from __future__ import annotations

import pytest
from miready.mocks.plans import platform_limits
from mockapi import ADDRESS, Api  # type: ignore[import-not-found]


async def add(api: Api, via: str, name: str = "Nueva") -> tuple[int, dict]:
    body = {"name": name, "address": ADDRESS}
    if via == "app":
        return await api.post("/locations", body)
    return await api.post("/_mock/stores/1/locations", body | {"confirm": True})


def test__plans_file__should_hold_the_notes_caps() -> None:
    plans = platform_limits()["plans"]
    caps = {name: plan["locations"] for name, plan in plans.items()}
    assert caps == {
        "freemium": 1,
        "plan_a": 1,
        "plan_b": 2,
        "plan_c": 3,
        "next": None,
        "evolution": None,
        "enterprise": None,
    }


# The sample store has 2 merchant locations and 1 fulfillment-service location (not counted).
@pytest.mark.parametrize("via", ["app", "merchant"])
@pytest.mark.parametrize(
    ("plan", "accepted"),
    [("freemium", 0), ("plan_a", 0), ("plan_b", 0), ("plan_c", 1), ("enterprise", 5), (None, 5)],
)
async def test__locations__beyond_the_plan__should_be_422_naming_the_cap(
    api, via, plan, accepted
) -> None:
    status, _ = await api.put("/_mock/stores/1/settings", {"plan": plan})
    assert status == 200
    answers = [await add(api, via, f"L{i}") for i in range(5)]
    assert [s for s, _ in answers] == [201] * accepted + [422] * (5 - accepted)
    if accepted < 5:
        error = answers[-1][1]
        cap = platform_limits()["plans"][plan]["locations"]
        assert error["code"] == 422 and error["location_limit"] == cap and error["plan"] == plan
        assert f"allows {cap} location" in error["description"] and "locations" in error
    _, locations = await api.get("/locations")
    assert len(locations) == 3 + accepted


async def test__fulfillment_service_location__should_not_count_against_the_plan(api) -> None:
    await api.put("/_mock/stores/1/settings", {"plan": "plan_b"})
    status, _ = await api.post(
        "/_mock/stores/1/locations",
        {"name": "Dropshipper", "address": ADDRESS, "is_fulfillment_service": True},
    )
    assert status == 201


@pytest.mark.parametrize(("setting", "shown"), [(None, True), (False, False), (True, True)])
async def test__multi_location_enabled__should_show_the_switch_in_get_store(
    api, setting, shown
) -> None:
    status, settings = await api.put(
        "/_mock/stores/1/settings", {"multi_location_enabled": setting}
    )
    assert status == 200 and settings["multi_location_enabled"] is shown
    assert (await api.get("/store"))[1]["multi_location_enabled"] is shown


async def test__multi_location_enabled__unset__should_follow_the_location_count(api) -> None:
    _, store = await api.post("/_mock/stores", {"name": "Solo"})
    sid = store["id"]
    assert (await api.get(f"/_mock/stores/{sid}/settings"))[1]["multi_location_enabled"] is False
    for name in ("Uno", "Dos"):
        status, _ = await api.post(
            f"/_mock/stores/{sid}/locations", {"name": name, "address": ADDRESS}
        )
        assert status == 201
    assert (await api.get(f"/_mock/stores/{sid}/settings"))[1]["multi_location_enabled"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"plan": "gold"},
        {"multi_location_enabled": "yes"},
        {"allocation_strategy": "random"},
        {"colour": "red"},
        [],
    ],
)
async def test__settings__bad_input__should_be_4xx_in_the_error_shape(api, body) -> None:
    status, error = await api.put("/_mock/stores/1/settings", body)
    assert status in (400, 422) and set(error) >= {"code", "message", "description"}


async def test__settings__unknown_store__should_be_404(api) -> None:
    assert (await api.get("/_mock/stores/77/settings"))[0] == 404
