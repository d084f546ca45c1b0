"""The registry of report formats: each takes a ``Report`` and returns the document as text."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from miready.certifier.registry import Registry
from miready.certifier.report.model import Report

Renderer = Callable[[Report], str]
FORMATS: Registry[Renderer] = Registry("report format")
BUILTIN_MODULES = ("text", "jsondoc", "md", "html", "junit")


def load_builtins() -> Registry[Renderer]:
    # Importing a format module registers it, the same way an outside plugin would.
    for name in BUILTIN_MODULES:
        importlib.import_module(f"miready.certifier.report.{name}")
    return FORMATS


def render(report: Report, fmt: str) -> str:
    return load_builtins().get(fmt)(report)
