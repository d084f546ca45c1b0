"""Platform packs: one folder, loaded whole, checked for consistency; broken packs fail clearly."""

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from miready.contracts import DEFAULT_PACK, MAPPING_PATH, OPENAPI_PATH
from miready.contracts.errors import ContractError
from miready.contracts.mapping import default_mapping
from miready.contracts.pack import default_pack, known_packs, load_pack
from miready.contracts.rules import CallFacts, default_rule_pack, load_rule_pack
from miready.contracts.spec import default_operations

HERE = Path(__file__).parent
ACME = HERE / "packs" / "acme"
BROKEN = HERE / "broken_packs"


def overlay(tmp_path: Path, broken: Path) -> Path:
    """The acme pack with the broken folder's files written over it."""
    folder = tmp_path / broken.name
    shutil.copytree(ACME, folder)
    for f in broken.iterdir():
        if f.name != "expected":
            shutil.copy(f, folder / f.name)
    return folder


@pytest.mark.parametrize("broken", sorted(BROKEN.iterdir()), ids=lambda p: p.name)
def test__load_pack__a_broken_pack__should_fail_with_its_one_expected_message(tmp_path, broken):
    folder = overlay(tmp_path, broken)
    with pytest.raises(ContractError) as info:
        load_pack(folder)
    assert str(info.value).replace(str(folder), "<pack>") == (broken / "expected").read_text()[:-1]


def test__load_pack__the_acme_pack_unbroken__should_load(tmp_path):
    pack = load_pack(ACME)
    assert (pack.name, len(pack.rules.rules), len(pack.families)) == ("acme-widgets", 3, 2)


def test__load_pack__a_folder_without_a_file__should_name_the_missing_file(tmp_path):
    folder = tmp_path / "p"
    shutil.copytree(ACME, folder)
    (folder / "coverage.yaml").unlink()
    with pytest.raises(ContractError, match=r"p/coverage.yaml:1: the pack has no coverage.yaml"):
        load_pack(folder)


def test__load_pack__an_unknown_name__should_list_the_known_packs():
    with pytest.raises(ContractError) as info:
        load_pack("no-such-pack")
    assert "no platform pack named 'no-such-pack'" in str(info.value)
    assert DEFAULT_PACK in str(info.value)


@pytest.mark.parametrize("how", ["name", "folder", "file in the folder"])
def test__load_pack__by_name_folder_or_file__should_give_the_same_cached_pack(how):
    folder = default_pack().path
    arg = {"name": DEFAULT_PACK, "folder": str(folder), "file in the folder": folder / "pack.yaml"}
    assert load_pack(arg[how]) is default_pack()


def test__default_accessors__should_be_the_default_packs_parts():
    pack = default_pack()
    assert default_rule_pack() is pack.rules
    assert default_operations() is pack.operations
    assert default_mapping() is pack.mapping
    assert OPENAPI_PATH.parent == MAPPING_PATH.parent == pack.path
    assert DEFAULT_PACK in known_packs()


def test__every_shipped_pack__should_load_and_be_consistent():
    for name in known_packs():
        assert load_pack(name).name == name


def test__acme_pack__should_classify_with_its_own_spec_and_rules():
    rules = load_rule_pack(ACME)
    ship = CallFacts(method="POST", path_template="/widgets/{widget_id}/ship")
    fields = CallFacts(
        method="GET", path_template="/widgets", selected_fields=frozenset({"warehouse_name"})
    )
    assert [f.rule_id for f in rules.classify(ship)] == ["endpoint.widgets.ship"]
    assert [f.rule_id for f in rules.classify(fields)] == ["field.widget.legacy-selected"]
    assert load_pack(ACME).operations.match("POST", "/api/7/widgets/3/ship") is not None


def test__grace_header__should_grace_until_its_date_and_give_a_finding_after(tmp_path):
    folder = tmp_path / "graced"
    shutil.copytree(ACME, folder)
    manifest = folder / "pack.yaml"
    manifest.write_text(
        manifest.read_text()
        + 'grace_header: {name: X-Bypass, value: "true", until: "2019-02-04"}\n'
    )
    rules = folder / "rules.yaml"
    rules.write_text(
        rules.read_text().replace(
            "    kind: deprecated_endpoint\n",
            "    kind: deprecated_endpoint\n    graced: true\n",
            1,
        )
    )
    pack = load_rule_pack(folder)

    def graced(at: datetime, headers: dict) -> list[bool]:
        call = CallFacts(
            method="POST", path_template="/widgets/{widget_id}/ship", headers=headers, at=at
        )
        return [f.graced for f in pack.classify(call)]

    before, on = datetime(2019, 2, 3, 23, tzinfo=UTC), datetime(2019, 2, 4, tzinfo=UTC)
    assert graced(before, {"x-bypass": "true"}) == [True]
    assert graced(on, {"x-bypass": "true"}) == [False]
    assert graced(before, {}) == [False]
