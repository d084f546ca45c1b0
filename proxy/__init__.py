"""The recording proxy: mitmproxy addons that match, identify, classify, police and record calls.

Imports ``contracts`` and ``certifier.ledger``; nothing imports ``proxy`` but the CLI, the demo and
tests. The embedding of mitmproxy itself lives in ``proxy.embed`` alone.
"""

# Answered by the proxy itself on its own port (proxy.status), read by ProxyProcess.
STATUS_PATH = "/_miready/status"
# The environment variable holding the mock's admin token, read when no option gives it.
ADMIN_TOKEN_ENV = "MIREADY_ADMIN_TOKEN"
