"""Store settings apps cannot write, set by the operator (admin API or a fixture's `settings`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from miready.mocks.errors import invalid
from miready.mocks.plans import check_plan, plan_of
from miready.mocks.state.allocation import check_strategy, strategy_of
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


# The merchant's switches (issue 13): name -> check of a value (None restores the default).
SWITCHES: dict[str, Callable[[Any], object]] = {
    "plan": check_plan,
    "allocation_strategy": check_strategy,
    "multi_location_enabled": lambda value: _check_flag("multi_location_enabled", value),
}


def _check_flag(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise invalid(name, "must be true, false or null")
    return value


def view(store: Store) -> dict[str, Any]:
    return {name: store.settings.get(name, spec[0]) for name, spec in SETTINGS.items()} | {
        "plan": plan_of(store),
        "multi_location_enabled": store.view()["multi_location_enabled"],
        "allocation_strategy": strategy_of(store),
    }


def update(store: Store, body: Any) -> dict[str, Any]:
    """Validate every setting first, then apply them all."""
    if not isinstance(body, dict):
        raise invalid("body", "must be an object of settings")
    for name, value in body.items():
        if name in SWITCHES:
            if value is not None:
                SWITCHES[name](value)
            continue
        if name not in SETTINGS:
            known = ", ".join(sorted([*SETTINGS, *SWITCHES]))
            raise invalid(name, f"unknown setting; known: {known}")
        _, low, high, _ = SETTINGS[name]
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        if not ok or not low <= value <= high:
            raise invalid(name, f"must be a number from {low:g} to {high:g}")
    store.settings.update({k: v for k, v in body.items() if v is not None})
    for name in [k for k, v in body.items() if v is None]:
        store.settings.pop(name, None)
    return view(store)


def fulfillment_orders_delay(store: Store) -> float:
    return float(store.settings.get("fulfillment_orders_delay_seconds", 0))
