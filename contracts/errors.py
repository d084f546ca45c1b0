"""The errors of the contracts package: a broken contract file names the file and line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Span:
    """Where a YAML node starts, for error messages."""

    path: Path | None
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path or '<string>'}:{self.line}"


class ContractError(Exception):
    """A contract file (rule pack, mapping, spec) is malformed or inconsistent."""

    def __init__(self, message: str, span: Span | None = None) -> None:
        self.span = span
        super().__init__(f"{span}: {message}" if span else message)
