"""Reports in every format (JSON against its schema, JUnit, HTML, Markdown, text); certify exits."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml
from miready.certifier.commands import certify
from miready.certifier.errors import UsageError
from miready.certifier.report import FORMATS, build_report, jsondoc, render
from miready.certifier.report.formats import load_builtins
from miready.certifier.report.jsondoc import to_document
from miready.certifier.report.model import month_day
from miready.contracts import SCHEMAS_DIR

AS_OF = datetime(2024, 5, 20, 12, 0, tzinfo=UTC)
AS_OF_TEXT = "2024-05-20T12:00:00Z"
EARLY = AS_OF - timedelta(days=30)


@pytest.fixture
def demo(ledger, calls):
    """A legacy app (two rules), a migrated app, a new app and an unaffected one."""
    days = [AS_OF - timedelta(days=d) for d in range(1, 20)]
    calls.clean("migrated", *days)
    calls.clean("legacy", *days)
    calls.legacy("legacy", *days[:5])
    calls.write(
        "legacy",
        (AS_OF - timedelta(days=2),),
        ("updateProduct", "PUT", "/products/{product_id}"),
        ("param.variant.stock",),
        ("write_products",),
    )
    calls.clean("newcomer", AS_OF - timedelta(days=3))
    calls.clean("reader", EARLY, AS_OF, scopes=("read_customers",))
    return ledger


@pytest.fixture(scope="module")
def schema():
    return json.loads((SCHEMAS_DIR / "report.json").read_text())


def _report(ledger, pack, apps=None):
    selected = [a for a in ledger.apps() if apps is None or a.app_id in apps]
    return build_report(ledger, pack, AS_OF, selected)


def test__formats__should_register_the_five_builtins_by_name():
    assert load_builtins().names() == ["html", "json", "junit", "md", "text"]
    assert "json" in FORMATS


def test__json__should_validate_against_the_schema_and_be_versioned(demo, pack, schema):
    doc = json.loads(render(_report(demo, pack), "json"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]
    assert errors == []
    assert doc["version"] == 1 and doc["$schema"] == schema["$id"]


def test__json__schema__should_reject_an_unknown_verdict(demo, pack, schema):
    doc = to_document(_report(demo, pack))
    doc["apps"][0]["verdict"] = "probably_fine"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


@pytest.mark.parametrize(
    ("app_id", "verdict", "rules"),
    [
        ("legacy", "not_ready", ["endpoint.orders.pack", "param.variant.stock"]),
        ("migrated", "auto_approved", []),
        ("newcomer", "insufficient_evidence", []),
        ("reader", "not_affected", []),
    ],
)
def test__json__each_app__should_carry_its_verdict_and_rule_hits(
    demo, pack, app_id, verdict, rules
):
    apps = {a["app_id"]: a for a in to_document(_report(demo, pack))["apps"]}
    app = apps[app_id]
    assert app["verdict"] == verdict
    assert [f["rule_id"] for f in app["findings"]] == rules
    assert len(app["timeline"]) == 15


def test__json__a_finding__should_carry_the_deprecated_calls_report_fields(demo, pack):
    apps = {a["app_id"]: a for a in to_document(_report(demo, pack))["apps"]}
    pack_hit, stock_hit = apps["legacy"]["findings"]
    assert pack_hit["endpoint"] == "POST /orders/{order_id}/pack"
    assert pack_hit["api_type"] == "REST"
    assert pack_hit["count"] == 5
    assert pack_hit["last_call_at"] == pack_hit["last_seen"] == "2024-05-19T12:00:00.000000Z"
    assert pack_hit["first_seen"] == "2024-05-15T12:00:00.000000Z"
    assert [d["count"] for d in pack_hit["per_day"]] == [1, 1, 1, 1, 1]
    assert pack_hit["documentation_url"].startswith(pack.documentation_url + "#changes-in-how")
    assert pack_hit["migration_deadline"] is None
    assert pack_hit["example"]["path"] == "/orders/{order_id}/pack"
    assert (
        "PATCH /orders/{order_id}/fulfillment-orders/{fulfillment_order_id}"
        in pack_hit["replacement"]
    )
    assert "variant.inventory_levels[] {location_id, stock}" in stock_hit["replacements"]
    assert pack_hit["description"] == pack.rule("endpoint.orders.pack").description
    assert apps["legacy"]["eligible_on"] == "2024-06-02"


def test__json__order_param_finding__should_list_the_mapping_replacement(ledger, calls, pack):
    calls.write(
        "app",
        (AS_OF,),
        ("createOrder", "POST", "/orders"),
        ("param.order.shipping_tracking_number",),
        ("write_orders",),
    )
    (finding,) = to_document(_report(ledger, pack))["apps"][0]["findings"]
    assert (
        "shipping_tracking_number -> fulfillment_order.tracking_info.code"
        in finding["replacements"]
    )


@pytest.mark.parametrize(
    ("family", "app_id", "status", "uses_new"),
    [
        ("fulfillment_actions", "legacy", "mixed", True),
        ("fulfillment_actions", "migrated", "new", True),
        ("stock_writes", "legacy", "legacy", False),
        ("stock_writes", "migrated", "unused", False),
        ("tracking", "migrated", "unused", False),
    ],
)
def test__coverage__each_family__should_say_whether_new_endpoints_were_used(
    demo, pack, family, app_id, status, uses_new
):
    apps = {a["app_id"]: a for a in to_document(_report(demo, pack))["apps"]}
    cov = {c["family"]: c for c in apps[app_id]["coverage"]}
    assert (cov[family]["status"], cov[family]["uses_new"]) == (status, uses_new)


def test__junit__should_parse_with_one_failure_per_app_and_rule_hit(demo, pack):
    xml = JUnitXml.fromstring(render(_report(demo, pack), "junit"))
    suites = {s.name: s for s in xml}
    assert set(suites) == {"legacy", "migrated", "newcomer", "reader"}
    assert suites["legacy"].failures == 2
    assert sum(s.failures for s in xml) == 2
    assert suites["migrated"].tests == len(pack.rules)
    failed = sorted(c.name for c in suites["legacy"] if not c.is_passed)
    assert failed == ["endpoint.orders.pack", "param.variant.stock"]
    assert xml.failures == 2


def test__html__should_be_self_contained_with_an_svg_timeline_per_app(demo, pack):
    html = render(_report(demo, pack), "html")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 4
    assert "<script" not in html.lower()
    # nothing to load: no src attribute, stylesheet link, CSS url() or @import pointing anywhere
    assert re.findall(r'\ssrc\s*=\s*["\']?(?:https?:)?//', html, re.I) == []
    assert re.findall(r"<link[^>]+href", html, re.I) == []
    assert "url(" not in html and "@import" not in html
    assert "#dc2626" in html  # deprecated calls in red
    assert "not_ready" in html and "auto_approved" in html
    assert "@media print" in html


def test__html__app_ids__should_be_escaped(ledger, calls, pack):
    calls.clean("<b>evil</b>", AS_OF)
    html = render(_report(ledger, pack), "html")
    assert "<b>evil</b>" not in html and "&lt;b&gt;evil&lt;/b&gt;" in html


def test__md__should_fit_a_pr_comment_with_a_summary_row_per_app(demo, pack):
    md = render(_report(demo, pack), "md")
    assert len(md) < 65_536
    assert md.startswith("## ❌")
    assert "| `legacy` | 🔴 not_ready |" in md
    assert "| `migrated` | 🟢 auto_approved |" in md
    assert "<details open>" in md


def test__text__should_list_every_app_and_verdict(demo, pack):
    text = render(_report(demo, pack), "text")
    for word in ("legacy", "not_ready", "migrated", "auto_approved", "endpoint.orders.pack"):
        assert word in text
    assert "\x1b[" not in text


@pytest.mark.parametrize(
    ("apps", "exit_code"),
    [
        (["migrated"], 0),
        (["migrated", "reader"], 0),
        (["legacy"], 1),
        (["newcomer"], 1),
        (None, 1),
    ],
)
def test__certify__should_exit_0_only_when_every_selected_app_is_ready(
    demo, ledger_url, tmp_path, apps, exit_code
):
    out = tmp_path / "report.json"
    assert certify(ledger_url, apps, AS_OF_TEXT, "json", str(out)) == exit_code
    doc = json.loads(out.read_text())
    assert doc["ready"] is (exit_code == 0)


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html", "junit"])
def test__certify__every_format__should_write_the_out_file(demo, ledger_url, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    certify(ledger_url, None, AS_OF_TEXT, fmt, str(out))
    assert out.stat().st_size > 200


def test__certify__to_stdout__should_print_the_report(demo, ledger_url, capsys):
    certify(ledger_url, ["migrated"], AS_OF_TEXT, "json", None)
    assert json.loads(capsys.readouterr().out)["apps"][0]["app_id"] == "migrated"


def test__certify__an_empty_ledger__should_not_pass(ledger, ledger_url, tmp_path):
    assert certify(ledger_url, None, AS_OF_TEXT, "json", str(tmp_path / "r.json")) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"as_of": "2024-05-20T12:00:00"}, "has no UTC offset"),
        ({"fmt": "pdf"}, "unknown format 'pdf'"),
        ({"apps": ["ghost"]}, "no app 'ghost' in the ledger"),
        ({"rules": "no-such-pack"}, "no platform pack named"),
        ({"ledger_url": "sqlite:///does/not/exist.db"}, "no ledger at"),
        ({"ledger_url": "mysql://x"}, "unsupported ledger URL"),
        ({"out": "/nonexistent-dir/r.json"}, "cannot write the report"),
    ],
)
def test__certify__bad_input__should_raise_a_usage_error(demo, ledger_url, kwargs, message):
    args = {
        "ledger_url": ledger_url,
        "apps": None,
        "as_of": AS_OF_TEXT,
        "fmt": "json",
        "out": "/dev/null",
    } | kwargs
    with pytest.raises(UsageError, match=message):
        certify(**args)


def test__report__ledger_url_with_a_password__should_hide_it():
    from miready.certifier.report.model import safe_url

    assert safe_url("postgresql://me:secret@db:5432/x") == "postgresql://me:***@db:5432/x"
    assert safe_url("sqlite:///a.db") == "sqlite:///a.db"


def test__schema_file__should_be_in_contracts(schema):
    assert Path(SCHEMAS_DIR / "report.json").exists()
    assert schema["properties"]["version"]["const"] == 1


def test__timeline__a_call_hitting_two_rules__should_count_as_one_deprecated_call(
    calls, ledger, pack
):
    at = AS_OF - timedelta(hours=1)
    op = ("createOrder", "POST", "/orders")
    calls.write(
        "two-rules",
        (at,),
        op,
        ("param.order.shipping", "param.order.shipping_option"),
        ("write_orders",),
    )
    calls.clean("two-rules", at)
    [app_report] = build_report(ledger, pack, AS_OF, ledger.apps()).apps
    [today] = [p for p in app_report.timeline if p.day == at.date()]
    assert (today.calls, today.deprecated) == (2, 1)
    assert sum(h.count for h in app_report.decision.hits) == 2


JSON_VALUES = [
    "plain", 'ñandú "quoted"\n\t\x01\u2028', "", 12, -3.5, 1e300, True, False, None, [], {},
    {"a": [1, {"b": None}], "ç": "é"}, [{"day": "2024-05-01", "calls": 5}] * 3,
]  # fmt: skip


@pytest.mark.parametrize("value", JSON_VALUES)
def test__json__compact_values__should_be_encoded_as_json_encodes_them(value):
    reference = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    assert jsondoc._compact(value) == reference(value)


def test__json__every_value_of_a_report__should_be_encoded_as_json_encodes_it(demo, pack):
    reference = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    doc = to_document(_report(demo, pack))

    values = [*doc.values(), *(v for app in doc["apps"] for v in app.values())]

    assert [jsondoc._compact(v) for v in values] == [reference(v) for v in values]


@pytest.mark.parametrize("day", [date(1970, 1, 1), date(2024, 2, 29), date(2199, 12, 31)])
def test__month_day__any_supported_day__should_read_as_strftime_writes_it(day):
    assert month_day(day) == f"{day:%m-%d}"
