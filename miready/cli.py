"""The ``miready`` command line: one subcommand per job, each delegating to its package."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

# `--ledger` defaults to None, read as the ledger's DEFAULT_LEDGER_URL once a command runs: the
# parser (and `--help`) then loads no ledger code. Only what a command uses is imported.
EXIT_USAGE = 2
FORMATS = ("text", "json", "md", "html", "junit")
# One example per subcommand, shown at the end of its --help.
EXAMPLES = {
    "mock": "example:\n  miready mock --port 8080 --fixture mocks/fixtures/sample.yaml",
    "certify": "example:\n  miready certify --ledger sqlite:///miready.db --as-of 2023-04-15 "
    "--format html --out report.html",
    "import": "example:\n  miready import capture.har --app 1001 --scopes read_orders write_orders",
    "review": "example:\n  miready review --app 1001 --approve --reviewer ana "
    '--reason "checked FO flows"',
    "demo": "example:\n  miready demo --dir ./demo-out",
    "rules": "example:\n  miready rules list\n  miready rules show tiendanube-multi-inventory",
    "rules list": "example:\n  miready rules list",
    "rules show": "example:\n  miready rules show tiendanube-multi-inventory",
    "ledger": "examples:\n  miready ledger verify --ledger sqlite:///miready.db\n"
    "  miready ledger prune --older-than 90d --ledger sqlite:///miready.db",
    "ledger verify": "example:\n  miready ledger verify --ledger sqlite:///miready.db",
    "ledger prune": "example:\n  miready ledger prune --older-than 90d --ledger sqlite:///miready.db",
}
# `miready proxy` hands its arguments to proxy/cli.py, whose parser carries its own example.


def _add(
    subparsers: argparse._SubParsersAction, name: str, key: str, **kw: object
) -> argparse.ArgumentParser:
    """A (sub-)subcommand parser ending its --help with `EXAMPLES[key]`."""
    return subparsers.add_parser(
        name,
        epilog=EXAMPLES[key],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kw,  # type: ignore[arg-type]
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="miready",
        description="Migrate apps to multi-location inventory: mock, record, certify.",
        epilog="example:\n  miready mock --port 8080 &\n"
        "  miready proxy --upstream http://127.0.0.1:8080 --port 8081",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, **kw: object) -> argparse.ArgumentParser:
        return _add(sub, name, name, **kw)

    mock = add("mock", help="run the mock multi-location platform")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=8080)
    mock.add_argument("--fixture", help="YAML fixture to load (default: the sample fixture)")
    mock.add_argument("--no-legacy", action="store_true", help="switch the legacy endpoints off")
    mock.add_argument(
        "--allow-remote-admin", action="store_true", help="serve /_mock/ to non-loopback peers"
    )
    # The platform's other side (issue 13): rate limits and the merchant's readiness warnings.
    mock.add_argument(
        "--rate-limit", action="store_true", help="leaky bucket (40, 2/s) for every store and app"
    )
    readiness = mock.add_mutually_exclusive_group()
    readiness.add_argument(
        "--ledger", dest="readiness_ledger", metavar="URL", help="warn merchants from this ledger"
    )
    readiness.add_argument(
        "--readiness", metavar="FILE", help="warn merchants from a certify --format json report"
    )
    mock.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="the token every /_mock/ call must send as 'Authorization: Bearer TOKEN' (default: "
        "$MIREADY_ADMIN_TOKEN, else a fresh one, printed); prefer the variable: argv is visible",
    )
    mock.add_argument(
        "--admin-token-file",
        metavar="PATH",
        default="~/.miready/mock-admin-token",
        help="write the admin token here, owner-only (default: %(default)s; '' writes none)",
    )

    # Its options live in proxy/cli.py; `miready proxy ...` hands every argument over unchanged.
    sub.add_parser("proxy", help="run the recording proxy in front of a store", add_help=False)

    cert = add("certify", help="decide and report multi-inventory readiness")
    cert.add_argument("--ledger")
    cert.add_argument("--app", dest="apps", action="append", metavar="ID")
    cert.add_argument("--as-of", help="ISO 8601 date or datetime (default: now)")
    cert.add_argument("--format", choices=FORMATS, default="text")
    cert.add_argument("--out", help="write the report to this file")
    cert.add_argument("--rules", metavar="PACK", help="platform pack: a name or a folder")
    cert.add_argument(
        "--reclassify",
        action="store_true",
        help="judge the stored calls again by --rules (what-if), not by their recorded findings",
    )

    imp = add("import", help="classify captured traffic (HAR or mitmproxy flows)")
    imp.add_argument("file", metavar="FILE")
    imp.add_argument("--ledger")
    imp.add_argument("--app", dest="app_id", metavar="ID")
    imp.add_argument("--scopes", nargs="*", default=None)
    imp.add_argument("--rules", metavar="PACK", help="platform pack: a name or a folder")
    imp.add_argument(
        "--app-kind", metavar="KIND", help="the app's kind, one of the pack's app_kinds"
    )
    imp.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the good entries of a capture with malformed ones (default: refuse it all)",
    )

    rev = add("review", help="record a manual review of an app")
    rev.add_argument("--ledger")
    rev.add_argument("--app", dest="app_id", required=True, metavar="ID")
    verdict = rev.add_mutually_exclusive_group(required=True)
    verdict.add_argument("--approve", action="store_true")
    verdict.add_argument("--reject", action="store_true")
    rev.add_argument("--reviewer", required=True)
    rev.add_argument("--reason", required=True)

    rules = add("rules", help="what the platform packs check")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, metavar="list|show")
    _add(rules_sub, "list", "rules list", help="the packs shipped in contracts/packs/")
    show = _add(rules_sub, "show", "rules show", help="the rules of one pack, as a table")
    show.add_argument("pack", metavar="PACK", help="a pack name or a pack folder")

    led = add("ledger", help="check or prune a ledger")
    led_sub = led.add_subparsers(dest="ledger_command", required=True, metavar="ACTION")
    verify = _add(
        led_sub, "verify", "ledger verify", help="rollups equal a recount; list the quarantine"
    )
    verify.add_argument("--ledger")
    prune = _add(
        led_sub, "prune", "ledger prune", help="delete old calls; keep rollups, reviews, window"
    )
    prune.add_argument("--ledger")
    prune.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 90d, 12w, 36h")

    demo = add("demo", help="the whole story end to end, in under a minute")
    demo.add_argument("--dir", help="folder for the ledger and the reports (default: a temp dir)")
    demo.add_argument("--keep", action="store_true", help="leave the mock and proxy running")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["proxy"]:
        from miready.proxy.cli import main as proxy_main  # noqa: PLC0415 - mitmproxy loads only here

        problem = _preflight_proxy(argv[1:])
        if problem:
            return _fail("proxy", problem)
        return proxy_main(argv[1:], prog="miready proxy")
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        return 130


def _fail(command: str, line: str) -> int:
    print(f"miready {command}: error: {line}", file=sys.stderr)
    return EXIT_USAGE


def _preflight_proxy(argv: list[str]) -> str | None:
    """The proxy's ledger folder, port and upstream, checked before mitmproxy starts."""
    from miready.preflight import (  # noqa: PLC0415
        PreflightError,
        check_ledger,
        check_port,
        check_upstream,
    )

    if {"-h", "--help"} & set(argv):
        return None
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--upstream")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081)
    p.add_argument("--ledger")
    p.add_argument("--mode", default="reverse")
    known, _ = p.parse_known_args(argv)
    if known.ledger is None:
        from miready.certifier.ledger.base import DEFAULT_LEDGER_URL  # noqa: PLC0415

        known.ledger = DEFAULT_LEDGER_URL
    try:
        if known.ledger:
            check_ledger(known.ledger)
        check_port(known.host, known.port)
        if known.upstream and known.mode == "reverse":
            check_upstream(known.upstream)
    except PreflightError as e:
        return str(e)
    return None


