"""The fulfillment-order status machine of seed 004: which status may follow which."""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import BadRequest

# shipping.type -> status -> statuses it may move to. Common paths from the platform notes
# (ship: UNPACKED -> PACKED -> DISPATCHED -> DELIVERED; pickup: ... -> READY_FOR_PICKUP ->
# DELIVERED; non-shippable: UNPACKED -> DELIVERED), UNPACKED -> DISPATCHED as the alternative, and
# only PACKED may go back to UNPACKED. MARKED_AS_FULFILLED is seed 004's "sent, just for manual":
# the merchant marks an unsent FO (ship or pickup) as sent outside any carrier; the platform then
# treats it like DISPATCHED (tracking events, DELIVERED next).
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    "ship": {
        "UNPACKED": frozenset({"PACKED", "DISPATCHED", "MARKED_AS_FULFILLED"}),
        "PACKED": frozenset({"UNPACKED", "DISPATCHED", "MARKED_AS_FULFILLED"}),
        "DISPATCHED": frozenset({"DELIVERED"}),
        "MARKED_AS_FULFILLED": frozenset({"DELIVERED"}),
    },
    "pickup": {
        "UNPACKED": frozenset({"PACKED", "MARKED_AS_FULFILLED"}),
        "PACKED": frozenset({"UNPACKED", "READY_FOR_PICKUP", "MARKED_AS_FULFILLED"}),
        "READY_FOR_PICKUP": frozenset({"DELIVERED"}),
        "MARKED_AS_FULFILLED": frozenset({"DELIVERED"}),
    },
    "non-shippable": {"UNPACKED": frozenset({"DELIVERED"})},
}
# The statuses in which a shipment is out: tracking events may be added.
SENT = frozenset({"DISPATCHED", "MARKED_AS_FULFILLED"})


def next_statuses(shipping_type: str, status: str) -> frozenset[str]:
    return TRANSITIONS.get(shipping_type, TRANSITIONS["ship"]).get(status, frozenset())


def check_transition(fo: dict[str, Any], new: str) -> None:
    """400 naming the allowed next states when `fo` may not move to `new`."""
    allowed = next_statuses(fo["shipping"]["type"], fo["status"])
    if new != fo["status"] and new not in allowed:
        nexts = ", ".join(sorted(allowed)) or "none (final state)"
        raise BadRequest(
            f"A {fo['shipping']['type']} fulfillment order cannot go from {fo['status']} to {new}; "
            f"allowed next states: {nexts}",
            allowed_next_statuses=sorted(allowed),
        )


def path_to(shipping_type: str, status: str, steps: tuple[str, ...]) -> list[str]:
    """The part of `steps` still ahead of `status` (a legacy action's statuses, in order)."""
    if status in steps:
        return list(steps[steps.index(status) + 1 :])
    return list(steps)
