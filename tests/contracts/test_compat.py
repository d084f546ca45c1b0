"""The compat functions, row by row against contracts/mapping.yaml: the first FO wins."""

import pytest
from miready.contracts.compat import (
    TRANSFORMS,
    fulfill_as_fo_patch,
    get_path,
    legacy_event_as_tracking_event,
    legacy_order_view,
    order_input_from_legacy,
    pack_as_fo_patch,
    shipping_status,
    strip_legacy_fields,
    tracking_event_as_legacy_event,
)
from miready.contracts.mapping import default_mapping

ORDER = {"id": 7, "created_at": "2024-05-01T10:00:00+00:00", "status": "open"}


def fo(n: int, status: str = "UNPACKED", pickup: bool = True) -> dict:
    address = {
        "street": f"Street {n}",
        "number": f"{n}0",
        "floor": f"{n}B",
        "locality": f"Loc {n}",
        "zipcode": f"100{n}",
        "city": f"City {n}",
        "reference": f"Ref {n}",
        "between_streets": f"Between {n}",
        "province": {"code": "P", "name": f"Province {n}"},
        "country": {"code": "AR", "name": f"Country {n}"},
    }
    return {
        "id": f"FO{n}",
        "status": status,
        "recipient": {"name": f"Recipient {n}", "phone": f"+54 {n}"},
        "destination": address,
        "shipping": {
            "type": "pickup" if pickup and n == 1 else "ship",
            "carrier": {"carrier_id": f"carrier-{n}", "name": f"Carrier {n}"},
            "option": {"name": f"Option {n}", "code": f"opt-{n}", "reference": f"ref-{n}"},
            "merchant_cost": {"value": 10.5 * n, "currency": "ARS"},
            "consumer_cost": {"value": 2.25 * n, "currency": "ARS"},
            "min_delivery_date": f"2024-05-0{2 + n}T10:00:00+00:00",
            "max_delivery_date": f"2024-05-0{4 + n}T09:00:00+00:00",
            "pickup_details": {
                "location_id": f"LOC{n}",
                "name": f"Branch {n}",
                "address": address,
                "pickup_hours": [{"day": "MONDAY", "start": f"0{n}00", "end": "1800"}],
            }
            if pickup
            else None,
        },
        "tracking_info": {"code": f"TRACK{n}", "url": f"https://t.example/{n}"},
        "status_history": [{"from_status": "PACKED", "to_status": status, "happened_at": f"T{n}"}],
    }


@pytest.mark.parametrize("row", default_mapping().view_fields(), ids=lambda r: r.legacy)
def test__legacy_order_view__every_mapped_field__should_come_from_the_first_fo(row):
    first, second = fo(1), fo(2)
    view = legacy_order_view(ORDER, [first, second])
    expected = get_path(first, row.fo)
    if row.transform:
        expected = TRANSFORMS[row.transform](expected, ORDER)
    assert get_path(view, row.legacy) == expected
    if get_path(second, row.fo) is not None and not row.transform:
        assert get_path(view, row.legacy) != get_path(second, row.fo)


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("shipping_min_days", 2),  # 2024-05-01T10:00 -> 2024-05-03T10:00
        ("shipping_max_days", 4),  # -> 2024-05-05T09:00 rounds up
        ("shipping_cost_owner", "10.50"),
        ("shipping_cost_customer", "2.25"),
        ("shipping_tracking_number", "TRACK1"),
        ("shipping_suboption", [{"id": "LOC1", "name": "Branch 1"}]),
        ("shipping_pickup_details.address", "Street 1"),
        ("shipping_address.address", "Street 1"),
        ("shipped_at", "T1"),
    ],
)
def test__legacy_order_view__non_compatible_types__should_follow_the_written_decisions(
    legacy, expected
):
    view = legacy_order_view(ORDER, [fo(1, "DISPATCHED"), fo(2)])
    assert get_path(view, legacy) == expected


def test__legacy_order_view__without_pickup__should_give_null_details_and_empty_suboption():
    view = legacy_order_view(ORDER, [fo(1, pickup=False)])
    assert view["shipping_pickup_details"] is None
    assert view["shipping_suboption"] == []
    assert view["shipping_store_branch_name"] is None


def test__legacy_order_view__without_fos__should_give_nulls_and_unpacked():
    view = legacy_order_view(ORDER, [])
    assert view["shipping_name"] is None and view["shipping_status"] == "unpacked"


