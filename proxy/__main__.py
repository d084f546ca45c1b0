"""``python -m miready.proxy``."""

import sys

from miready.proxy.cli import main
from miready.proxy.lifeline import watch_parent_from_env

watch_parent_from_env()  # a child of ProxyProcess exits with its parent
sys.exit(main())
