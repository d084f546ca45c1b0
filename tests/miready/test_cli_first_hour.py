"""A first hour without surprises: one line saying what to do, never a traceback (in-process and
in a fresh process); an example in every --help; tables readable at 80 columns."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from rich.console import Console

from miready.cli import _parser, main
from miready.demo import split_orders_table


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """Every subcommand and sub-subcommand the parser knows, walked, never listed by hand."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield " ".join((*prefix, name))
                yield from _commands(sub, (*prefix, name))


COMMANDS = list(_commands(_parser()))


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port something listens on (a plain socket on 127.0.0.1:0)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test__mock_on_a_busy_port__should_print_one_line_naming_port(busy_port, capsys) -> None:
    code = main(["mock", "--port", str(busy_port)])
    line = _one_line(capsys)
    assert code == 2 and f"port {busy_port}" in line and "--port" in line


def test__proxy_on_a_busy_port__should_print_one_line_naming_port(busy_port, capsys) -> None:
    code = main(["proxy", "--port", str(busy_port), "--ledger", ""])
    line = _one_line(capsys)
    assert code == 2 and f"port {busy_port}" in line and "--port" in line


def test__proxy_with_unreachable_upstream__should_say_start_the_store(closed_port, capsys) -> None:
    upstream = f"http://127.0.0.1:{closed_port}"
    code = main(["proxy", "--upstream", upstream, "--port", "0", "--ledger", ""])
    line = _one_line(capsys)
    assert code == 2 and upstream in line and "miready mock" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["certify", "--ledger", "sqlite:///{missing}/x.db"],
        [
            "review",
            "--ledger",
            "sqlite:///{missing}/x.db",
            "--app",
            "1",
            "--approve",
            "--reviewer",
            "a",
            "--reason",
            "b",
        ],
        ["import", "f.har", "--ledger", "sqlite:///{missing}/x.db"],
        ["proxy", "--port", "0", "--ledger", "sqlite:///{missing}/x.db"],
    ],
)
def test__missing_ledger_folder__should_say_create_it(argv, tmp_path, capsys) -> None:
    missing = tmp_path / "no" / "such"
    code = main([a.format(missing=missing) for a in argv])
    line = _one_line(capsys)
    assert code == 2 and str(missing) in line and "mkdir -p" in line


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "does not exist"),
        ("stores: [unclosed", "cannot be read"),
        ("- just a list", "not valid"),
        (
            "stores:\n  - id: '1'\n    products: [{variants: [{inventory_levels: "
            "[{location_id: NOPE, stock: 1}]}]}]\n",
            "unknown location",
        ),
    ],
)
def test__bad_fixture__should_print_one_line_naming_the_file(
    content, says, tmp_path, capsys
) -> None:
    fixture = tmp_path / "fixture.yaml"
    if content is not None:
        fixture.write_text(content, encoding="utf-8")
    code = main(["mock", "--port", "0", "--fixture", str(fixture)])
    line = _one_line(capsys)
    assert code == 2 and str(fixture) in line and says in line and "--fixture" in line


# The same first hour as a user lives it: the installed command in a fresh process, so nothing
# (a logger, a thread, the interpreter at exit) can add a traceback or a second line.
FIRST_HOUR = [
    (["mock", "--port", "{busy}"], ["port {busy}", "--port"]),
    (["proxy", "--port", "{busy}"], ["port {busy}", "--port"]),
    (["certify", "--ledger", "sqlite:///no/such/dir/x.db"], ["no/such/dir", "mkdir -p"]),
    (
        ["proxy", "--upstream", "http://127.0.0.1:{closed}", "--port", "0"],
        ["http://127.0.0.1:{closed}", "miready mock"],
    ),
    (["mock", "--port", "0", "--fixture", "/no/such.yaml"], ["/no/such.yaml", "--fixture"]),
    (["mock", "--port", "0", "--fixture", "{tmp}/bad.yaml"], ["cannot be read", "--fixture"]),
    (["import", "missing.har"], ["missing.har", "HAR", "miready import"]),
]


@pytest.mark.parametrize(
    ("argv", "says"), FIRST_HOUR, ids=lambda v: " ".join(v) if isinstance(v, list) else None
)
def test__first_hour_mistake__in_a_fresh_process__should_exit_2_with_one_line(
    argv, says, busy_port, closed_port, tmp_path
) -> None:
    (tmp_path / "bad.yaml").write_text("stores: [unclosed", encoding="utf-8")
    values = {"busy": busy_port, "closed": closed_port, "tmp": tmp_path}
    argv = [a.format(**values) for a in argv]
    done = subprocess.run(
        [sys.executable, "-m", "miready", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # the default ledger, if any, lands here
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith(f"miready {argv[0]}: error: ")
    for word in says:
        assert word.format(**values) in lines[0], lines[0]
    assert done.stdout == ""


def test__the_walk__should_reach_every_level_of_subcommands() -> None:
    assert {"mock", "proxy", "ledger verify", "ledger prune", "rules show"} <= set(COMMANDS)


@pytest.mark.parametrize("command", ["", *COMMANDS])
def test__every_subcommand_help__should_end_with_an_example(command, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command.split(), "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    heading = next(line for line in out.splitlines() if line in ("example:", "examples:"))
    examples = [line for line in out.split(heading, 1)[1].splitlines() if line.strip()]
    assert examples and all(line.startswith("  miready ") for line in examples), out
    assert any(line.startswith(f"  miready {command}".rstrip()) for line in examples), out


def test__split_orders_table__at_80_columns__should_show_every_value_unwrapped() -> None:
    rows = [
        {
            "app": "Legacy Shipping App With A Long Name",
            "n": str(n),
            "fo_id": f"01HTMFDH09VC6E2Q8KGTGP44F{n}",
            "location_id": f"01HTMFDH09VC6E2Q8KGTGP44D{n}",
            "status": "READY_FOR_PICKUP",
            "code": "BR123456789AR",
            "ok": True,
        }
        for n in (1, 2)
    ]
    console = Console(width=80, record=True, color_system=None)
    console.print(split_orders_table(rows))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 80
    for row in rows:
        for value in (row["fo_id"][-8:], row["location_id"][-4:], row["status"], row["code"]):
            assert value in text, (value, text)
    assert "Legacy" in text
