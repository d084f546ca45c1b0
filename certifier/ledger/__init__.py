"""The ledger: what each app called and what it was found doing, behind one interface per URL."""

from miready.certifier.ledger.base import DEFAULT_LEDGER_URL, Ledger, LedgerError, open_ledger
from miready.certifier.ledger.records import AppInfo, CallRecord, DailyCount, Review
from miready.certifier.ledger.writer import LedgerWriter, WriterStats

__all__ = [
    "DEFAULT_LEDGER_URL",
    "AppInfo",
    "CallRecord",
    "DailyCount",
    "Ledger",
    "LedgerError",
    "LedgerWriter",
    "Review",
    "WriterStats",
    "open_ledger",
]
