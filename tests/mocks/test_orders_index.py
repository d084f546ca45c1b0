"""The orders' id index (mocks/state/orders.py): lists read a slice of it, never a sort."""

from __future__ import annotations

import pytest
from miready.mocks.state import filters
from miready.mocks.state.orders import list_orders, orders_by_id
from miready.mocks.state.platform import Store


def _store(ids: list[int]) -> Store:
    store = Store(id="1", name={"es": "t"}, created_at="2025-01-01T00:00:00+0000")
    for i in ids:
        store.orders[i] = {"id": i, "status": "open"}
    return store


@pytest.mark.parametrize(
    ("loaded", "added"),
    [
        ([1, 2, 3], [4, 5]),
        ([30, 10, 20], [31]),  # a fixture out of order: rebuilt once, then appended
        ([], [7, 8]),
        ([5, 6], [2]),  # an id below the last: rebuilt
    ],
)
def test__orders_by_id__after_loads_and_creates__should_list_every_order_in_id_order(
    loaded: list[int], added: list[int]
) -> None:
    store = _store(loaded)
    assert [o["id"] for o in orders_by_id(store)] == sorted(loaded)
    for i in added:
        store.orders[i] = {"id": i, "status": "open"}
    listed = orders_by_id(store)
    assert [o["id"] for o in listed] == sorted(loaded + added)
    assert [o["id"] for o in listed[1:3]] == sorted(loaded + added)[1:3]


@pytest.mark.parametrize("since", [0, 1, 15, 20, 35, 99])
def test__since_id__on_id_ordered_orders__should_equal_the_plain_filter(since: int) -> None:
    store = _store([40, 10, 20, 30, 35])
    orders = list_orders(store, {})
    by_bisection = filters.apply(orders, {"since_id": since}, id_ordered=True)
    plain = filters.apply(list(orders), {"since_id": since})
    assert [o["id"] for o in by_bisection] == [o["id"] for o in plain]
