"""The fixtures a suite uses: ``miready_store`` and ``miready_proxy``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from miready.pytest_plugin.hooks import current_test_key, session_key, settings_key, tally_key
from miready.pytest_plugin.options import fixture_of
from miready.pytest_plugin.servers import MireadyProxy, MireadySession, MireadyStore


@pytest.fixture(scope="session")
def _miready_session(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[MireadySession]:
    session = pytestconfig.stash.get(session_key, None)  # prestarted after collection
    if session is None:
        settings = pytestconfig.stash[settings_key]
        session = MireadySession(settings, tmp_path_factory.mktemp("miready"))
        session.set_test(pytestconfig.stash.get(current_test_key, "") or None)
        pytestconfig.stash[session_key] = session
    session.in_use = True
    try:
        yield session
    finally:
        session.close(pytestconfig.stash[tally_key])


@pytest.fixture
def miready_store(request: pytest.FixtureRequest, _miready_session: MireadySession) -> MireadyStore:
    """The mock store (shared by this worker's tests): ``.url``, ``.api_url``, ``.token``,
    the fixture's ``.location_ids`` / ``.product_ids`` / ``.variant_ids``, and admin helpers."""
    return _miready_session.store(*fixture_of(request.node, request.config))


@pytest.fixture
def miready_proxy(request: pytest.FixtureRequest, _miready_session: MireadySession) -> MireadyProxy:
    """The recording proxy in front of ``miready_store``; ``.findings()`` covers this test."""
    return MireadyProxy(_miready_session.proxy(*fixture_of(request.node, request.config)))
