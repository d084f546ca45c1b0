"""How many API calls the mock served, and how many came without passing through a miready proxy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

PROXY_VIA = "miready"  # the pseudonym the proxy puts in Via (proxy.via)


@dataclass
class Traffic:
    """Counters read by the pytest plugin, which reports calls no ledger could have seen."""

    api_calls: int = 0
    unproxied: int = 0


def via_proxy(via_headers: Iterable[str]) -> bool:
    """True if one ``Via`` entry (``1.1 miready``) names the miready proxy."""
    return any(PROXY_VIA in entry.split() for header in via_headers for entry in header.split(","))
