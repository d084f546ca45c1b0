"""How a server may read a request path: decoded, dot segments resolved, slashes collapsed."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

_MAX_DECODES = 4


def normalized_path(target: str) -> str:
    """`target` (a path, maybe with a query) as the most lenient server would route it, lower
    case: judge a path on this (the admin prefixes), and forward or store it as it came."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    for _ in range(_MAX_DECODES):
        decoded = unquote(path, errors="surrogateescape")
        if decoded == path:
            break
        path = decoded
    path = path.replace("\\", "/")
    return posixpath.normpath("/" + path.lstrip("/")).lower()
