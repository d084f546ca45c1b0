"""The mock's start-up options."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class MockConfig:
    fixture: Path | str | None = None  # YAML or JSON file loaded at start-up
    legacy: bool = True  # serve the legacy endpoints and the legacy order fields
    allow_remote_admin: bool = False  # accept /_mock calls from non-loopback peers
    max_body_bytes: int = MAX_BODY_BYTES
    deliver_webhooks: bool = True
    webhook_timeout_s: float = 3.0
