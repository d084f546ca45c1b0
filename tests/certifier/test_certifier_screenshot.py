"""The HTML report renders in a real browser: scripts/screenshot_report.py in headless Chromium."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "screenshot_report.py"
CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)),
    None,
)


@pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (apt-get install -y chromium; .ci/run does)"
)
def test__screenshot_script__should_write_a_png_of_the_requested_size(tmp_path):
    png, html = tmp_path / "report.png", tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(png), "--html", str(html)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1200, 1600)
    assert len(data) > 20_000  # a rendered page, not a blank one
    text = html.read_text()
    for verdict in ("not_ready", "manually_approved", "insufficient_evidence", "not_affected"):
        assert verdict in text
    assert text.count("<svg") == 4
