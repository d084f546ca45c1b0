"""mocks/server.py: start_mock on port 0 and the threaded MockServer."""

from __future__ import annotations

import json
import urllib.request

import aiohttp
from miready.mocks.admin_token import bearer
from miready.mocks.config import MockConfig
from miready.mocks.server import MockServer, start_mock


async def test__start_mock__should_listen_on_a_free_port() -> None:
    config = MockConfig()
    running = await start_mock(config)
    try:
        assert running.port > 0 and running.url == f"http://127.0.0.1:{running.port}"
        async with (
            aiohttp.ClientSession() as session,
            session.get(
                running.url + "/_mock/clock", headers=bearer(config.admin_token)
            ) as response,
        ):
            assert response.status == 200
    finally:
        await running.close()


def test__mock_server__should_serve_from_a_thread() -> None:
    with MockServer() as mock:
        request = urllib.request.Request(mock.url + "/_mock/state", headers=mock.admin_headers)
        with urllib.request.urlopen(request) as response:
            assert json.loads(response.read())["stores"][0]["id"] == "1"
