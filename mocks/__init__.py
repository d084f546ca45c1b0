"""The mock multi-location platform: an aiohttp app serving the seed-004 API from in-memory state.

`mocks.state` holds the plain state classes (no HTTP); `mocks.routes` the thin handlers, one route
table per resource; `mocks.app.create_app` wires them; `mocks.server` runs them.
Imports `contracts`; nothing but tests, the demo and the pytest plugin imports `mocks`.
"""

from miready.mocks.config import MockConfig

__all__ = ["MockConfig", "create_app"]


def __getattr__(name: str):  # lazy, so `import mocks.state` does not pull in aiohttp
    if name == "create_app":
        from miready.mocks.app import create_app

        return create_app
    raise AttributeError(name)
