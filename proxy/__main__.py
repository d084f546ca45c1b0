"""``python -m miready.proxy``."""

import gc
import sys

from miready.proxy.lean_import import skip_addons_index
from miready.proxy.lifeline import watch_parent_from_env

watch_parent_from_env()  # a child of ProxyProcess exits with its parent
skip_addons_index()  # before anything imports a mitmproxy addon

from miready.proxy.cli import main  # noqa: E402 - after the two calls above

code = main()
# The ledger is drained and closed by now. The interpreter's last garbage collections would walk
# every object of a thousand modules, about 0.1 s at each stop: the objects are frozen out of them
# (exit handlers and module teardown still run).
gc.freeze()
sys.exit(code)
