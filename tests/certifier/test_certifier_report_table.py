"""Plain box tables (certifier/report/table.py): widths from the cells, wrapping what overflows."""

from __future__ import annotations

import pytest
from miready.certifier.report.table import Column, render_table

COLUMNS = [Column("Rule"), Column("Calls", right=True), Column("Seen", no_wrap=True)]
LONG = "https://example.com/a-very-long-documentation-address#with-an-anchor-that-goes-on"


@pytest.mark.parametrize(
    ("rows", "width"),
    [
        ([["endpoint.orders.pack", "7", "2024-05-07"]], 120),
        ([["endpoint.orders.pack\n" + LONG, "497", "2024-05-07\n2024-05-20"]], 60),
        ([["a b c d e f g h i j k l m n o p", "1", "x"], ["y", "22", "z"]], 30),
    ],
)
def test__render_table__at_width__should_fit_and_keep_every_character(
    rows: list[list[str]], width: int
) -> None:
    lines = render_table(COLUMNS, rows, width, show_lines=True)
    assert all(len(line) == len(lines[0]) <= width for line in lines)
    body = "".join(ch for line in lines for ch in line if ch not in " │┃━─┏┓┳┡┩╇├┼┤└┘┴")
    for row in rows:
        for cell in row:
            for char in cell.replace("\n", "").replace(" ", ""):
                assert char in body


def test__render_table__a_number_column__should_be_justified_right() -> None:
    lines = render_table(COLUMNS, [["r", "7", "s"], ["r", "1234", "s"]], 80)
    assert "│     7 │" in lines[3]
    assert "│  1234 │" in lines[4]
