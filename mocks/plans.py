"""The platform's plans and limits (`fixtures/plans.yaml`): location caps, rate limits, timeouts."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from miready.contracts.yamlio import safe_load
from miready.mocks.errors import Unprocessable, invalid
from miready.mocks.state.platform import Store

PLANS_FILE = Path(__file__).resolve().parent / "fixtures" / "plans.yaml"


@functools.cache
def platform_limits() -> dict[str, Any]:
    data = safe_load(PLANS_FILE.read_text(encoding="utf-8"))
    if data["default_plan"] not in data["plans"]:
        raise ValueError(f"{PLANS_FILE}: default_plan {data['default_plan']!r} is not a plan")
    return data


def plan_names() -> list[str]:
    return list(platform_limits()["plans"])


def plan_of(store: Store) -> str:
    return store.settings.get("plan") or platform_limits()["default_plan"]


def check_plan(name: Any) -> str:
    if name not in platform_limits()["plans"]:
        raise invalid("plan", f"unknown plan {name!r}; plans: {', '.join(plan_names())}")
    return name


def location_cap(store: Store) -> int | None:
    return platform_limits()["plans"][plan_of(store)]["locations"]


def merchant_locations(store: Store) -> int:
    """Locations the plan counts: fulfillment-service locations belong to their app."""
    return sum(1 for loc in store.locations.values() if not loc.get("is_fulfillment_service"))


def check_location_cap(store: Store) -> None:
    """Refuse one more merchant location beyond the store's plan (422 naming the cap)."""
    cap = location_cap(store)
    if cap is not None and merchant_locations(store) >= cap:
        plan = plan_of(store)
        error = Unprocessable(
            {"locations": [f"plan {plan} allows {cap} location(s)"]},
            f"The store's plan ({plan}) allows {cap} location(s); "
            "upgrade the plan or delete a location first",
        )
        error.extra |= {"plan": plan, "location_limit": cap}
        raise error


def rate_limit_multiplier(store: Store) -> int:
    return int(platform_limits()["plans"][plan_of(store)].get("rate_limit_multiplier", 1))
