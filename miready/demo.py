"""``miready demo``: the whole story in one command, on the embedded SQLite ledger.

A mock store, the recording proxy in front of it, a legacy app and a migrated app working for a
simulated 14 days, then the certification report. The simulated time is injected into the mock
(its admin clock) and into the proxy (its clock file): nothing an app sends can move it.
"""

from __future__ import annotations

import json
import signal
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from miready import mocks as mocks_package
from miready.certifier.ledger import open_ledger
from miready.certifier.report import build_report, render
from miready.certifier.report.text import write as write_text_report
from miready.contracts.rules import default_rule_pack
from miready.demo_apps.legacy_app import LegacyApp
from miready.demo_apps.migrated_app import MigratedApp
from miready.demo_apps.platform_client import PlatformClient
from miready.mocks.admin_token import exported
from miready.mocks.server import MockServer
from miready.proxy.clock import write_clock_file
from miready.proxy.process import ProxyProcess

DEMO_FIXTURE = Path(mocks_package.__file__).resolve().parent / "fixtures" / "demo.yaml"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # fixed, so every run tells the same story
DAYS = 15  # day 0 .. day 14: the apps are observed for the whole 14-day window
AS_OF = START + timedelta(days=DAYS - 1, hours=12)


@dataclass(frozen=True)
class DemoStore:
    store_id: str
    app_token: str
    storefront_token: str
    split_variant: int
    user_agent: str


LEGACY = DemoStore(
    "1001",
    "demo-legacy-app-token",
    "demo-storefront-1001",
    101,
    "LegacyShippingApp/1.0 (dev@legacy.example)",
)
READY = DemoStore(
    "2002",
    "demo-ready-app-token",
    "demo-storefront-2002",
    201,
    "ReadyShippingApp/2.0 (dev@ready.example)",
)

SHOPPERS = [  # personal data the ledger must never keep
    {
        "name": "María González",
        "phone": "+54 11 5555-0101",
        "street": "Av. Corrientes",
        "number": "1500",
    },
    {
        "name": "João Pereira",
        "phone": "+55 21 99999-0202",
        "street": "Rua das Flores",
        "number": "22",
    },
]


def run_demo(directory: str | None = None, keep: bool = False) -> int:
    console = Console()
    workdir = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="miready-demo-"))
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "miready.db"
    for stale in workdir.glob("miready.db*"):
        stale.unlink()
    ledger_url = f"sqlite:///{db}"
    clock_file = workdir / "clock.txt"
    write_clock_file(clock_file, START)
    started = time.monotonic()

    with console.status("starting the mock platform and the recording proxy"):
        mock = MockServer(fixture=DEMO_FIXTURE).__enter__()
        with exported(mock.admin_token):  # the proxy asks the mock who a token is with it
            proxy = ProxyProcess(
                mock.url, ledger_url=ledger_url, options={"miready_clock_file": str(clock_file)}
            ).__enter__()
    try:
        console.print(
            f"[green]mock[/green]  {mock.url}   [green]proxy[/green] {proxy.url}"
            f"   [green]ledger[/green] {ledger_url}"
        )
        split_orders = _simulate(console, mock.url, mock.admin_headers, proxy.url, clock_file)
        if not proxy.wait_until_recorded(timeout=120.0):
            console.print(
                f"[red]the proxy did not record every call in time: {proxy.status()}[/red]"
            )
            return 1
        _show_split_orders(console, mock.url, split_orders)
        if keep:
            _keep_running(console, mock.url, mock.admin_token, proxy.url, ledger_url)
    finally:
        proxy.__exit__(None, None, None)
        mock.__exit__(None, None, None)

    verdicts = _report(console, ledger_url, workdir)
    console.print(f"finished in {time.monotonic() - started:.1f} s")
    expected = {"legacy-shipping": "not_ready", "ready-shipping": "auto_approved"}
    if verdicts != expected:
        console.print(f"[red]unexpected verdicts {verdicts}, expected {expected}[/red]")
        return 1
    return 0


def _client(base_url: str, store: DemoStore, token: str, user_agent: str) -> PlatformClient:
    return PlatformClient(base_url, store.store_id, token, user_agent)


