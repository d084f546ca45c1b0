"""The certifier: the ledger, the readiness decision, reports, and the import of captured traffic.

Imports ``contracts`` only (never ``mocks`` or ``proxy``).
"""
