"""The on-disk pack cache: a pack is compiled once per change, and only a private file is loaded."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from miready.contracts import pack as pack_module
from miready.contracts import packcache

ACME = Path(__file__).parent / "packs" / "acme"


@pytest.fixture
def compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders compiled from their files (not taken from the cache), in order."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv(packcache.ENV, raising=False)
    seen: list[Path] = []
    compile_pack = pack_module._compile

    def counting(folder: Path) -> pack_module.PlatformPack:
        seen.append(folder)
        return compile_pack(folder)

    monkeypatch.setattr(pack_module, "_compile", counting)
    return seen


def load(folder: Path) -> pack_module.PlatformPack:
    return pack_module._load.__wrapped__(folder)  # past the per-process cache


def acme(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ACME, tmp_path / "acme"))


def test__load__twice__should_compile_once_and_give_the_same_pack(tmp_path, compiled):
    folder = acme(tmp_path)

    first, second = load(folder), load(folder)

    assert compiled == [folder]
    assert second is not first
    assert (second.manifest, second.mapping, second.rules, second.families) == (
        first.manifest, first.mapping, first.rules, first.families,
    )  # fmt: skip
    assert [op.operation_id for op in second.operations.operations] == [
        op.operation_id for op in first.operations.operations
    ]
    assert [p.name for p in packcache.cache_dir().iterdir()] == [f"{packcache.key(folder)}.pickle"]


def test__load__after_a_file_changed__should_compile_again(tmp_path, compiled):
    folder = acme(tmp_path)
    load(folder)
    rules = folder / "rules.yaml"
    rules.write_text(rules.read_text() + "\n# edited\n")

    load(folder)

    assert compiled == [folder, folder]


@pytest.mark.parametrize("target", ["file", "folder"])
def test__load__cache_writable_by_others__should_not_load_it(tmp_path, compiled, target):
    folder = acme(tmp_path)
    load(folder)
    cached = packcache.cache_dir() / f"{packcache.key(folder)}.pickle"
    victim = cached if target == "file" else cached.parent
    os.chmod(victim, victim.stat().st_mode | 0o022)

    load(folder)

    assert compiled == [folder, folder]


def test__load__cache_turned_off__should_write_nothing(tmp_path, compiled, monkeypatch):
    monkeypatch.setenv(packcache.ENV, "off")
    folder = acme(tmp_path)

    load(folder)
    load(folder)

    assert compiled == [folder, folder]
    assert not packcache.cache_dir().exists()


@pytest.mark.parametrize("content", [b"", b"\x80\x05\x95truncated", b"not a pickle"])
def test__load__cache_file_truncated_or_garbage__should_compile_again(tmp_path, compiled, content):
    """A file cut short (a crash, a full disk) or overwritten is a miss, never an error."""
    folder = acme(tmp_path)
    load(folder)
    cached = packcache.cache_dir() / f"{packcache.key(folder)}.pickle"
    cached.write_bytes(content)

    pack = load(folder)

    assert compiled == [folder, folder]
    assert pack.name == "acme-widgets"


def test__load__cache_not_writable__should_still_load_the_pack(tmp_path, compiled, monkeypatch):
    """A disk that refuses the write (full, read-only) costs the cache, not the pack."""

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(packcache.tempfile, "mkstemp", full_disk)
    folder = acme(tmp_path)

    first, second = load(folder), load(folder)

    assert compiled == [folder, folder]
    assert first.name == second.name == "acme-widgets"
    assert not list(packcache.cache_dir().glob("*.pickle"))
