"""Stock allocation at order placement, one strategy per store (`allocation_strategy`).

`whole_order_first` (seed 004, the default): the first location by priority that can serve the
WHOLE order gets it; otherwise the order splits across locations by priority, a line with
quantity > 1 splitting where needed. `dropship` (seed 000): the retailer's own locations are drawn
down first, then the supplier's (fulfillment-service) locations, even when a supplier alone could
serve the whole order. Untracked stock (None) never limits. Pure: the caller passes availability
and applies the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from miready.mocks.errors import invalid


@dataclass(frozen=True, slots=True)
class Line:
    key: int  # the order line item id
    variant_id: int
    quantity: int


class InsufficientStock(Exception):
    def __init__(self, line_index: int, line: Line, short_by: int) -> None:
        super().__init__(f"variant {line.variant_id}: {short_by} unit(s) short")
        self.line_index = line_index
        self.line = line
        self.short_by = short_by


Availability = Callable[[int, str], int | None]  # (variant_id, location_id) -> units or None


def allocate(
    lines: Sequence[Line], locations: Sequence[str], available: Availability
) -> dict[str, list[tuple[Line, int]]]:
    """Location id -> [(line, quantity)], in priority order. Raises InsufficientStock."""
    if not lines:
        return {}
    if not locations:
        raise InsufficientStock(0, lines[0], lines[0].quantity)
    for location in locations:
        if _serves_all(lines, location, available):
            return {location: [(line, line.quantity) for line in lines]}
    return split(lines, locations, available)


def split(
    lines: Sequence[Line], locations: Sequence[str], available: Availability
) -> dict[str, list[tuple[Line, int]]]:
    """Each line from the locations in the given order, as far as each one's stock goes."""
    if not lines:
        return {}
    if not locations:
        raise InsufficientStock(0, lines[0], lines[0].quantity)
    remaining: dict[tuple[int, str], int | None] = {}
    result: dict[str, list[tuple[Line, int]]] = {}
    untracked: list[Line] = []
    for index, line in enumerate(lines):
        if available(line.variant_id, locations[0]) is None:
            untracked.append(line)
            continue
        need = line.quantity
        for location in locations:
            key = (line.variant_id, location)
            if key not in remaining:
                remaining[key] = available(line.variant_id, location)
            have = remaining[key] or 0
            take = min(need, have)
            if take > 0:
                result.setdefault(location, []).append((line, take))
                remaining[key] = have - take
                need -= take
            if need == 0:
                break
        if need:
            raise InsufficientStock(index, line, need)
    if untracked:
        # Untracked lines ship with the first location already used (or the first one).
        home = next((loc for loc in locations if loc in result), locations[0])
        result.setdefault(home, []).extend((line, line.quantity) for line in untracked)
    return {loc: result[loc] for loc in locations if loc in result}


def _serves_all(lines: Sequence[Line], location: str, available: Availability) -> bool:
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.variant_id] = wanted.get(line.variant_id, 0) + line.quantity
    for variant_id, quantity in wanted.items():
        have = available(variant_id, location)
        if have is not None and have < quantity:
            return False
    return True


DEFAULT_STRATEGY = "whole_order_first"
STRATEGIES = ("whole_order_first", "dropship")


def check_strategy(name: object) -> str:
    if name not in STRATEGIES:
        raise invalid(
            "allocation_strategy", f"unknown strategy {name!r}; strategies: {', '.join(STRATEGIES)}"
        )
    return str(name)


def strategy_of(store: Any) -> str:
    """The store's `allocation_strategy` setting, or seed 004's rule."""
    return store.settings.get("allocation_strategy") or DEFAULT_STRATEGY


def allocate_with(
    strategy: str,
    lines: Sequence[Line],
    locations: Sequence[str],
    available: Availability,
    suppliers: frozenset[str] = frozenset(),
) -> dict[str, list[tuple[Line, int]]]:
    """`locations` in priority order; `suppliers`: the drop-ship (fulfillment-service) ones."""
    if strategy == "dropship":
        own = [loc for loc in locations if loc not in suppliers]
        theirs = [loc for loc in locations if loc in suppliers]
        return split(lines, own + theirs, available)
    return allocate(lines, locations, available)
