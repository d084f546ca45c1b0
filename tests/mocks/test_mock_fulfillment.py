"""mocks/state/fulfillment.py and tracking.py: the FO status machine and tracking-event rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.errors import ApiError
from miready.mocks.state import orders, snapshot, tracking
from miready.mocks.state.fulfillment import update_fulfillment_order
from miready.mocks.state.platform import Platform


def placed(shipping_type: str = "ship"):
    platform = Platform()
    platform.clock.set(datetime(2023, 3, 1, 12, 0, tzinfo=UTC))
    snapshot.load(platform, snapshot.read_fixture(SAMPLE_FIXTURE))
    store = platform.stores["1"]
    order = orders.create_order(
        platform,
        store,
        {
            "products": [{"variant_id": 201, "quantity": 1}],
            "fulfillment": {"shipping": {"type": shipping_type}},
        },
    )
    return platform, store, store.fulfillment_orders_of(order)[0]


def walk(platform, store, fo, statuses):
    for status in statuses:
        update_fulfillment_order(platform, store, fo, {"status": status})


@pytest.mark.parametrize(
    ("kind", "path", "target", "allowed"),
    [
        ("ship", [], "PACKED", True),
        ("ship", [], "DISPATCHED", True),
        ("ship", [], "DELIVERED", False),
        ("ship", [], "READY_FOR_PICKUP", False),
        ("ship", ["PACKED"], "UNPACKED", True),
        ("ship", ["PACKED"], "DISPATCHED", True),
        ("ship", ["PACKED", "DISPATCHED"], "DELIVERED", True),
        ("ship", ["PACKED", "DISPATCHED"], "UNPACKED", False),
        ("ship", ["PACKED", "DISPATCHED"], "PACKED", False),
        ("ship", ["DISPATCHED", "DELIVERED"], "DISPATCHED", False),
        ("pickup", [], "PACKED", True),
        ("pickup", [], "DISPATCHED", False),
        ("pickup", ["PACKED"], "READY_FOR_PICKUP", True),
        ("pickup", ["PACKED", "READY_FOR_PICKUP"], "DELIVERED", True),
        ("pickup", ["PACKED", "READY_FOR_PICKUP"], "UNPACKED", False),
        ("non-shippable", [], "DELIVERED", True),
        ("non-shippable", [], "PACKED", False),
        ("ship", [], "packed", True),  # either case in
    ],
)
def test__fo_transition__table__should_allow_or_refuse_with_next_states(
    kind, path, target, allowed
) -> None:
    platform, store, fo = placed(kind)
    walk(platform, store, fo, path)
    if allowed:
        update_fulfillment_order(platform, store, fo, {"status": target})
        assert fo["status"] == target.upper()  # upper case out
        assert fo["status_history"][-1]["to_status"] == target.upper()
    else:
        with pytest.raises(ApiError) as e:
            update_fulfillment_order(platform, store, fo, {"status": target})
        assert e.value.status == 400 and "allowed next states" in e.value.description


def test__fo_delivered__should_stamp_fulfilled_at() -> None:
    platform, store, fo = placed()
    walk(platform, store, fo, ["DISPATCHED", "DELIVERED"])
    assert fo["fulfilled_at"] == "2023-03-01T12:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "patch", "refused"),
    [
        (["DISPATCHED"], {"destination": {"city": "X"}}, True),
        (["DISPATCHED"], {"recipient": {"name": "X"}}, True),
        (["DISPATCHED"], {"shipping": {"type": "ship"}}, True),
        (["PACKED"], {"recipient": {"name": "X"}}, False),
        (["PACKED"], {"assigned_location": {"location_id": "01HTMFDH09VC6E2Q8KGTGP44D3"}}, True),
        (
            ["DISPATCHED"],
            {"assigned_location": {"location_id": "01HTMFDH09VC6E2Q8KGTGP44D3"}},
            True,
        ),
        ([], {"assigned_location": {"location_id": "01HTMFDH09VC6E2Q8KGTGP44D3"}}, False),
    ],
)
def test__fo_frozen_fields__should_refuse_changes_after_packing_or_dispatch(
    path, patch, refused
) -> None:
    platform, store, fo = placed()
    walk(platform, store, fo, path)
    if refused:
        with pytest.raises(ApiError) as e:
            update_fulfillment_order(platform, store, fo, patch)
        assert e.value.status == 400
    else:
        update_fulfillment_order(platform, store, fo, patch)


def test__fo_reassigned__should_move_the_stock_between_locations() -> None:
    platform, store, fo = placed()
    d1, d3 = "01HTMFDH09VC6E2Q8KGTGP44D1", "01HTMFDH09VC6E2Q8KGTGP44D3"
    assert fo["assigned_location"]["location_id"] == d1
    update_fulfillment_order(platform, store, fo, {"assigned_location": {"location_id": d3}})
    assert store.levels[(201, d1)]["stock"] == 10 and store.levels[(201, d3)]["stock"] == 3


EVENT = {"status": "in_transit", "description": "On its way", "address": "Depot"}


def test__tracking_event__before_dispatch__should_be_refused() -> None:
    platform, store, fo = placed()
    with pytest.raises(ApiError, match="DISPATCHED"):
        tracking.create_event(platform, store, fo, EVENT)


def test__tracking_event_delivered__should_deliver_the_fo_at_happened_at() -> None:
    platform, store, fo = placed()
    walk(platform, store, fo, ["DISPATCHED"])
    tracking.create_event(
        platform,
        store,
        fo,
        {**EVENT, "status": "delivered", "happened_at": "2023-03-02T10:00:00+00:00"},
    )
    assert fo["status"] == "DELIVERED" and fo["fulfilled_at"] == "2023-03-02T10:00:00+00:00"
    event_id = fo["tracking_events"][0]["id"]
    with pytest.raises(ApiError):  # PUT/DELETE need DISPATCHED and not DELIVERED
        tracking.delete_event(fo, event_id)
    with pytest.raises(ApiError):
        tracking.update_event(platform, store, fo, event_id, EVENT)


def test__tracking_event_duplicate_without_happened_at__should_always_be_refused() -> None:
    platform, store, fo = placed()
    walk(platform, store, fo, ["DISPATCHED"])
    tracking.create_event(platform, store, fo, EVENT)
    platform.clock.advance(3600)
    with pytest.raises(ApiError, match="identical"):
        tracking.create_event(platform, store, fo, EVENT)


@pytest.mark.parametrize(("gap", "refused"), [(0, True), (60, True), (61, False)])
def test__tracking_event_duplicate_with_happened_at__should_be_refused_within_60s(
    gap, refused
) -> None:
    platform, store, fo = placed()
    walk(platform, store, fo, ["DISPATCHED"])
    event = {**EVENT, "happened_at": "2023-03-01T11:00:00+00:00"}
    tracking.create_event(platform, store, fo, event)
    platform.clock.advance(gap)
    if refused:
        with pytest.raises(ApiError, match="identical"):
            tracking.create_event(platform, store, fo, event)
    else:
        tracking.create_event(platform, store, fo, event)


def test__tracking_events__past_100__should_be_refused() -> None:
    platform, store, fo = placed()
    walk(platform, store, fo, ["DISPATCHED"])
    for i in range(100):
        tracking.create_event(platform, store, fo, {**EVENT, "description": f"step {i}"})
    with pytest.raises(ApiError, match="reached the limit"):
        tracking.create_event(platform, store, fo, {**EVENT, "description": "one more"})
