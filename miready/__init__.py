"""miready's entry points: the command line, the demo and the pytest plugin.

The only package that ties the other four together; nothing imports it.
"""

__version__ = "0.1.0"
