"""``python -m proxy``."""

import sys

from miready.proxy.cli import main

sys.exit(main())
