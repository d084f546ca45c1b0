"""Import only the mitmproxy addons the proxy uses: its process skips mitmproxy's addon index.

``mitmproxy/addons/__init__.py`` imports every addon (flask, ldap3, playback...) to list the
defaults, and ``mitmproxy.master`` imports that package: about 0.12 s of CPU at each start of a
proxy that uses six addons. This module imports nothing of mitmproxy's, so the proxy's own
process can call ``skip_addons_index`` before anything else loads it.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

ADDONS_PACKAGE = "mitmproxy.addons"


class _AddonsPackage(types.ModuleType):
    """``mitmproxy.addons`` before its ``__init__`` ran: a submodule loads alone; any other name
    (``default_addons``) runs the ``__init__`` first, so nothing that needs it ever misses it."""

    _complete = False

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if importlib.util.find_spec(f"{self.__name__}.{name}") is not None:
            return importlib.import_module(f"{self.__name__}.{name}")
        if self._complete:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        self._complete = True
        self.__spec__.loader.exec_module(self)
        return getattr(self, name)


def skip_addons_index() -> None:
    """Let ``from mitmproxy.addons import core`` load that addon and not the other 30.

    Only the proxy's own process calls this, first thing; ``default_addons`` still works there
    (see ``_AddonsPackage``).
    """
    if ADDONS_PACKAGE in sys.modules:
        return
    spec = importlib.util.find_spec(ADDONS_PACKAGE)  # imports mitmproxy, not mitmproxy.addons
    if spec is None or spec.loader is None:
        return
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _AddonsPackage
    sys.modules[ADDONS_PACKAGE] = package
    sys.modules["mitmproxy"].addons = package  # type: ignore[attr-defined]
