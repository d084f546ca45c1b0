"""Scope rules: a write scope implies its read scope, plus seed 004's auto-grants."""

from __future__ import annotations

from collections.abc import Iterable

# seed 004: read_locations for apps with products or shipping scopes; FO scopes follow order scopes.
AUTO_GRANTS: dict[str, tuple[str, ...]] = {
    "read_products": ("read_locations",),
    "write_products": ("read_locations",),
    "read_shipping": ("read_locations",),
    "write_shipping": ("read_locations",),
    "read_orders": ("read_fulfillment_orders",),
    "write_orders": ("write_fulfillment_orders",),
}

# The read scope a webhook event needs, by the event's resource.
EVENT_SCOPES = {
    "order": "read_orders",
    "product": "read_products",
    "fulfillment_order": "read_fulfillment_orders",
    "location": "read_locations",
    "category": "read_products",
    "customer": "read_customers",
}


def effective_scopes(granted: Iterable[str]) -> frozenset[str]:
    """Every scope a token holding `granted` may use."""
    scopes = set(granted)
    changed = True
    while changed:
        before = len(scopes)
        for scope in list(scopes):
            if scope.startswith("write_"):
                scopes.add("read_" + scope.removeprefix("write_"))
            scopes.update(AUTO_GRANTS.get(scope, ()))
        changed = len(scopes) != before
    return frozenset(scopes)
