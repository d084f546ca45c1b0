"""``python -m miready.proxy``: the command line, derived from the addons' own option declarations.

Each ``miready_<name>`` option declared with ``loader.add_option`` becomes ``--<name>`` (``_`` as
``-``; booleans get ``--<name>`` and ``--no-<name>``); nothing here lists an option again. Only
the embedding settings (upstream, listen address, mode, confdir, port file) are the CLI's own.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from miready.certifier.ledger.base import DEFAULT_LEDGER_URL
from miready.proxy import reuseport
from miready.proxy.embed import MODES
from miready.proxy.options import addon_options
from miready.proxy.process import ProxyProcess
from miready.proxy.server import run_proxy
from miready.proxy.supervisor import UNSUPPORTED, ProxyArgs, run_workers

__all__ = ["ProxyProcess", "build_parser", "main", "run_proxy"]

# The command line's defaults where they differ from the embedded proxy's (which records nothing
# unless told where).
CLI_DEFAULTS: dict[str, Any] = {"miready_ledger": DEFAULT_LEDGER_URL}
# Short names kept from earlier releases.
ALIASES: dict[str, tuple[str, ...]] = {"miready_apps_file": ("--apps",)}


def build_parser(prog: str = "python -m miready.proxy") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Record an app's calls to a store, classify them, and police deprecated ones.",
        epilog=f"example:\n  {prog} --upstream http://127.0.0.1:8080 --port 8081 --policy warn",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--upstream", help="the store's base URL (reverse mode)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    p.add_argument("--port-file", help="write the real port here once listening")
    p.add_argument("--mode", choices=MODES, default="reverse")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="proxy processes sharing the port (SO_REUSEPORT, Linux only), each with its own "
        "journal slot, all recording into the one ledger (default: 1, a single process)",
    )
    p.add_argument(
        "--confdir", help="mitmproxy configuration folder (default ~/.miready/mitmproxy)"
    )
    group = p.add_argument_group("recording options (the proxy's mitmproxy addon options)")
    for spec in addon_options():
        default = CLI_DEFAULTS.get(spec.name, spec.default)
        shown = f" (default: {default})" if default not in ("", None) else ""
        if spec.typespec is bool:
            group.add_argument(
                spec.flag,
                dest=spec.name,
                action=argparse.BooleanOptionalAction,
                default=None,
                help=spec.help + shown,
            )
            continue
        group.add_argument(
            spec.flag,
            *ALIASES.get(spec.name, ()),
            dest=spec.name,
            type=spec.typespec if spec.typespec in (int, float) else str,
            choices=spec.choices,
            default=None,
            help=spec.help + shown,
        )
    return p


def main(argv: Sequence[str] | None = None, prog: str = "python -m miready.proxy") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.mode == "reverse" and not args.upstream:
        parser.error("--upstream URL is required in reverse mode")
    if args.workers < 1:
        parser.error("--workers N takes 1 or more")
    if args.workers > 1 and not reuseport.SUPPORTED:
        print(f"{parser.prog}: error: {UNSUPPORTED}", file=sys.stderr)
        return 2
    given = vars(args)
    settings = {
        spec.name: given[spec.name] if given[spec.name] is not None else value
        for spec in addon_options()
        if (value := CLI_DEFAULTS.get(spec.name)) is not None or given[spec.name] is not None
    }
    if args.workers > 1:
        proxy = ProxyArgs(
            args.upstream, args.host, args.port, args.mode, args.confdir, args.port_file, settings
        )
        return run_workers(args.workers, proxy)
    try:
        run_proxy(
            args.upstream,
            host=args.host,
            port=args.port,
            mode=args.mode,
            confdir=args.confdir,
            port_file=args.port_file,
            settings=settings,
        )
    except ValueError as e:
        parser.error(str(e))
    except KeyboardInterrupt:
        return 130
    return 0
