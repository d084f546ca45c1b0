"""The proxy's options as its addons declare them: listed for the CLI, turned back into argv."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from miready.proxy.addons import default_addons
from miready.proxy.embed import PREFIX


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    typespec: Any
    default: Any
    help: str
    choices: Sequence[str] | None = None

    @property
    def flag(self) -> str:
        return "--" + self.name.removeprefix(PREFIX).replace("_", "-")


class _Collector:
    def __init__(self) -> None:
        self.specs: list[OptionSpec] = []

    def add_option(
        self, name: str, typespec: Any, default: Any, help: str, choices: Any = None
    ) -> None:
        if name.startswith(PREFIX):
            self.specs.append(OptionSpec(name, typespec, default, " ".join(help.split()), choices))


@cache
def addon_options() -> tuple[OptionSpec, ...]:
    """Every ``miready_*`` option the proxy's addons declare, in pipeline order."""
    collector = _Collector()
    for addon in default_addons(writer_factory=lambda url: None):
        load = getattr(addon, "load", None)
        if load is not None:
            load(collector)
    return tuple(collector.specs)


def option_argv(options: Mapping[str, Any]) -> list[str]:
    """Command-line arguments for ``miready_*`` option values (the inverse of the parser)."""
    known = {spec.name: spec for spec in addon_options()}
    argv: list[str] = []
    for name, value in options.items():
        spec = known.get(name)
        if spec is None:
            raise ValueError(f"unknown proxy option {name!r} (known: {', '.join(sorted(known))})")
        if spec.typespec is bool:
            argv.append(spec.flag if value else "--no-" + spec.flag.removeprefix("--"))
        else:
            argv += [spec.flag, str(value)]
    return argv
