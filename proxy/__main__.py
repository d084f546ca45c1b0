"""``python -m miready.proxy``."""

import sys

from miready.proxy.cli import main

sys.exit(main())
