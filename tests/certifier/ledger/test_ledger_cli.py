"""``miready ledger verify`` and ``miready ledger prune``, through the command line's ``main``."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from miready.certifier.ledger import CallRecord, open_ledger
from miready.certifier.ledger.maintenance import parse_age, prune_command

from miready.cli import main

NOW = datetime.now(UTC).replace(microsecond=0)


def write(url: str, *records: CallRecord) -> None:
    ledger = open_ledger(url)
    ledger.write_calls(list(records))
    ledger.close()


def call(days_ago: float, **fields) -> CallRecord:
    fields = {"app_id": "app-1", "method": "GET", "path_template": "/p", "status": 200, **fields}
    return CallRecord(at=NOW - timedelta(days=days_ago), **fields)


def test__ledger_verify__consistent_ledger_with_a_quarantined_record__should_exit_0_listing_it(
    tmp_path, capsys
):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    write(url, call(1), call(2), call(1, status="oops", call_id="poison-1"))

    code = main(["ledger", "verify", "--ledger", url])

    out = capsys.readouterr().out
    print(out)
    assert code == 0
    assert "2 identified calls recounted" in out and "0 mismatch" in out
    assert "QUARANTINED poison-1" in out and "status 'oops'" in out


def test__ledger_verify__rollup_out_of_step__should_exit_1_naming_it(tmp_path, capsys):
    path = tmp_path / "l.db"
    write(f"sqlite:///{path}", call(1))
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE rollups SET count = 7 WHERE kind = 'all'")

    code = main(["ledger", "verify", "--ledger", f"sqlite:///{path}"])

    out = capsys.readouterr().out
    assert code == 1
    assert "MISMATCH app-1" in out and "rollup 7, calls 1" in out and "NOT OK" in out


def test__ledger_prune__older_than_90d__should_delete_old_calls_keep_rollups_and_verify(
    tmp_path, capsys
):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    write(url, *(call(d) for d in (1, 10, 89, 91, 200)))

    code = main(["ledger", "prune", "--older-than", "90d", "--ledger", url])

    out = capsys.readouterr().out
    ledger = open_ledger(url)
    all_count = sum(r.count for r in ledger.all_rollups(None) if r.kind == "all")
    left = ledger.count_calls()
    ledger.close()
    print(out)
    assert code == 0 and "pruned 2 call(s)" in out
    assert (left, all_count) == (3, 5)
    assert main(["ledger", "verify", "--ledger", url]) == 0


def test__ledger_prune__shorter_than_the_window__should_keep_the_decision_window(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    write(url, *(call(d) for d in (1, 5, 13, 15, 30)))

    code = prune_command(url, "2d", window_days=14, now=NOW)

    out = capsys.readouterr().out
    assert code == 0 and "pruned 2 call(s)" in out and "14-day decision window" in out


@pytest.mark.parametrize("age", ["90", "0d", "ninety days", "-3d", "5y"])
def test__ledger_prune__bad_age__should_exit_2_with_the_accepted_forms(age, tmp_path, capsys):
    code = main(
        ["ledger", "prune", f"--older-than={age}", "--ledger", f"sqlite:///{tmp_path}/l.db"]
    )

    assert code == 2 and "90d" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "days"), [("90d", 90), ("2w", 14), ("36h", 1.5)])
def test__parse_age__forms__should_give_the_duration(text, days):
    assert parse_age(text) == timedelta(days=days)


def test__ledger_verify__long_keys_and_errors__should_print_within_80_columns(tmp_path, capsys):
    path = tmp_path / "l.db"
    template = "/products/{product_id}/variants/{variant_id}/" + "x" * 90
    app = "an-app-with-a-rather-long-identifier"
    write(
        f"sqlite:///{path}",
        call(1, app_id=app, path_template=template),
        call(1, status="o" * 150, call_id="poison-" + "p" * 60),
    )
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE rollups SET count = 7")

    code = main(["ledger", "verify", "--ledger", f"sqlite:///{path}"])

    out = capsys.readouterr().out
    assert code == 1
    assert max(len(line) for line in out.splitlines()) <= 80, out
    assert f"MISMATCH {app}" in out and "rollup 7, calls 1" in out and "NOT OK" in out
    assert "QUARANTINED" in out and "poison-ppp" in out
