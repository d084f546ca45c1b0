"""mocks/server.py: start_mock on port 0 and the threaded MockServer."""

from __future__ import annotations

import json
import urllib.request

import aiohttp
from miready.mocks.config import MockConfig
from miready.mocks.server import MockServer, start_mock


async def test__start_mock__should_listen_on_a_free_port() -> None:
    running = await start_mock(MockConfig())
    try:
        assert running.port > 0 and running.url == f"http://127.0.0.1:{running.port}"
        async with (
            aiohttp.ClientSession() as session,
            session.get(running.url + "/_mock/clock") as response,
        ):
            assert response.status == 200
    finally:
        await running.close()


def test__mock_server__should_serve_from_a_thread() -> None:
    with MockServer() as mock:
        with urllib.request.urlopen(mock.url + "/_mock/state") as response:
            assert json.loads(response.read())["stores"][0]["id"] == "1"
