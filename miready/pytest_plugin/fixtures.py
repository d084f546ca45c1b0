"""The fixtures a suite uses: ``miready_store`` and ``miready_proxy``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from miready.pytest_plugin.hooks import current_test_key, session_key, settings_key, tally_key
from miready.pytest_plugin.servers import MireadyProxy, MireadySession, MireadyStore


def fixture_path(request: pytest.FixtureRequest) -> tuple[Path | None, str]:
    """The store fixture for this test, and where it was set (for error messages)."""
    marker = request.node.get_closest_marker("miready_fixture")
    if marker is not None:
        path = Path(marker.args[0])
        where = f"@pytest.mark.miready_fixture on {request.node.nodeid}"
        return (path if path.is_absolute() else Path(request.node.path).parent / path), where
    ini = request.config.getini("miready_fixture")
    if ini:
        path = Path(ini)
        where = f"miready_fixture in {request.config.inipath or 'the ini file'}"
        return (path if path.is_absolute() else request.config.rootpath / path), where
    return None, ""


@pytest.fixture(scope="session")
def _miready_session(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MireadySession]:
    session = MireadySession(pytestconfig.stash[settings_key], tmp_path_factory.mktemp("miready"))
    session.set_test(pytestconfig.stash.get(current_test_key, "") or None)
    pytestconfig.stash[session_key] = session
    try:
        yield session
    finally:
        session.close(pytestconfig.stash[tally_key])


@pytest.fixture
def miready_store(request: pytest.FixtureRequest, _miready_session: MireadySession) -> MireadyStore:
    """The mock store (shared by this worker's tests): ``.url``, ``.api_url``, ``.token``,
    the fixture's ``.location_ids`` / ``.product_ids`` / ``.variant_ids``, and admin helpers."""
    return _miready_session.store(*fixture_path(request))


@pytest.fixture
def miready_proxy(request: pytest.FixtureRequest, _miready_session: MireadySession) -> MireadyProxy:
    """The recording proxy in front of ``miready_store``; ``.findings()`` covers this test."""
    return MireadyProxy(_miready_session.proxy(*fixture_path(request)))
