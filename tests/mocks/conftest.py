"""Fixtures for the mock's tests: the real app factory behind `aiohttp_client`."""

from __future__ import annotations

from typing import Any

import pytest
from miready.mocks.app import SAMPLE_FIXTURE, create_app
from miready.mocks.config import MockConfig
from mockapi import Api  # type: ignore[import-not-found]


@pytest.fixture
def config() -> MockConfig:
    return MockConfig(fixture=SAMPLE_FIXTURE)


@pytest.fixture
async def client(aiohttp_client: Any, config: MockConfig) -> Any:
    return await aiohttp_client(create_app(config))


@pytest.fixture
def api(client: Any, config: MockConfig) -> Api:
    return Api(client, admin_token=config.admin_token)


@pytest.fixture
def admin_headers(config: MockConfig) -> dict[str, str]:
    """`Authorization: Bearer <admin token>` of the `client` fixture's mock."""
    return {"Authorization": f"Bearer {config.admin_token}"}