def _platform_side_options(args: argparse.Namespace) -> dict[str, object]:
    """`miready mock`'s issue-13 options as MockConfig fields (readiness read on the CLI side)."""
    from miready import readiness  # noqa: PLC0415

    options: dict[str, object] = {"rate_limit": args.rate_limit}
    if args.readiness_ledger:
        options["readiness"] = readiness.from_ledger(args.readiness_ledger)
    elif args.readiness:
        options["readiness"] = readiness.from_report(args.readiness)
    return options


def _mock(args: argparse.Namespace) -> int:
    import os  # noqa: PLC0415

    from miready.mocks.admin_token import ENV_VAR, check_admin_token  # noqa: PLC0415
    from miready.mocks.app import SAMPLE_FIXTURE  # noqa: PLC0415
    from miready.mocks.server import run_mock  # noqa: PLC0415

    token = args.admin_token or os.environ.get(ENV_VAR) or None
    if token is not None:
        try:
            check_admin_token(token)
        except ValueError as e:
            print(f"miready mock: error: --admin-token/${ENV_VAR}: {e}", file=sys.stderr)
            return EXIT_USAGE
    run_mock(
        args.host,
        args.port,
        args.fixture or SAMPLE_FIXTURE,
        legacy=not args.no_legacy,
        allow_remote_admin=args.allow_remote_admin,
        options=_platform_side_options(args),
        admin_token=token,
        admin_token_file=args.admin_token_file or None,
    )
    return 0


