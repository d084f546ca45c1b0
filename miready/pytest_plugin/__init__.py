"""pytest plugin: a mock store and a recording proxy for an app's own contract tests.

Fixtures (``miready_store``, ``miready_proxy``) and an opt-in gate (``--miready-gate``) that fails
the run when the app under test made a deprecated call, naming the test that made it. What is
shared, per pytest-xdist worker:

- the mock server (one per fixture file) and its data: orders, products and stock made by one
  test are visible to the next; the default app and its token are installed once;
- the recording proxy (a child process, which exits with its parent) in front of each mock, and
  its SQLite ledger in the worker's tmp dir; every call carries the node id of its test.

Nothing heavy is imported at module level: mocks, proxy and certifier load only when a test
asks for a fixture, so installing miready does not slow down unrelated suites.
"""

from miready.pytest_plugin.fixtures import _miready_session, miready_proxy, miready_store
from miready.pytest_plugin.hooks import (
    pytest_collection_finish,
    pytest_configure,
    pytest_runtest_makereport,
    pytest_runtest_protocol,
    pytest_sessionfinish,
    pytest_terminal_summary,
    pytest_testnodedown,
)
from miready.pytest_plugin.junit import render_junit
from miready.pytest_plugin.options import pytest_addoption
from miready.pytest_plugin.servers import FixtureError, MireadyProxy, MireadyStore
from miready.pytest_plugin.tally import Finding, Tally

FindingTally = Tally  # the name of earlier releases

__all__ = [
    "Finding",
    "FindingTally",
    "FixtureError",
    "MireadyProxy",
    "MireadyStore",
    "_miready_session",
    "miready_proxy",
    "miready_store",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_configure",
    "pytest_runtest_makereport",
    "pytest_runtest_protocol",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
    "pytest_testnodedown",
    "render_junit",
    "Tally",
]
