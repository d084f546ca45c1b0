"""The merchant's readiness warnings (end of seed 004): adding the store's second location while
an installed app is not multi-inventory ready, or installing a not-ready app into a store with
several locations, answers 409 naming each app, unless the merchant confirms."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from miready.mocks.errors import ApiError
from miready.mocks.state.platform import Platform, Store

READY_VERDICTS = frozenset({"not_affected", "auto_approved", "manually_approved"})
Source = Callable[[], Mapping[str, tuple[str, str | None]]]


class NotReadyWarning(ApiError):
    def __init__(self, description: str, apps: list[dict[str, Any]]) -> None:
        super().__init__(409, description, apps=apps, confirm_with={"confirm": True})


class Readiness:
    """Verdicts by app id: from the source handed in at start-up, overridden by the admin API.
    An app the source does not know is not warned about (no evidence either way)."""

    def __init__(self, source: Source | None = None) -> None:
        self.source = source
        self.overrides: dict[str, tuple[str, str | None]] = {}

    def verdicts(self) -> dict[str, tuple[str, str | None]]:
        known = dict(self.source()) if self.source is not None else {}
        return known | self.overrides

    def set(self, body: Any) -> None:
        """`{app_id: {"verdict": ..., "eligible_on": ...}}`; `null` forgets an override (shaped
        as `mock_admin.json`'s `set_readiness` says; the route checks)."""
        for app_id, row in body.items():
            if row is None:
                self.overrides.pop(str(app_id), None)
                continue
            self.overrides[str(app_id)] = (row["verdict"], row.get("eligible_on"))

    def not_ready(self, platform: Platform, app_ids: list[str]) -> list[dict[str, Any]]:
        verdicts = self.verdicts()
        out = []
        for app_id in sorted(set(app_ids)):
            if app_id not in verdicts or verdicts[app_id][0] in READY_VERDICTS:
                continue
            app = platform.apps.get(app_id)
            verdict, eligible_on = verdicts[app_id]
            out.append(
                {
                    "app_id": app_id,
                    "name": app.name if app else None,
                    "verdict": verdict,
                    "eligible_on": eligible_on,
                }
            )
        return out


def installed_apps(platform: Platform, store: Store) -> list[str]:
    return [i.app_id for i in platform.installations.values() if i.store_id == store.id]


def check_add_location(
    readiness: Readiness, platform: Platform, store: Store, confirm: bool
) -> list[dict[str, Any]]:
    """Before the store's second location: the installed apps that are not ready (409 unless
    `confirm`). Returns the apps the merchant was warned about."""
    if len(store.locations) != 1:
        return []
    apps = readiness.not_ready(platform, installed_apps(platform, store))
    if apps and not confirm:
        raise NotReadyWarning(
            f"{len(apps)} installed app(s) are not multi-inventory ready: a second location may "
            "break them. Contact their developers, uninstall them, or send confirm: true",
            apps,
        )
    return apps


def check_install(
    readiness: Readiness, platform: Platform, store: Store, app_id: str, confirm: bool
) -> list[dict[str, Any]]:
    """Before installing an app into a store with several locations (409 unless `confirm`)."""
    if len(store.locations) < 2:
        return []
    apps = readiness.not_ready(platform, [app_id])
    if apps and not confirm:
        raise NotReadyWarning(
            f"App {app_id} is not multi-inventory ready and this store has "
            f"{len(store.locations)} locations; send confirm: true to install it anyway",
            apps,
        )
    return apps


def log_warning(
    log: list[dict[str, Any]],
    platform: Platform,
    store: Store,
    moment: str,
    apps: list[dict[str, Any]],
    confirmed: bool,
) -> None:
    """The admin log of the merchant's warnings: shown (refused) or confirmed."""
    if apps:
        log.append(
            {
                "at": platform.clock.iso(),
                "store_id": store.id,
                "moment": moment,
                "outcome": "confirmed" if confirmed else "refused",
                "apps": apps,
            }
        )