def _dispatch(args: argparse.Namespace) -> int:
    from miready.certifier.errors import UsageError  # noqa: PLC0415 - keep start-up light
    from miready.preflight import (  # noqa: PLC0415
        PreflightError,
        check_fixture,
        check_ledger,
        check_port,
        port_in_use,
    )

    if hasattr(args, "ledger") and args.ledger is None:
        from miready.certifier.ledger.base import DEFAULT_LEDGER_URL  # noqa: PLC0415

        args.ledger = DEFAULT_LEDGER_URL
    try:
        if getattr(args, "ledger", None):
            check_ledger(args.ledger)
        match args.command:
            case "mock":
                if args.fixture:
                    check_fixture(args.fixture)
                check_port(args.host, args.port)
                try:
                    return _mock(args)
                except OSError as e:  # taken between the check and the listen
                    raise PreflightError(port_in_use(args.host, args.port, e)) from e
            case "certify":
                from miready.certifier.commands import certify  # noqa: PLC0415

                return certify(
                    args.ledger,
                    args.apps,
                    args.as_of,
                    args.format,
                    args.out,
                    args.rules,
                    reclassify=args.reclassify,
                )
            case "import":
                from miready.certifier.commands import import_traffic  # noqa: PLC0415

                result = import_traffic(
                    args.ledger,
                    args.file,
                    args.app_id,
                    args.scopes,
                    args.rules,
                    args.app_kind,
                    args.skip_bad,
                )
                print(result)
                return 0
            case "review":
                from miready.certifier.commands import review  # noqa: PLC0415

                return review(args.ledger, args.app_id, args.approve, args.reviewer, args.reason)
            case "rules":
                from miready.contracts.errors import ContractError
                from miready.rules_table import list_packs, show_pack

                try:
                    text = list_packs() if args.rules_command == "list" else show_pack(args.pack)
                except ContractError as e:
                    raise UsageError(str(e)) from e
                sys.stdout.write(text)
                return 0

            case "ledger":
                from miready.certifier.ledger import maintenance

                if args.ledger_command == "verify":
                    return maintenance.verify_command(args.ledger)
                from miready.contracts.rules import default_rule_pack

                window = default_rule_pack().window_days
                return maintenance.prune_command(args.ledger, args.older_than, window)
            case "demo":
                from miready.demo import run_demo  # noqa: PLC0415

                return run_demo(directory=args.dir, keep=args.keep)
    except (UsageError, PreflightError) as e:
        return _fail(args.command, str(e))
    raise AssertionError(f"unhandled command {args.command!r}")
