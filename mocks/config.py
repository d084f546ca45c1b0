"""The mock's start-up options."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from miready.mocks.admin_token import check_admin_token, new_admin_token

MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class MockConfig:
    fixture: Path | str | None = None  # YAML or JSON file loaded at start-up
    legacy: bool = True  # serve the legacy endpoints and the legacy order fields
    allow_remote_admin: bool = False  # accept /_mock calls from non-loopback peers
    # every /_mock call carries `Authorization: Bearer <admin_token>`; a fresh one unless given
    admin_token: str = field(default_factory=new_admin_token, repr=False)
    max_body_bytes: int = MAX_BODY_BYTES
    deliver_webhooks: bool = True
    webhook_timeout_s: float = 3.0
    # The platform's other side (issue 13).
    webhook_duplicates: float = 0.0  # share of delivered webhooks sent twice
    webhook_out_of_order: bool = False  # send each batch of due webhooks in a shuffled order
    webhook_seed: int | None = None
    rate_limit: bool = False  # the leaky bucket for every (store, app)
    # app id -> (verdict, eligible-on date); called at each check, so a ledger stays live
    readiness: Callable[[], Mapping[str, tuple[str, str | None]]] | None = None

    def __post_init__(self) -> None:
        check_admin_token(self.admin_token)
