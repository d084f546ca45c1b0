"""The plugin's command-line and ini options, and the settings resolved from them once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

# The scopes of the sample fixture's ready app (1002): every scope the migrated API needs.
DEFAULT_SCOPES = (
    "write_products",
    "write_orders",
    "write_locations",
    "write_draft_orders",
    "write_shipping",
    "write_fulfillment_orders",
)
DEFAULT_APP_ID = "app-under-test"
POLICIES = ("observe", "warn", "translate", "enforce")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("miready", "miready: mock store, recording proxy, deprecation gate")
    group.addoption(
        "--miready-gate",
        action="store_true",
        default=None,
        help="fail the run if the app under test made any deprecated call (ini: miready_gate)",
    )
    group.addoption(
        "--no-miready-gate",
        dest="miready_gate",
        action="store_false",
        help="turn the gate off, even where the ini file turns it on",
    )
    group.addoption(
        "--miready-strict",
        action="store_true",
        default=False,
        help="fail each test that made a deprecated call, with the finding as its message",
    )
    group.addoption(
        "--miready-require-calls",
        action="store_true",
        default=False,
        help="fail the run if the proxy recorded no call at all (the suite bypassed it)",
    )
    group.addoption(
        "--miready-junit",
        metavar="PATH",
        default=None,
        help="write a JUnit XML file: a testcase per (app, rule) and per test, failing on hits",
    )
    group.addoption(
        "--miready-keep-ledger",
        metavar="DIR",
        default=None,
        help="copy each proxy's SQLite ledger into DIR at the end (for `miready certify`)",
    )
    group.addoption(
        "--miready-policy",
        choices=POLICIES,
        default=None,
        help="what the proxy does with deprecated calls (default observe; ini: miready_policy)",
    )
    group.addoption(
        "--miready-rules",
        metavar="PACK",
        default=None,
        help="rule pack (a name or a folder) the proxy classifies with (ini: miready_rules)",
    )
    parser.addini("miready_gate", "fail the run on any deprecated call", type="bool", default=False)
    parser.addini(
        "miready_fixture",
        "YAML fixture of the mock store (relative to the rootdir); default: the sample store",
        default="",
    )
    parser.addini(
        "miready_scopes",
        "scopes of the app under test's token (space separated); default: every scope",
        type="args",
        default=[],
    )
    parser.addini("miready_app_id", "app id of the app under test", default=DEFAULT_APP_ID)
    parser.addini("miready_policy", "the proxy's policy", default="observe")
    parser.addini("miready_rules", "the proxy's rule pack (name or folder)", default="")


@dataclass(frozen=True, slots=True)
class Settings:
    """The options of one run, resolved once (command line over ini)."""

    gate: bool
    strict: bool
    require_calls: bool
    junit: Path | None
    keep_ledger: Path | None
    policy: str
    rules: str | None
    app_id: str
    scopes: tuple[str, ...]

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        flag = config.getoption("miready_gate")
        policy = config.getoption("miready_policy") or config.getini("miready_policy") or "observe"
        if policy not in POLICIES:
            raise pytest.UsageError(
                f"miready_policy = {policy!r} in the ini file: use one of {', '.join(POLICIES)}"
            )
        scopes = config.getini("miready_scopes") or list(DEFAULT_SCOPES)
        junit, keep = config.getoption("miready_junit"), config.getoption("miready_keep_ledger")
        return cls(
            gate=bool(config.getini("miready_gate")) if flag is None else flag,
            strict=config.getoption("miready_strict"),
            require_calls=config.getoption("miready_require_calls"),
            junit=Path(junit) if junit else None,
            keep_ledger=Path(keep) if keep else None,
            policy=policy,
            rules=config.getoption("miready_rules") or config.getini("miready_rules") or None,
            app_id=config.getini("miready_app_id") or DEFAULT_APP_ID,
            scopes=tuple(s for arg in scopes for s in arg.split(",") if s),
        )


def fixture_of(node: pytest.Item, config: pytest.Config) -> tuple[Path | None, str]:
    """The store fixture for this test, and where it was set (for error messages)."""
    marker = node.get_closest_marker("miready_fixture")
    if marker is not None:
        path = Path(marker.args[0])
        where = f"@pytest.mark.miready_fixture on {node.nodeid}"
        return (path if path.is_absolute() else Path(node.path).parent / path), where
    ini = config.getini("miready_fixture")
    if ini:
        path = Path(ini)
        where = f"miready_fixture in {config.inipath or 'the ini file'}"
        return (path if path.is_absolute() else config.rootpath / path), where
    return None, ""
