"""mocks/state/allocation.py: whole order to one location first, else split by priority."""

from __future__ import annotations

import pytest
from miready.mocks.state.allocation import InsufficientStock, Line, allocate

LOCS = ["A", "B", "C"]


def avail(table: dict[tuple[int, str], int | None]):
    return lambda v, loc: table.get((v, loc), 0) if (v, "*") not in table else None


@pytest.mark.parametrize(
    ("lines", "stock", "expected"),
    [
        # whole order at the first location that can serve it
        ([(1, 1, 3)], {(1, "A"): 5}, {"A": [(1, 3)]}),
        ([(1, 1, 3)], {(1, "A"): 2, (1, "B"): 3}, {"B": [(1, 3)]}),
        ([(1, 1, 1), (2, 2, 1)], {(1, "A"): 1, (2, "C"): 1, (1, "C"): 1}, {"C": [(1, 1), (2, 1)]}),
        # no single location: split by priority, a quantity > 1 splitting where needed
        ([(1, 1, 3)], {(1, "A"): 2, (1, "B"): 1}, {"A": [(1, 2)], "B": [(1, 1)]}),
        ([(1, 1, 3)], {(1, "A"): 1, (1, "B"): 1, (1, "C"): 5}, {"C": [(1, 3)]}),
        (
            [(1, 1, 4)],
            {(1, "A"): 1, (1, "B"): 1, (1, "C"): 2},
            {"A": [(1, 1)], "B": [(1, 1)], "C": [(1, 2)]},
        ),
        ([(1, 1, 1), (2, 2, 1)], {(1, "A"): 1, (2, "B"): 1}, {"A": [(1, 1)], "B": [(2, 1)]}),
        # the same variant on two lines shares the location's stock
        (
            [(1, 1, 2), (2, 1, 2)],
            {(1, "A"): 3, (1, "B"): 1},
            {"A": [(1, 2), (2, 1)], "B": [(2, 1)]},
        ),
        # untracked stock never limits
        ([(1, 9, 100)], {(9, "*"): None}, {"A": [(1, 100)]}),
        (
            [(1, 1, 2), (2, 9, 7)],
            {(1, "A"): 1, (1, "B"): 1, (9, "*"): None},
            {"A": [(1, 1), (2, 7)], "B": [(1, 1)]},
        ),
    ],
)
def test__allocate__table__should_match(lines, stock, expected) -> None:
    result = allocate([Line(*line) for line in lines], LOCS, avail(stock))
    assert {loc: [(line.key, q) for line, q in items] for loc, items in result.items()} == expected
    assert list(result) == [loc for loc in LOCS if loc in expected]  # FOs in priority order


def test__allocate__not_enough_anywhere__should_raise_naming_the_line() -> None:
    with pytest.raises(InsufficientStock) as e:
        allocate(
            [Line(1, 1, 1), Line(2, 2, 5)], LOCS, avail({(1, "A"): 1, (2, "A"): 2, (2, "B"): 2})
        )
    assert e.value.line_index == 1 and e.value.short_by == 1
