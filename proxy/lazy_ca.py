"""``LazyCaTlsConfig``: mitmproxy's TLS addon, making its CA at the first TLS client, not at start.

In reverse mode the apps speak plain HTTP to the proxy as a rule, yet mitmproxy makes (or reads)
its CA at every start: an RSA key generated, written and read back, about 0.1 s of CPU, and a CA
private key on disk that nothing uses. Here the CA waits for the first client that speaks TLS.
Regular (forward) mode keeps mitmproxy's own addon: an app must trust the CA before its first call.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mitmproxy import certs, ctx, http
from mitmproxy.addons.tlsconfig import TlsConfig

# The options from which mitmproxy's TlsConfig.configure builds its CA store.
CA_OPTIONS = frozenset(
    {"certs", "confdir", "key_size", "cert_passphrase", "emudhra", "emudhra_old"}
)


class LazyCaTlsConfig(TlsConfig):
    """``certstore`` is made on first read (a TLS handshake); with ``certs`` or an eMudhra
    option set, at start as mitmproxy does."""

    _store: certs.CertStore | None = None
    _ca_due = False

    @property  # type: ignore[override]
    def certstore(self) -> certs.CertStore:
        if self._ca_due:
            self._ca_due = False
            super().configure({"confdir"})  # sets self.certstore: the setter below
        return self._store  # type: ignore[return-value]

    @certstore.setter
    def certstore(self, value: certs.CertStore) -> None:
        self._store = value

    def running(self) -> None:
        # mitmproxy's TlsConfig.running configures "confdir" again, which would make the CA now
        self.configure({"confdir"})

    def configure(self, updated: Iterable[str]) -> None:
        updated = {updated} if isinstance(updated, str) else set(updated)
        if updated & CA_OPTIONS and not _ca_needed_now():
            self._store, self._ca_due = None, True
            updated -= CA_OPTIONS
        super().configure(updated)

    def request(self, flow: http.HTTPFlow) -> None:
        if self._store is not None:  # no client can ask for the CRL of a CA not made yet
            super().request(flow)


def _ca_needed_now() -> bool:
    options: Any = ctx.options
    return bool(options.certs or options.emudhra or options.emudhra_old)
