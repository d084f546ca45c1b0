"""The miready proxy on either mitmproxy engine, for same-run comparisons of the two.

    python -m benchmarks.engines dump|lean ARGS...   (ARGS: those of ``python -m miready.proxy``)

``dump``: ``DumpMaster`` with its 34 default addons and miready's addons one by one (the engine
before ``proxy/master.py``). ``lean``: ``LeanMaster`` and miready's addons as one ``Pipeline``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from miready.proxy import embed, server
from miready.proxy.cli import main
from miready.proxy.master import LeanMaster, Pipeline
from mitmproxy import hooks
from mitmproxy.options import Options
from mitmproxy.tools.dump import DumpMaster

from benchmarks.looplag import LoopLag


def _finish(master: Any, options: Options, settings: dict[str, Any]) -> None:
    options.update(**embed.ADDON_SETTINGS, **settings)
    keys = {k for k in options.keys() if k.startswith(embed.PREFIX)}
    master.addons.trigger(hooks.ConfigureHook(keys))


def dump_master(
    options: Options,
    addons: Sequence[Any],
    settings: dict[str, Any],
    on_listening: Callable[[str, int], None],
) -> Any:
    """The engine before the lean one: DumpMaster's defaults, one addon per miready stage."""
    embed.install_json_error_pages()
    master = DumpMaster(options, with_termlog=False, with_dumper=False)
    errorcheck = master.addons.get("errorcheck")
    if errorcheck is not None:
        errorcheck.finish()
        master.addons.remove(errorcheck)
    master.addons.add(*addons, embed.Listening(on_listening))
    _finish(master, options, settings)
    return master


def lean_master(
    options: Options,
    addons: Sequence[Any],
    settings: dict[str, Any],
    on_listening: Callable[[str, int], None],
) -> Any:
    """The lean engine: mitmproxy's needed addons and miready's stages as one pipeline."""
    embed.install_json_error_pages()
    master = LeanMaster(options)
    master.addons.add(Pipeline(addons), embed.Listening(on_listening))
    _finish(master, options, settings)
    return master


ENGINES = {"dump": dump_master, "lean": lean_master}


def with_lag_monitor(make: Callable[..., Any]) -> Callable[..., Any]:
    """``make``, plus a ``LoopLag`` addon when ``MIREADY_BENCH_LAG_FILE`` is set."""

    def create(*args: Any) -> Any:
        master = make(*args)
        if path := os.environ.get("MIREADY_BENCH_LAG_FILE"):
            master.addons.add(LoopLag(path))
        return master

    return create


if __name__ == "__main__":
    server.create_master = with_lag_monitor(ENGINES[sys.argv[1]])  # type: ignore[attr-defined]
    sys.exit(main(sys.argv[2:], prog=f"python -m benchmarks.engines {sys.argv[1]}"))
