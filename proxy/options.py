"""The proxy's options as its addons declare them: listed for the CLI, turned back into argv.

Turning values into argv needs no declaration (``flag``, ``argv_of``), so a launcher builds the
child's command line without loading mitmproxy; the child's parser, built from the declarations,
refuses a name no addon declares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

PREFIX = "miready_"


def flag(name: str) -> str:
    """``miready_upstream_timeout`` -> ``--upstream-timeout``."""
    return "--" + name.removeprefix(PREFIX).replace("_", "-")


@dataclass(frozen=True, slots=True)
class OptionSpec:
    name: str
    typespec: Any
    default: Any
    help: str
    choices: Sequence[str] | None = None

    @property
    def flag(self) -> str:
        return flag(self.name)


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
    from miready.proxy.addons import default_addons  # loads mitmproxy

    collector = _Collector()
    for addon in default_addons(writer_factory=lambda url: None):
        load = getattr(addon, "load", None)
        if load is not None:
            load(collector)
    return tuple(collector.specs)


def option_argv(options: Mapping[str, Any]) -> list[str]:
    """Command-line arguments for ``miready_*`` option values (the inverse of the parser)."""
    known = {spec.name: spec for spec in addon_options()}
    for name in options:
        if name not in known:
            raise ValueError(f"unknown proxy option {name!r} (known: {', '.join(sorted(known))})")
    return argv_of(
        {name: bool(v) if known[name].typespec is bool else v for name, v in options.items()}
    )


def argv_of(options: Mapping[str, Any]) -> list[str]:
    """``option_argv`` unchecked: a bool is ``--<name>`` or ``--no-<name>``, anything else
    ``--<name> <value>``; an unknown name is left to the child's parser to refuse."""
    argv: list[str] = []
    for name, value in options.items():
        if isinstance(value, bool):
            argv.append(flag(name) if value else "--no-" + flag(name).removeprefix("--"))
        else:
            argv += [flag(name), str(value)]
    return argv
