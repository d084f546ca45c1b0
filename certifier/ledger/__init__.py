"""The ledger: what each app called and what it was found doing, behind one interface per URL."""

from miready.certifier.ledger.base import DEFAULT_LEDGER_URL, Ledger, LedgerError, open_ledger
from miready.certifier.ledger.records import (
    AppInfo,
    CallRecord,
    DailyCount,
    Quarantined,
    Review,
    UnidentifiedCount,
    WriteResult,
)

__all__ = [
    "DEFAULT_LEDGER_URL",
    "AppInfo",
    "CallRecord",
    "DailyCount",
    "Ledger",
    "LedgerError",
    "Quarantined",
    "Review",
    "UnidentifiedCount",
    "WriteResult",
    "open_ledger",
]
