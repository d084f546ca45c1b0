"""The mock's admin token: generate it, check `Authorization: Bearer`, write and read its file."""

from __future__ import annotations

import hmac
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ENV_VAR = "MIREADY_ADMIN_TOKEN"
DEFAULT_FILE = Path("~/.miready/mock-admin-token")
HEADER = "Authorization"
_SHAPE = re.compile(r"[\x21-\x7e]{8,512}")


def new_admin_token() -> str:
    return secrets.token_urlsafe(32)


def check_admin_token(token: str) -> str:
    """ValueError unless `token` is 8-512 visible ASCII characters (it travels in a header)."""
    if not isinstance(token, str) or not _SHAPE.fullmatch(token):
        raise ValueError("the admin token must be 8 to 512 visible ASCII characters")
    return token


def bearer(token: str) -> dict[str, str]:
    """The header an admin call carries."""
    return {HEADER: f"Bearer {token}"}


def is_authorized(headers: Mapping[str, str], expected: str) -> bool:
    """`Authorization: Bearer <expected>`, compared in constant time (any bytes are safe)."""
    scheme, _, given = headers.get(HEADER, "").strip().partition(" ")
    if scheme.lower() != "bearer" or not expected:
        return False
    return hmac.compare_digest(
        given.strip().encode("utf-8", "surrogateescape"),
        expected.encode("utf-8", "surrogateescape"),
    )


def write_token_file(token: str, path: Path | str = DEFAULT_FILE) -> Path:
    """Write `token` to `path` readable by its owner only (the folder is made 0700 if new)."""
    target = Path(path).expanduser()
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    os.replace(tmp, target)
    return target


def read_token_file(path: Path | str = DEFAULT_FILE) -> str:
    """The token a running `miready mock` wrote (OSError if there is none)."""
    return Path(path).expanduser().read_text(encoding="utf-8").strip()


@contextmanager
def exported(token: str) -> Iterator[None]:
    """`$MIREADY_ADMIN_TOKEN` set to `token` meanwhile: a child started now (the proxy) gets it."""
    previous = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = token
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous
