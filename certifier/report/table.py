"""Plain box-drawn text tables: column widths from the cells' lengths, wrapping only what overflows.

The text report drew its tables with rich, which measures and renders every cell through several
layers (70% of ``--format text`` at 1,000 apps). These tables draw the same boxes (rich's
``HEAVY_HEAD``) at the cost of a string join per line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# rich's HEAVY_HEAD box: heavy top and header rule, light body
TOP = ("┏", "━", "┳", "┓")
HEAD = ("┃", "┃", "┃")
HEAD_RULE = ("┡", "━", "╇", "┩")
BODY = ("│", "│", "│")
ROW_RULE = ("├", "─", "┼", "┤")
BOTTOM = ("└", "─", "┴", "┘")
MIN_WRAP = 8  # a wrapped column keeps at least this many characters


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    no_wrap: bool = False
    right: bool = False  # justify right (numbers)
    min_width: int = 0


@lru_cache(maxsize=4096)  # a rule's title, endpoints and address repeat in every app's table
def wrap(text: str, width: int) -> tuple[str, ...]:
    """``text`` in lines of at most ``width``: words wrapped at spaces, longer words folded."""
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= width:
            lines.append(line)
            continue
        current = ""
        for word in line.split():
            while len(word) > width:  # fold: the rest of this line, then whole lines
                room = width - len(current) - 1 if current else width
                if room <= 0:
                    lines.append(current)
                    current, room = "", width
                lines.append(f"{current} {word[:room]}" if current else word[:room])
                current, word = "", word[room:]
            if not current:
                current = word
            elif len(current) + 1 + len(word) <= width:
                current = f"{current} {word}"
            else:
                lines.append(current)
                current = word
        lines.append(current)
    return tuple(lines)


def _widths(columns: list[Column], rows: list[list[str]], width: int) -> list[int]:
    natural = [len(c.header) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            longest = max(map(len, cell.split("\n"))) if "\n" in cell else len(cell)
            if longest > natural[i]:
                natural[i] = longest
    natural = [max(n, c.min_width) for n, c in zip(natural, columns, strict=True)]
    room = width - 3 * len(columns) - 1  # a border and two spaces of padding per column
    if sum(natural) <= room:
        return natural
    # Shrink the widest wrapping columns first (as rich collapses them): every wrapping column
    # gets at most one cap, the largest that fits, and never less than its floor.
    wrapping = [i for i, c in enumerate(columns) if not c.no_wrap]
    if not wrapping:
        return natural
    avail = room - sum(n for i, n in enumerate(natural) if i not in wrapping)
    sizes = sorted(natural[i] for i in wrapping)
    cap, left = sizes[-1], avail
    for j, n in enumerate(sizes):
        if n * (len(sizes) - j) > left:
            cap = max(1, left // (len(sizes) - j))
            break
        left -= n
    widths = list(natural)
    for i in wrapping:
        widths[i] = min(natural[i], max(cap, columns[i].min_width, MIN_WRAP))
    spare = avail - sum(widths[i] for i in wrapping)
    for i in wrapping:  # the rounding's remainder, to the capped columns
        if spare <= 0:
            break
        grow = min(spare, natural[i] - widths[i])
        widths[i] += grow
        spare -= grow
    return widths


def _rule(chars: tuple[str, str, str, str], widths: list[int]) -> str:
    left, fill, cross, right = chars
    return left + cross.join(fill * (w + 2) for w in widths) + right


def _lines(
    cells: list[str], columns: list[Column], widths: list[int], edges: tuple[str, str, str]
) -> list[str]:
    wrapped = [wrap(cell, w) for cell, w in zip(cells, widths, strict=True)]
    height = max(map(len, wrapped))
    left, mid, right = edges
    # Each cell justified and padded to the row's height, then the row's lines joined across.
    padded = []
    for lines, w, c in zip(wrapped, widths, columns, strict=True):
        cell = [line.rjust(w) for line in lines] if c.right else [line.ljust(w) for line in lines]
        if len(cell) < height:
            cell += [" " * w] * (height - len(cell))
        padded.append(cell)
    opening, between, closing = f"{left} ", f" {mid} ", f" {right}"
    return [opening + between.join(parts) + closing for parts in zip(*padded, strict=True)]


def render_table(
    columns: list[Column], rows: list[list[str]], width: int, show_lines: bool = False
) -> list[str]:
    """The table's lines, at most ``width`` characters unless no-wrap columns alone are wider."""
    widths = _widths(columns, rows, width)
    # Headers sit at the bottom of their cell, as rich draws them.
    heads = [wrap(c.header, w) for c, w in zip(columns, widths, strict=True)]
    tall = max(map(len, heads))
    header = ["\n".join([""] * (tall - len(h)) + list(h)) for h in heads]
    out = [_rule(TOP, widths), *_lines(header, columns, widths, HEAD), _rule(HEAD_RULE, widths)]
    for n, row in enumerate(rows):
        if show_lines and n:
            out.append(_rule(ROW_RULE, widths))
        out += _lines(row, columns, widths, BODY)
    out.append(_rule(BOTTOM, widths))
    return out
