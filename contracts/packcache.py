"""A loaded pack kept on disk, keyed by the hash of everything that made it: loaded once per change.

Parsing a pack's YAML and validating it against its JSON Schemas costs each process that needs it
(the proxy, the mock) tens of milliseconds; a pickle of the result loads in a few. The key hashes
the pack folder's path and every file in it, the JSON Schemas, the loader's own source and the
Python version, so an edit to any of them misses the cache.

A pickle runs code when loaded, so one is read only from a folder and file the current user owns
and nobody else may write (``$XDG_CACHE_HOME/miready/packs``, else ``~/.cache/miready/packs``,
made 0700); anything else, or any error, is a miss and the pack is loaded from its files.
``MIREADY_PACK_CACHE=off`` turns the cache off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from miready.contracts import CONTRACTS_DIR, SCHEMAS_DIR

logger = logging.getLogger(__name__)

ENV = "MIREADY_PACK_CACHE"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "miready" / "packs"


def enabled() -> bool:
    return os.environ.get(ENV, "").lower() not in ("off", "0", "no", "false")


def key(folder: Path) -> str:
    """The hash of what the loaded pack depends on (one read of each file, ~1 ms)."""
    digest = hashlib.sha256(f"{sys.version}\0{folder}\0".encode())
    sources = sorted(p for p in folder.rglob("*") if p.is_file())
    sources += sorted(SCHEMAS_DIR.glob("*.json")) + sorted(CONTRACTS_DIR.glob("*.py"))
    for path in sources:
        digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read(name: str) -> Any | None:
    """The object cached under ``name``, or None (a miss, or a file that is not safe to load)."""
    folder = cache_dir()
    try:
        if not _private(os.stat(folder)):
            return None
        fd = os.open(folder / f"{name}.pickle", os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        if not _private(os.fstat(fd)):
            return None
        with os.fdopen(fd, "rb") as f:
            fd = -1
            return pickle.load(f)  # the file is ours and only ours to write
    except Exception as e:  # a stale or broken file is a miss
        logger.debug("pack cache %s unreadable: %s", name, e)
        return None
    finally:
        if fd >= 0:
            os.close(fd)


def write(name: str, value: Any) -> None:
    """Cache ``value`` under ``name``, atomically; a cache that cannot be written is skipped."""
    folder = cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(os.stat(folder)):
            return
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")  # 0600
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, folder / f"{name}.pickle")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except Exception as e:
        logger.debug("pack cache %s not written: %s", name, e)


def _private(st: os.stat_result) -> bool:
    """Owned by this user, writable by nobody else (a folder, or a regular file)."""
    kind = stat.S_ISDIR(st.st_mode) or stat.S_ISREG(st.st_mode)
    return kind and st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
