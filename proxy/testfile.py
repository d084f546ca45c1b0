"""The running-test file: the pytest plugin writes the node id, the proxy reads it per call.

Apart from the addon (``proxy.testid``) so that the plugin, which writes it between tests, never
loads mitmproxy for it.
"""

from __future__ import annotations

from pathlib import Path

MAX_TEST_ID = 2000  # characters: a node id longer than this is cut, never refused


def read_test_id(path: Path) -> str | None:
    """The node id in the file, or None when the file is missing or empty (between tests)."""
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text[:MAX_TEST_ID] or None


def write_test_id(path: str | Path, test_id: str | None) -> None:
    """Set the running test (None: none) atomically, so the proxy never reads half a node id."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(test_id or "", encoding="utf-8")
    tmp.replace(path)
