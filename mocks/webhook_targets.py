"""Is a webhook URL the mock itself? Its admin paths on any host, its own port on any loopback
alias. Checked when a URL is registered and again before each delivery."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Set
from urllib.parse import urlsplit

from miready.contracts.urlpath import normalized_path

ADMIN_PREFIX = "/_mock"
DEFAULT_PORTS = {"http": 80, "https": 443}


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        try:  # legacy IPv4 spellings a resolver may accept: 127.1, 2130706433, 0x7f.0.0.1
            ip = ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def is_local_host(host: str) -> bool:
    """Loopback in any spelling (`localhost`, `*.localhost`, 127/8, ::1, mapped), or 0.0.0.0."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    ip = _address(name)
    return ip is not None and (ip.is_loopback or ip.is_unspecified)


def self_target(url: str, own_ports: Set[int]) -> str | None:
    """Why `url` would reach the mock itself, or None when it would not."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        return "is not a valid URL"
    if normalized_path(parts.path).startswith(ADMIN_PREFIX):
        return "must not point at the mock's admin API (/_mock/)"
    if port in own_ports and is_local_host(host):
        return "must not point at the mock platform itself"
    return None
