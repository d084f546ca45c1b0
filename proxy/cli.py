"""``python -m proxy``: the proxy's own command line, and the entry points the CLI uses."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from miready.certifier.ledger.base import DEFAULT_LEDGER_URL
from miready.proxy.policy import Policy
from miready.proxy.process import ProxyProcess
from miready.proxy.server import run_proxy

__all__ = ["ProxyProcess", "build_parser", "main", "run_proxy"]


def build_parser(prog: str = "python -m proxy") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Record an app's calls to a store, classify them, and police deprecated ones.",
    )
    p.add_argument("--upstream", help="the store's base URL (reverse mode)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    p.add_argument("--port-file", help="write the real port here once listening")
    p.add_argument(
        "--ledger",
        default=DEFAULT_LEDGER_URL,
        help=f"ledger URL (default {DEFAULT_LEDGER_URL}, or postgresql://...; empty: none)",
    )
    p.add_argument("--policy", choices=[x.value for x in Policy], default=Policy.OBSERVE.value)
    p.add_argument("--rules", help="rule pack name or YAML path")
    p.add_argument("--mode", choices=("reverse", "regular"), default="reverse")
    p.add_argument("--apps", dest="apps_file", help="apps.yaml: token id -> {app_id, name, scopes}")
    p.add_argument(
        "--confdir", help="mitmproxy configuration folder (default ~/.miready/mitmproxy)"
    )
    p.add_argument("--no-introspect", action="store_true", help="never ask the store about tokens")
    p.add_argument("--sunset", help="ISO date for Sunset headers when a rule has no deadline")
    p.add_argument("--clock-file", help="simulated clock: a file holding an ISO 8601 instant")
    p.add_argument("--test-file", help="a file holding the running pytest node id (the plugin's)")
    p.add_argument("--upstream-ca", help="PEM file of CAs to trust for the upstream's certificate")
    p.add_argument(
        "--upstream-insecure",
        action="store_true",
        help="do not verify the upstream's certificate (INSECURE: for local experiments only)",
    )
    return p


def main(argv: Sequence[str] | None = None, prog: str = "python -m proxy") -> int:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.mode == "reverse" and not args.upstream:
        parser.error("--upstream URL is required in reverse mode")
    try:
        run_proxy(
            args.upstream,
            host=args.host,
            port=args.port,
            ledger_url=args.ledger,
            policy=args.policy,
            rules=args.rules,
            mode=args.mode,
            apps_file=args.apps_file,
            confdir=args.confdir,
            port_file=args.port_file,
            introspect=not args.no_introspect,
            sunset=args.sunset,
            clock_file=args.clock_file,
            extra_settings={
                "miready_test_file": args.test_file or "",
                "miready_upstream_ca": args.upstream_ca or "",
                "miready_upstream_insecure": args.upstream_insecure,
            },
        )
    except KeyboardInterrupt:
        return 130
    return 0
