"""SO_REUSEPORT: several proxy processes listen on one port and the kernel spreads connections.

Linux balances new connections over every listening socket bound with SO_REUSEPORT to one address
(by a hash of the connection's addresses). BSD and macOS accept the option but hand every
connection to one socket, so only Linux counts as having it here.

mitmproxy binds its own listeners and has no option for this. Its server manager announces each
new server instance (``Servers.changed``) before starting it; ``ReusePort`` answers by giving the
instance a ``listen`` that passes ``reuse_port=True`` to ``asyncio.start_server``. Nothing else of
mitmproxy's changes: the instance serves, reports its address and stops as before.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from functools import partial
from typing import Any

from mitmproxy.proxy.mode_servers import AsyncioServerInstance

SUPPORTED = sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def reserve(host: str, port: int) -> socket.socket:
    """A TCP socket bound with SO_REUSEPORT to ``host:port`` (0: a free port), never listening.

    Whoever holds it knows the port before any worker binds, and no other program can take the
    port meanwhile (joining needs SO_REUSEPORT and the same user). A socket that does not listen
    is never handed a connection.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def install(master: Any) -> None:
    """Make ``master``'s listeners bind with SO_REUSEPORT; call before ``master.run()``."""
    master.addons.add(ReusePort(master.addons.get("proxyserver")))


class ReusePort:
    """Make mitmproxy's TCP listeners bind with SO_REUSEPORT; create before the master runs.

    Kept in the master's addon chain (it has no hooks) so the signal's weak reference lives.
    """

    name = "miready_reuse_port"

    def __init__(self, proxyserver: Any) -> None:
        self.servers = proxyserver.servers
        self.servers.changed.connect(self.bind_new_servers)

    def bind_new_servers(self) -> None:
        for instance in self.servers:
            if isinstance(instance, AsyncioServerInstance) and not instance.is_running:
                instance.listen = partial(_listen, instance)  # type: ignore[method-assign]


async def _listen(instance: AsyncioServerInstance, host: str, port: int) -> list[Any]:
    """``AsyncioServerInstance.listen`` for TCP, with SO_REUSEPORT (one server, every address)."""
    if instance.mode.transport_protocol != "tcp":
        raise OSError(f"{instance.mode.description}: several workers share TCP listeners only")
    server = await asyncio.start_server(instance.handle_stream, host or None, port, reuse_port=True)
    return [server]
