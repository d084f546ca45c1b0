"""The proxy process loads the mitmproxy addons it uses only; ``default_addons`` still works."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from miready.proxy.lean_import import skip_addons_index
skip_addons_index()
import miready.proxy.cli
from miready.proxy.master import lean_addons
lean_addons()
loaded = sorted(m for m in sys.modules if m.startswith("mitmproxy.addons."))
print(" ".join(m.rsplit(".", 1)[1] for m in loaded))
from mitmproxy.addons import default_addons
print(len(default_addons()))
"""


def test__skip_addons_index__should_load_only_the_used_addons_and_keep_default_addons():
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    expected = subprocess.run(
        [sys.executable, "-c", "from mitmproxy.addons import default_addons as d; print(len(d()))"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip

    assert out[0].split() == [
        "block", "core", "next_layer", "proxyserver", "termlog", "tlsconfig", "upstream_auth",
    ]  # fmt: skip
    assert out[1] == expected
