"""Trust for the upstream's TLS certificate: a CA file of its own, or (loudly) none at all.

mitmproxy verifies upstream certificates against certifi's bundle, which a staging platform or a
self-signed test server is not in. Its options ``ssl_verify_upstream_trusted_ca`` and
``ssl_insecure`` do the work; this addon declares them under miready's names, so the command
line (derived from ``miready_*`` options) offers ``--upstream-ca`` and ``--upstream-insecure``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mitmproxy import ctx, exceptions

logger = logging.getLogger(__name__)

INSECURE_WARNING = (
    "UPSTREAM TLS VERIFICATION IS OFF (--upstream-insecure): any server can pose as the "
    "upstream and read every token and body the apps send. Use --upstream-ca FILE instead."
)


class UpstreamTls:
    """Hand ``miready_upstream_ca`` and ``miready_upstream_insecure`` to mitmproxy's options."""

    def load(self, loader: Any) -> None:
        loader.add_option(
            "miready_upstream_ca",
            str,
            "",
            "A PEM file of certificate authorities to verify the upstream's certificate with "
            "(a staging platform's or a self-signed server's CA), instead of certifi's bundle.",
        )
        loader.add_option(
            "miready_upstream_insecure",
            bool,
            False,
            "Do not verify the upstream's TLS certificate at all. INSECURE: logged loudly at "
            "start; prefer miready_upstream_ca.",
        )

    def configure(self, updated: set[str]) -> None:
        if "miready_upstream_ca" in updated:
            path = ctx.options.miready_upstream_ca
            if path and not Path(path).is_file():
                raise exceptions.OptionsError(
                    f"miready_upstream_ca={path!r}: no such file (a PEM file of CA certificates)"
                )
            ctx.options.update(ssl_verify_upstream_trusted_ca=path or None)
        if "miready_upstream_insecure" in updated:
            insecure = ctx.options.miready_upstream_insecure
            if insecure:
                logger.warning(INSECURE_WARNING)
            ctx.options.update(ssl_insecure=insecure)
