"""Seed 001's schedule, day before and day after each boundary: legacy and migrated apps' HARs
imported and certified with the shopify-multi-location pack."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from miready.cli import main

PACK = "shopify-multi-location"
SHOP = "http://shop.test/admin/api"
SCOPES = "write_orders,write_products"

# (method, path, legacy body, migrated body): each deprecated behaviour and its migrated form
FULFILL = (
    "POST",
    "/orders/1/fulfillments.json",
    {"fulfillment": {"tracking_number": None, "line_items": [{"id": 4}]}},
    {"fulfillment": {"location_id": 123, "line_items": [{"id": 4}]}},
)
VARIANT = (
    "PUT",
    "/variants/8.json",
    {"variant": {"id": 8, "inventory_quantity": 5}},
    {"variant": {"id": 8, "price": "1.00"}},
)
REFUND = (
    "POST",
    "/orders/1/refunds.json",
    {"refund": {"restock": True, "refund_line_items": [{"line_item_id": 4, "quantity": 1}]}},
    {
        "refund": {
            "refund_line_items": [
                {"line_item_id": 4, "quantity": 1, "restock_type": "return", "location_id": 9}
            ]
        }
    },
)


def har(path: Path, end: date, call: tuple, legacy: bool, version: str, headers=()) -> Path:
    """One call a day at noon for the 31 days up to ``end``."""
    method, url, old, new = call
    entries = []
    for i in range(31, -1, -1):
        at = datetime.combine(end - timedelta(days=i), time(12), tzinfo=UTC)
        entries.append(
            {
                "startedDateTime": at.isoformat(),
                "request": {
                    "method": method,
                    "url": f"{SHOP}/{version}{url}",
                    "headers": [{"name": k, "value": v} for k, v in headers],
                    "postData": {
                        "mimeType": "application/json",
                        "text": json.dumps(old if legacy else new),
                    },
                },
                "response": {"status": 200},
            }
        )
    path.write_text(json.dumps({"log": {"entries": entries}}))
    return path


def judge(tmp_path: Path, end: date, call, legacy, kind, version, headers=(), scopes=SCOPES):
    ledger = f"sqlite:///{tmp_path / f'{end}-{legacy}.db'}"
    capture = har(tmp_path / f"{end}-{legacy}.har", end, call, legacy, version, headers)
    argv = ["import", str(capture), "--ledger", ledger, "--rules", PACK, "--app", "app"]
    assert main([*argv, "--app-kind", kind, "--scopes", scopes]) == 0
    out = tmp_path / f"{end}-{legacy}.json"
    as_of = f"{end.isoformat()}T23:00:00+00:00"
    code = main(
        ["certify", "--ledger", ledger, "--rules", PACK, "--as-of", as_of, "--format", "json",
         "--out", str(out)]
    )  # fmt: skip
    (app,) = json.loads(out.read_text())["apps"]
    blocking = sorted(f["rule_id"] for f in app["findings"] if f["severity"] == "blocking")
    return code, app["verdict"], blocking, app


# One row per boundary of seed 001: the behaviour, the app kind and API version it applies to,
# the first day it is deprecated, and the rules a legacy app meets from that day.
BOUNDARIES = [
    (FULFILL, "public-new", "2019-07", "2018-07-01", ["param.fulfillment.no-location.new-public"]),
    (
        VARIANT,
        "public-new",
        "2019-07",
        "2018-07-01",
        ["param.variant.inventory-quantity.new-public"],
    ),
    (
        REFUND,
        "public-new",
        "2019-07",
        "2018-07-01",
        ["param.refund.restock-no-location.new-public"],
    ),
    (FULFILL, "public", "2019-07", "2019-01-06", ["param.fulfillment.no-location.public"]),
    (VARIANT, "public", "2019-07", "2019-01-06", ["param.variant.inventory-quantity.public"]),
    (REFUND, "private", "2019-10", "2019-10-01", ["param.refund.restock-no-location.2019-10"]),
    (VARIANT, "private", "2019-10", "2019-10-01", ["param.variant.inventory-quantity.2019-10"]),
    (
        FULFILL,
        "private",
        "2019-07",
        "2020-07-01",
        ["param.fulfillment.no-location", "version.legacy-unavailable"],
    ),
]


@pytest.mark.parametrize(
    ("call", "kind", "version", "boundary", "rules"),
    BOUNDARIES,
    ids=[f"{r[1]}-{r[0][1]}-{r[3]}" for r in BOUNDARIES],
)
def test__seed001_schedule__day_before_and_day_of_a_boundary__should_flip_only_the_legacy_app(
    tmp_path, call, kind, version, boundary, rules
):
    first = date.fromisoformat(boundary)
    before = first - timedelta(days=1)
    assert judge(tmp_path, before, call, True, kind, version)[:3] == (0, "auto_approved", [])
    assert judge(tmp_path, first, call, True, kind, version)[:3] == (1, "not_ready", rules)
    for day in (before, first):  # a migrated app also moved to a current version
        assert judge(tmp_path, day, call, False, kind, "2019-10")[:3] == (0, "auto_approved", [])


def test__seed001_private_app_on_2019_07__should_stay_ready_until_july_2020(tmp_path):
    """Private apps on the last legacy version keep the legacy behaviour until it goes."""
    day = date(2020, 6, 30)
    assert judge(tmp_path, day, VARIANT, True, "private", "2019-07")[:3] == (0, "auto_approved", [])


GRACE = [("bypass-multi-location-support", "true")]


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2019-02-03", (0, "auto_approved", [])),
        ("2019-02-04", (1, "not_ready", ["param.fulfillment.no-location.public"])),
    ],
)
def test__seed001_grace_header__should_grace_before_its_date_and_block_from_it(
    tmp_path, end, expected
):
    code, verdict, blocking, app = judge(
        tmp_path, date.fromisoformat(end), FULFILL, True, "public", "2019-07", GRACE
    )
    assert (code, verdict, blocking) == expected
    graced = [f for f in app["findings"] if f["graced"]]
    # every call from 2019-01-06 to 2019-02-03 inside the window is shown as graced, never blocking
    assert [f["severity"] for f in graced] == ["advisory"]
    assert graced[0]["rule_id"] == "param.fulfillment.no-location.public"


SET_LEVEL = ("POST", "/inventory_levels/set.json", {"location_id": 1, "available": 3}, None)


@pytest.mark.parametrize(
    ("scopes", "end", "expected"),
    [
        ("write_products", "2019-01-05", (0, "auto_approved", [])),
        ("write_products", "2019-01-06", (1, "not_ready", ["scope.inventory"])),
        ("write_products,write_inventory", "2019-01-06", (0, "auto_approved", [])),
    ],
)
def test__seed001_inventory_scopes__should_be_needed_from_january_6_2019(
    tmp_path, scopes, end, expected
):
    call = (*SET_LEVEL[:3], SET_LEVEL[2])
    got = judge(tmp_path, date.fromisoformat(end), call, True, "public", "2019-10", scopes=scopes)
    assert got[:3] == expected
