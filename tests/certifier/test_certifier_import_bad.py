"""Hostile captures: ``miready import`` answers each with its exact message, never a traceback.

Each ``bad_captures/NAME.{har,flow}`` is paired with ``NAME.expected``: the command's exact output
(``{path}`` stands for the file) and its exit status. A refused file writes nothing.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from miready.certifier.commands import import_traffic

from miready.cli import main

FOLDER = Path(__file__).parent / "bad_captures"
CAPTURES = sorted(p for p in FOLDER.iterdir() if p.suffix in (".har", ".flow"))


def _calls(db: Path) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as raw:
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return raw.execute("SELECT count(*) FROM calls").fetchone()[0] if "calls" in tables else 0


@pytest.mark.parametrize("capture", CAPTURES, ids=[p.stem for p in CAPTURES])
def test__import__malformed_capture__should_give_its_exact_message(capture, tmp_path, capsys):
    db = tmp_path / "ledger.db"
    code = main(["import", "--ledger", f"sqlite:///{db}", str(capture)])
    out = capsys.readouterr()
    shown = (out.out + out.err).replace(str(capture), "{path}")
    expected = (FOLDER / f"{capture.stem}.expected").read_text(encoding="utf-8")
    assert f"{shown}exit {code}\n" == expected
    if code != 0:
        assert _calls(db) == 0  # refused whole: nothing written


def test__import__skip_bad__should_import_the_good_entries_and_count_the_bad(tmp_path, capsys):
    db = tmp_path / "ledger.db"
    capture = FOLDER / "one_bad_among_good.har"
    code = main(["import", "--ledger", f"sqlite:///{db}", "--skip-bad", str(capture)])
    out = capsys.readouterr().out
    assert code == 0
    assert "imported 3 call(s)" in out and "1 malformed entr(ies) skipped (--skip-bad)" in out
    assert _calls(db) == 3


def test__import__many_bad_entries__should_list_twenty_and_count_the_rest(tmp_path):
    entry = {
        "startedDateTime": "2024-05-10T12:00:00Z",
        "request": {"method": "GET", "url": "http://[::1/v1/1/orders", "headers": []},
        "response": {"status": 200},
    }
    path = tmp_path / "many.har"
    path.write_text(json.dumps({"log": {"entries": [entry] * 25}}))
    with pytest.raises(Exception, match=r"25 malformed entr\(ies\)") as e:
        import_traffic(f"sqlite:///{tmp_path / 'l.db'}", str(path))
    lines = str(e.value).splitlines()
    assert lines[1] == "  entries[0].request.url: invalid URL: Invalid IPv6 URL"
    assert lines[-1] == "  ... and 5 more" and len(lines) == 22


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("0001-01-05", "'0001-01-05' is outside the supported range 1970-01-01 to 2199-12-31"),
        ("9999-12-31T23:59:59+00:00", "is outside the supported range"),
    ],
)
def test__certify__as_of_out_of_range__should_be_a_usage_error(as_of, message, tmp_path, capsys):
    db = tmp_path / "ledger.db"
    main(["import", "--ledger", f"sqlite:///{db}", str(FOLDER / "deep_post_text.har")])
    code = main(["certify", "--ledger", f"sqlite:///{db}", "--as-of", as_of])
    assert code == 2
    assert message in capsys.readouterr().err
