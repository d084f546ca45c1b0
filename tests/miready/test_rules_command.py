"""``miready rules list|show``: each pack and each rule, readable at 80 columns."""

from pathlib import Path

import pytest
from miready.contracts.pack import known_packs, load_pack

from miready.cli import main

ACME = Path(__file__).resolve().parents[1] / "contracts" / "packs" / "acme"


def test__rules_list__should_name_every_shipped_pack_within_80_columns(capsys):
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert all(len(line) <= 80 for line in out.splitlines())
    assert known_packs() and all(name[:16] in out for name in known_packs())


@pytest.mark.parametrize("pack", [*known_packs(), str(ACME)])
def test__rules_show__should_print_every_rule_of_the_pack_within_80_columns(capsys, pack):
    assert main(["rules", "show", pack]) == 0
    out = capsys.readouterr().out
    assert all(len(line) <= 80 for line in out.splitlines())
    cells = {line.split("  ")[0] for line in out.splitlines()}
    for rule in load_pack(pack).rules.rules:
        assert rule.id in cells, rule.id  # whole, never folded
    assert out.count("blocking") + out.count("advisory") == len(load_pack(pack).rules.rules)


def test__rules_show__an_unknown_pack__should_exit_2(capsys):
    assert main(["rules", "show", "no-such-pack"]) == 2
    assert "no platform pack named 'no-such-pack'" in capsys.readouterr().err