def _set_clock(mock_url: str, admin: dict[str, str], clock_file: Path, now: datetime) -> None:
    write_clock_file(clock_file, now)
    request = urllib.request.Request(
        f"{mock_url}/_mock/clock",
        data=json.dumps({"now": now.isoformat()}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json", **admin},
    )
    urllib.request.urlopen(request, timeout=10).close()


def _simulate(
    console: Console, mock_url: str, admin: dict[str, str], proxy_url: str, clock_file: Path
) -> dict[str, tuple[str, int]]:
    """Run both apps for DAYS days; returns, per store, the app's name and its split order."""
    legacy = LegacyApp(_client(proxy_url, LEGACY, LEGACY.app_token, LEGACY.user_agent))
    migrated = MigratedApp(_client(proxy_url, READY, READY.app_token, READY.user_agent))
    shops = {
        s.store_id: _client(mock_url, s, s.storefront_token, "Storefront (simulated shoppers)")
        for s in (LEGACY, READY)
    }
    split_orders: dict[str, tuple[str, int]] = {}
    progress = Progress(
        TextColumn("simulating 14 days of work"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=console,
    )
    with progress:
        task = progress.add_task("", total=DAYS)
        for day in range(DAYS):
            now = START + timedelta(days=day)
            _set_clock(mock_url, admin, clock_file, now)
            progress.update(task, description=now.date().isoformat())
            if day == 0:
                legacy.set_up()
                migrated.set_up()
            for app, store in ((legacy, LEGACY), (migrated, READY)):
                shop = shops[store.store_id]
                if day == 0:  # 3 units: 2 ship from Central, 1 from Norte
                    order = _place_order(shop, store.split_variant, 3, day)
                    split_orders[store.store_id] = (app.name, order["id"])
                _place_order(shop, app.variant_id, 1 + day % 2, day)
            legacy.work_day(day)
            migrated.work_day(day)
            progress.advance(task)
    return split_orders


def _place_order(shop: PlatformClient, variant_id: int, quantity: int, day: int) -> dict:
    who = SHOPPERS[day % len(SHOPPERS)]
    return shop.post(
        "/orders",
        {
            "products": [{"variant_id": variant_id, "quantity": quantity}],
            "recipient": {"name": who["name"], "phone": who["phone"]},
            "destination": {
                "street": who["street"],
                "number": who["number"],
                "zipcode": "1000",
                "city": "Buenos Aires",
                "province": {"code": "C", "name": "CABA"},
                "country": {"code": "AR", "name": "Argentina"},
            },
        },
    )


def split_orders_table(rows: list[dict[str, str]]) -> Table:
    """The split orders, readable at 80 columns: no value wraps, the FO id is cut to its last 8
    characters (a ULID's random tail) and a long app name is cut with an ellipsis."""
    table = Table(title="The order that ships from two locations", title_justify="left")
    # Widths add up to 78 with borders: app <= 16, FO 12, loc. 5, status 16, tracking code 13.
    table.add_column("app", max_width=16, overflow="ellipsis", no_wrap=True)
    table.add_column("FO", no_wrap=True, min_width=12)
    table.add_column("loc.", no_wrap=True, min_width=5)
    table.add_column("status", no_wrap=True, min_width=16)
    table.add_column("tracking code", no_wrap=True, min_width=13)
    for row in rows:
        table.add_row(
            row["app"],
            f"#{row['n']} …{row['fo_id'][-8:]}",
            "…" + row["location_id"][-4:],
            row["status"],
            row["code"] or "[red]none[/red]",
            style=None if row["ok"] else "red",
        )
    return table


def _show_split_orders(
    console: Console, mock_url: str, split_orders: dict[str, tuple[str, int]]
) -> None:
    rows = []
    for store in (LEGACY, READY):
        app_name, order_id = split_orders[store.store_id]
        shop = _client(mock_url, store, store.storefront_token, "miready demo")
        for i, fo in enumerate(shop.get(f"/orders/{order_id}/fulfillment-orders")):
            code = (fo.get("tracking_info") or {}).get("code")
            rows.append(
                {
                    "app": app_name if i == 0 else "",
                    "n": str(i + 1),
                    "fo_id": fo["id"],
                    "location_id": (fo.get("assigned_location") or {}).get("location_id", ""),
                    "status": fo["status"],
                    "code": code or "",
                    "ok": fo["status"] == "DISPATCHED" and bool(code),
                }
            )
    console.print(split_orders_table(rows))
    console.print(
        "The legacy app called POST /orders/{id}/fulfill once: its tracking code landed on the "
        "first fulfillment order only, and the second one never left the warehouse.\n"
        "The migrated app dispatched each fulfillment order with its own tracking code."
    )


def _report(console: Console, ledger_url: str, workdir: Path) -> dict[str, str]:
    ledger = open_ledger(ledger_url)
    try:
        report = build_report(ledger, default_rule_pack(), AS_OF, ledger.apps())
    finally:
        ledger.close()
    write_text_report(console, report)
    html = workdir / "miready-report.html"
    html.write_text(render(report, "html"), encoding="utf-8")
    (workdir / "miready-report.json").write_text(render(report, "json"), encoding="utf-8")
    console.print(f"HTML report: [bold]{html}[/bold]")
    return {a.decision.app_id: a.decision.verdict.value for a in report.apps}


def _keep_running(
    console: Console, mock_url: str, admin_token: str, proxy_url: str, ledger_url: str
) -> None:
    console.print(
        "\n[bold]Left running; point your own app at the proxy:[/bold]\n"
        f"  base URL     {proxy_url}/v1/1001   (store 1001; the mock itself is {mock_url})\n"
        "  header       Authentication: bearer demo-legacy-app-token\n"
        "  header       User-Agent: MyApp (me@example.com)\n"
        f"  new token    POST {mock_url}/_mock/stores/1001/apps"
        ' {"app_id": ..., "scopes": [...]}\n'
        f"               with Authorization: Bearer {admin_token}  (the mock's admin token)\n"
        f"  status       {proxy_url}/_miready/status\n"
        f"  certify      miready certify --ledger {ledger_url}\n"
        "Press Ctrl-C to stop."
    )

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Explicit: a shell may start us with SIGINT ignored (a background job), and SIGTERM
    # must clean up the same way.
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        console.print("stopping")
