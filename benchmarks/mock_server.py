"""The mock with extra stores too big for the admin API's body limit, loaded in-process.

    python -m benchmarks.mock_server PORT FIXTURE.json

Serves the sample fixture plus FIXTURE.json, loaded by the same function the admin fixture
endpoint (``POST /_mock/fixtures``) calls, once the server is up.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from miready.mocks.app import SAMPLE_FIXTURE
from miready.mocks.config import MockConfig
from miready.mocks.keys import platform_key
from miready.mocks.server import start_mock
from miready.mocks.state import snapshot


async def serve(port: int, extra: Path) -> None:
    running = await start_mock(MockConfig(fixture=SAMPLE_FIXTURE), "127.0.0.1", port)
    snapshot.load(running.app[platform_key], json.loads(extra.read_text()))
    print(f"mock with {extra} listening on {running.url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await running.close()


if __name__ == "__main__":
    try:
        asyncio.run(serve(int(sys.argv[1]), Path(sys.argv[2])))
    except KeyboardInterrupt:
        pass