def test__strip_legacy_fields__should_remove_what_the_view_added_but_shipping_status():
    view = legacy_order_view(ORDER, [fo(1)])
    assert strip_legacy_fields(view) == {**ORDER, "shipping_status": "unpacked"}


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ([], "unpacked"),
        (["UNPACKED", "UNPACKED"], "unpacked"),
        (["PACKED", "UNPACKED"], "partially_packed"),
        (["packed", "ready_for_pickup"], "packed"),
        (["PACKED", "PACKED"], "packed"),
        (["DISPATCHED", "UNPACKED"], "partially_fulfilled"),
        (["DISPATCHED", "PACKED"], "partially_fulfilled"),
        (["DISPATCHED", "DELIVERED"], "fulfilled"),
        (["MARKED_AS_FULFILLED"], "fulfilled"),
    ],
)
def test__shipping_status__from_fo_statuses__should_follow_seed_004(statuses, expected):
    assert shipping_status(statuses) == expected


def test__legacy_actions__should_become_fo_patches():
    assert pack_as_fo_patch({}) == {"status": "PACKED"}
    assert fulfill_as_fo_patch({}) == {"status": "DISPATCHED"}
    assert fulfill_as_fo_patch(
        {
            "shipping_tracking_number": "BR1",
            "shipping_tracking_url": "https://x/BR1",
            "notify_customer": False,
        }
    ) == {
        "status": "DISPATCHED",
        "tracking_info": {"code": "BR1", "url": "https://x/BR1", "notify_customer": False},
    }


def test__legacy_fulfillment_event__should_join_its_place_into_one_address():
    event = legacy_event_as_tracking_event(
        {
            "status": "delivered",
            "description": "ok",
            "city": "São Paulo",
            "province": "SP",
            "country": "BR",
            "happened_at": "2013-04-22T11:39:12-03:00",
        }
    )
    assert event == {
        "status": "delivered",
        "description": "ok",
        "address": "São Paulo, SP, BR",
        "happened_at": "2013-04-22T11:39:12-03:00",
        "estimated_delivery_at": None,
    }


def test__tracking_event_as_legacy_event__should_follow_the_event_table():
    te = {
        "id": "TE1",
        "status": "in_transit",
        "description": "d",
        "address": "A, B",
        "geolocation": None,
        "happened_at": "h",
        "estimated_delivery_at": None,
        "created_at": "c",
        "updated_at": "u",
    }
    legacy = tracking_event_as_legacy_event(te)
    assert legacy["id"] == "TE1" and legacy["city"] == "A, B" and legacy["province"] is None
    assert {r.legacy for r in default_mapping().tracking_event_fields} == set(legacy)


def test__order_input_from_legacy__flat_and_object_forms__should_fill_fo_input():
    flat = order_input_from_legacy(
        {
            "shipping_name": "Ana",
            "shipping_address": "Calle 1",
            "shipping_city": "X",
            "shipping": "correios",
            "shipping_suboption": [{"id": "L9"}],
            "shipping_tracking_number": "T",
        }
    )
    assert flat == {
        "recipient": {"name": "Ana"},
        "destination": {"street": "Calle 1", "city": "X"},
        "shipping": {
            "carrier": {"carrier_id": "correios"},
            "pickup_details": {"location_id": "L9"},
        },
        "tracking_info": {"code": "T"},
    }
    nested = order_input_from_legacy(
        {"shipping_address": {"name": "Ana", "address": "Calle 1", "zipcode": "1"}}
    )
    assert nested == {
        "recipient": {"name": "Ana"},
        "destination": {"street": "Calle 1", "zipcode": "1"},
    }


def test__mapping__should_write_down_the_tracking_code_decision():
    mapping = default_mapping()
    row = next(r for r in mapping.fields if r.legacy == "shipping_tracking_number")
    assert (row.seed, row.fo) == ("tracking_info.number", "tracking_info.code")
    assert "tracking_info.code" in mapping.decisions["tracking-code"]


def test__legacy_order_view__of_another_pack__should_add_only_that_packs_derived_fields():
    from miready.contracts.pack import load_pack

    shopify = load_pack("shopify-multi-location").mapping
    order = {"id": 1, "created_at": "2024-01-01T00:00:00Z"}
    fos = [{"status": "DISPATCHED", "status_history": [{"to_status": "DISPATCHED"}]}]
    view = legacy_order_view(order, fos, shopify)
    assert "shipping_status" not in view and "shipped_at" not in view
    assert set(legacy_order_view(order, fos)) >= {"shipping_status", "shipped_at"}


def test__derived_fields__should_name_their_function_in_the_mapping_not_in_code():
    derived = default_mapping().derived
    assert {d.legacy: (d.derive, d.current) for d in derived.values()} == {
        "shipped_at": ("first_dispatched_at", False),
        "shipping_status": ("shipping_status", True),
    }
