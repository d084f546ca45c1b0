"""Render the HTML report of a demo-like ledger and screenshot it in headless Chromium.

    python scripts/screenshot_report.py [--out report.png] [--html report.html]

Exit 0 with the PNG written; 3 when no Chromium is installed (``apt-get install -y chromium``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from miready.certifier.ledger import CallRecord, open_ledger  # noqa: E402
from miready.certifier.report import build_report, render  # noqa: E402
from miready.certifier.review import review  # noqa: E402
from miready.contracts.rules import default_rule_pack  # noqa: E402

AS_OF = datetime(2024, 5, 20, 18, 0, tzinfo=UTC)
EXIT_NO_CHROMIUM = 3
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

# (operation id, method, template, findings, params) of the calls each demo app makes every day
LEGACY_DAY = [
    ("getOrder", "GET", "/orders/{order_id}", (), ()),
    ("packOrder", "POST", "/orders/{order_id}/pack", ("endpoint.orders.pack",), ()),
    (
        "fulfillOrder",
        "POST",
        "/orders/{order_id}/fulfill",
        ("endpoint.orders.fulfill",),
        ("shipping_tracking_number",),
    ),
    (
        "updateProduct",
        "PUT",
        "/products/{product_id}",
        ("param.variant.stock",),
        ("variants[].stock",),
    ),
]
MIGRATED_DAY = [
    ("listFulfillmentOrders", "GET", "/orders/{order_id}/fulfillment-orders", (), ()),
    (
        "updateFulfillmentOrder",
        "PATCH",
        "/orders/{order_id}/fulfillment-orders/{fulfillment_order_id}",
        (),
        ("status",),
    ),
    (
        "createTrackingEvent",
        "POST",
        "/orders/{order_id}/fulfillment-orders/{fulfillment_order_id}/tracking-events",
        (),
        ("status",),
    ),
    (
        "updateVariantsStock",
        "POST",
        "/products/{product_id}/variants/stock",
        (),
        ("action", "value", "location_id"),
    ),
]
EXAMPLES = {
    "endpoint.orders.pack": '{"method":"POST","path":"/orders/{order_id}/pack","query":{}}',
    "endpoint.orders.fulfill": '{"body":{"shipping_tracking_number":"<str>"},"method":"POST",'
    '"path":"/orders/{order_id}/fulfill","query":{}}',
    "param.variant.stock": '{"body":{"variants":[{"id":"<int>","stock":"<int>"}]},"method":"PUT",'
    '"path":"/products/{product_id}","query":{}}',
}


def build_demo_ledger(url: str) -> None:
    """A legacy app that migrates half-way, a migrated app (approved), a newcomer, a reader."""
    ledger = open_ledger(url)
    records = []
    for day in range(20, -1, -1):
        base = AS_OF - timedelta(days=day, hours=6)
        for i in range(3 + day % 4):
            for op, method, path, findings, params in LEGACY_DAY:
                # The legacy app stopped packing orders the old way six days ago.
                if op == "packOrder" and day < 6:
                    continue
                records.append(
                    _call("legacy-shipping", base, i, op, method, path, findings, params)
                )
            for op, method, path, findings, params in MIGRATED_DAY:
                records.append(_call("migrated-stock", base, i, op, method, path, findings, params))
        if day <= 5:
            records.append(
                _call("newcomer", base, 0, *MIGRATED_DAY[0][:3], (), (), scopes=("read_orders",))
            )
        records.append(
            _call(
                "reader", base, 0, "getStore", "GET", "/store", (), (), scopes=("read_customers",)
            )
        )
    ledger.write_calls(records)
    review(
        ledger,
        "migrated-stock",
        True,
        "ana@platform",
        "re-approval passed: stock per location",
        AS_OF - timedelta(hours=2),
        default_rule_pack(),
    )
    ledger.close()


def _call(
    app_id: str,
    base: datetime,
    i: int,
    op: str,
    method: str,
    path: str,
    findings: tuple[str, ...],
    params: tuple[str, ...],
    scopes: tuple[str, ...] = ("read_orders", "write_orders", "write_products"),
) -> CallRecord:
    return CallRecord(
        at=base + timedelta(minutes=7 * i),
        app_id=app_id,
        app_name={"legacy-shipping": "ShipFast (legacy)", "migrated-stock": "StockSync"}.get(
            app_id
        ),
        store_id="1",
        token_id="0123456789abcdef",
        scopes=scopes,
        operation_id=op,
        method=method,
        path_template=path,
        status=200,
        latency_ms=4.0,
        params=params,
        findings=findings,
        examples={f: EXAMPLES[f] for f in findings},
        source="proxy",
    )


def render_demo_html(directory: Path) -> Path:
    url = f"sqlite:///{directory / 'demo.db'}"
    build_demo_ledger(url)
    ledger = open_ledger(url)
    try:
        report = build_report(ledger, default_rule_pack(), AS_OF, ledger.apps())
    finally:
        ledger.close()
    html = directory / "report.html"
    html.write_text(render(report, "html"), encoding="utf-8")
    return html


def screenshot(html: Path, png: Path, chromium: str, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory(prefix="miready-chromium-") as profile:
        cmd = [
            chromium,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
            html.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not png.exists():
        raise RuntimeError(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="report.png", help="the PNG to write")
    parser.add_argument("--html", help="also keep the HTML report here")
    parser.add_argument("--chromium", help="the browser binary (default: chromium on PATH)")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1600)
    args = parser.parse_args(argv)
    chromium = args.chromium or find_chromium()
    if chromium is None:
        print("no chromium found: apt-get install -y chromium", file=sys.stderr)
        return EXIT_NO_CHROMIUM
    with tempfile.TemporaryDirectory(prefix="miready-report-") as tmp:
        html = render_demo_html(Path(tmp))
        if args.html:
            shutil.copyfile(html, args.html)
        screenshot(html, Path(args.out).resolve(), chromium, args.width, args.height)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
