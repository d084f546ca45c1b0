"""Store settings apps cannot write, set by the operator (admin API or a fixture's `settings`)."""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import invalid
from miready.mocks.state.platform import Store

# name -> (default, minimum, maximum, what it does)
SETTINGS: dict[str, tuple[float, float, float, str]] = {
    "fulfillment_orders_delay_seconds": (
        0,
        0,
        86400,
        "a new order's fulfillment orders stay pending (`fulfillments: []`, FO reads 404) for "
        "this many seconds on the mock's clock, as the platform creates them asynchronously",
    ),
}


def view(store: Store) -> dict[str, Any]:
    return {name: store.settings.get(name, spec[0]) for name, spec in SETTINGS.items()}


def update(store: Store, body: Any) -> dict[str, Any]:
    """Validate every setting first, then apply them all."""
    if not isinstance(body, dict):
        raise invalid("body", "must be an object of settings")
    for name, value in body.items():
        if name not in SETTINGS:
            raise invalid(name, f"unknown setting; known: {', '.join(sorted(SETTINGS))}")
        _, low, high, _ = SETTINGS[name]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not low <= value <= high:
            raise invalid(name, f"must be a number from {low:g} to {high:g}")
    store.settings.update(body)
    return view(store)


def fulfillment_orders_delay(store: Store) -> float:
    return float(store.settings.get("fulfillment_orders_delay_seconds", 0))
