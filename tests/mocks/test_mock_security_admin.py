"""The admin API is the operator's: loopback peers with `Authorization: Bearer <admin token>`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from miready.mocks.admin_token import (
    bearer,
    check_admin_token,
    is_authorized,
    read_token_file,
    write_token_file,
)
from miready.mocks.config import MockConfig
from miready.mocks.server import MockServer
from mockapi import READY  # type: ignore[import-not-found]

ADMIN_CALLS = [
    ("GET", "/_mock/state"),
    ("POST", "/_mock/reset?empty=true"),
    ("POST", "/_mock/stores/1/apps"),
    ("GET", "/_mock/tokens/0000000000000000"),
    ("PUT", "/_mock/clock"),
    ("GET", "/_mock/nowhere"),
]


def refused_headers(admin: str) -> list[tuple[str, dict[str, str]]]:
    return [
        ("no header", {}),
        ("wrong token", {"Authorization": "Bearer wrong-token-123"}),
        ("an app's token", {"Authorization": f"Bearer {READY}"}),
        ("the platform's header", {"Authentication": f"bearer {admin}"}),
        ("basic scheme", {"Authorization": f"Basic {admin}"}),
        ("token prefix", {"Authorization": f"Bearer {admin[:-1]}"}),
        ("token plus more", {"Authorization": f"Bearer {admin}x"}),
    ]


@pytest.mark.parametrize(("method", "path"), ADMIN_CALLS)
async def test__admin_call_without_the_admin_token__should_be_401_json_and_change_nothing(
    client, config, method, path
) -> None:
    for case, headers in refused_headers(config.admin_token):
        async with client.request(method, path, headers=headers, json={}) as response:
            body = await response.json()
            assert response.status == 401, case
            assert body["code"] == 401 and body["message"] == "Unauthorized", case
            assert "Authorization: Bearer" in body["description"], case
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), case
    async with client.get("/_mock/state", headers=bearer(config.admin_token)) as response:
        assert response.status == 200
        state = await response.json()
    assert [s["id"] for s in state["stores"]] == ["1"]
    assert {a["app_id"] for a in state["apps"]} == {"1001", "1002"}


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/_mock/state", 200),
        ("GET", "/_mock/clock", 200),
        ("GET", "/_mock/nowhere", 404),
    ],
)
async def test__admin_call_with_the_admin_token__should_be_served(
    client, admin_headers, method, path, status
) -> None:
    async with client.request(method, path, headers=admin_headers) as response:
        assert response.status == status
        assert response.content_type == "application/json"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer good-token-1", True),
        ("bearer good-token-1", True),
        ("  Bearer   good-token-1  ", True),
        ("Bearer good-token-2", False),
        ("Bearer \udcff\udcfe", False),  # undecodable bytes, as aiohttp hands them over
        ("Bearer ñandú-token", False),  # non-ASCII: compare_digest on str would raise
        ("Bearer", False),
        ("", False),
        ("good-token-1", False),
    ],
)
def test__is_authorized__should_compare_bearer_tokens_safely(header, expected) -> None:
    assert is_authorized({"Authorization": header}, "good-token-1") is expected


@pytest.mark.parametrize("token", ["", "short", "has space in it", "x" * 513, "tök-tök-tök"])
def test__admin_token_of_bad_shape__should_be_refused(token) -> None:
    with pytest.raises(ValueError, match="visible ASCII"):
        check_admin_token(token)
    with pytest.raises(ValueError):
        MockConfig(admin_token=token)


def test__configs__should_each_get_a_fresh_admin_token() -> None:
    tokens = {MockConfig().admin_token for _ in range(5)}
    assert len(tokens) == 5 and all(len(t) >= 40 for t in tokens)
    assert "admin_token" not in repr(MockConfig())


def test__token_file__should_be_owner_only_and_read_back(tmp_path: Path) -> None:
    path = write_token_file("file-token-123", tmp_path / "new" / "admin-token")
    assert read_token_file(path) == "file-token-123"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test__mock_server__should_expose_its_admin_token_and_enforce_it() -> None:
    with MockServer(admin_token="given-token-123") as mock:
        assert mock.admin_token == "given-token-123"
        request = urllib.request.Request(mock.url + "/_mock/clock", headers=mock.admin_headers)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(mock.url + "/_mock/clock", timeout=10)
        assert refused.value.code == 401


def _start_cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "miready", "mock", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def _read_until(proc: subprocess.Popen[str], marker: str, deadline_s: float = 30.0) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + deadline_s
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return lines
    raise AssertionError(f"no {marker!r} in the mock's output:\n{''.join(lines)}")


def _status(url: str, headers: dict[str, str]) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.mark.parametrize("source", ["generated", "env"])
def test__miready_mock__should_print_and_write_its_admin_token(tmp_path: Path, source) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MIREADY_ADMIN_TOKEN"}
    if source == "env":
        env["MIREADY_ADMIN_TOKEN"] = "env-token-12345"
    token_file = tmp_path / "admin-token"
    proc = _start_cli(["--admin-token-file", str(token_file)], env)
    try:
        out = "".join(_read_until(proc, "admin token file"))
        url = out.split("listening on ", 1)[1].split()[0]
        token = read_token_file(token_file)
        if source == "env":
            assert token == "env-token-12345" and token not in out
        else:
            assert f"Authorization: Bearer {token}" in out
        assert _status(url + "/_mock/state", bearer(token)) == 200
        assert _status(url + "/_mock/state", {}) == 401
    finally:
        proc.terminate()
        proc.wait(10)


def test__miready_mock_with_a_bad_admin_token__should_exit_2(tmp_path: Path) -> None:
    env = dict(os.environ, MIREADY_ADMIN_TOKEN="short")
    proc = _start_cli(["--admin-token-file", str(tmp_path / "t")], env)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 2 and "visible ASCII" in out
    assert not (tmp_path / "t").exists()
