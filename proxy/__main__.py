"""``python -m miready.proxy``."""

import sys

from miready.proxy.lean_import import skip_addons_index
from miready.proxy.lifeline import watch_parent_from_env

watch_parent_from_env()  # a child of ProxyProcess exits with its parent
skip_addons_index()  # before anything imports a mitmproxy addon

from miready.proxy.cli import main  # noqa: E402 - after the two calls above

sys.exit(main())
