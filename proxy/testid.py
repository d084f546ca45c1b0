"""Which test is running: the pytest plugin writes the node id to a file, each call carries it.

Set out of band on purpose, like the simulated clock: the app under test sends nothing extra,
and nothing it sends can change which test a call is counted against. The file is
``proxy.testfile``'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from miready.proxy.flowstate import call_state
from miready.proxy.testfile import read_test_id
from mitmproxy import ctx, http


class TestAttribution:
    """Stamp each call with the node id of the test running when the call arrived."""

    __test__ = False  # not a pytest test class, whatever its name

    def __init__(self) -> None:
        self.path: Path | None = None

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_test_file",
            str,
            "",
            "A file holding the pytest node id of the test now running (written by miready's "
            "pytest plugin; empty between tests). Each recorded call carries it as its test_id. "
            "Empty: calls carry no test id.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_test_file" in updated:
            path = ctx.options.miready_test_file
            self.path = Path(path) if path else None

    def request(self, flow: http.HTTPFlow) -> None:
        if self.path is None:
            return
        state = call_state(flow)
        if state is None or state.internal:
            return
        # Read per call, not per mtime: two tests a nanosecond-tick apart must not share an id.
        state.test_id = read_test_id(self.path)
