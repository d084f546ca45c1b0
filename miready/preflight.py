"""First-hour checks for the command line: each problem becomes one line saying what to do."""

from __future__ import annotations

import errno
from pathlib import Path
from urllib.parse import urlsplit


class PreflightError(Exception):
    """A problem the user can fix; the message is the whole line to print."""


def check_fixture(path: str | Path) -> None:
    """The fixture exists, is YAML and loads into a fresh platform."""
    from miready.mocks.errors import ApiError  # noqa: PLC0415 - only `mock` needs the mock
    from miready.mocks.state import snapshot  # noqa: PLC0415
    from miready.mocks.state.platform import Platform  # noqa: PLC0415

    hint = "fix the file, or leave --fixture out to serve the sample store"
    if not Path(path).is_file():
        raise PreflightError(f"fixture {path} does not exist; {hint}")
    try:
        snapshot.load(Platform(), snapshot.read_fixture(path))
    except ApiError as e:
        raise PreflightError(f"fixture {path} is not valid ({e.description}); {hint}") from e
    except Exception as e:  # YAML syntax errors and unreadable files
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise PreflightError(f"fixture {path} cannot be read ({first}); {hint}") from e


def check_port(host: str, port: int) -> None:
    """The port is free to listen on (0 always is)."""
    if port == 0:
        return
    import socket  # noqa: PLC0415 - only the commands that listen or connect load it

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as e:
            raise PreflightError(port_in_use(host, port, e)) from e


def port_in_use(host: str, port: int, error: OSError) -> str:
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use; pass another with --port "
            f"(--port 0 picks a free one) or stop what is listening there"
        )
    return f"cannot listen on {host}:{port} ({error.strerror}); pass another --host or --port"


def check_ledger(url: str) -> None:
    """A SQLite ledger's folder exists (the file itself is created on first use)."""
    if not url.startswith("sqlite:///"):
        return
    folder = Path(url.removeprefix("sqlite:///")).expanduser().parent
    if not folder.is_dir():
        raise PreflightError(
            f"the ledger folder {folder} does not exist; create it (mkdir -p {folder}) "
            f"or pass --ledger sqlite:///a/path/in/an/existing/folder.db"
        )


def check_upstream(url: str, timeout: float = 3.0) -> None:
    """Something answers TCP at the upstream's host and port."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PreflightError(
            f"--upstream {url} is not an http(s) URL; pass e.g. --upstream http://127.0.0.1:8080"
        )
    port = parts.port or (443 if parts.scheme == "https" else 80)
    import socket  # noqa: PLC0415

    try:
        with socket.create_connection((parts.hostname, port), timeout=timeout):
            pass
    except OSError as e:
        raise PreflightError(
            f"nothing answers at --upstream {url} ({e.strerror or e}); start the store first "
            f"(e.g. `miready mock --port {port}`) or fix the URL"
        ) from e
