"""Scripts: the JavaScript an app has the storefront or the checkout load, owned by that app.

The platform removes an app's scripts when the app is uninstalled, so a script belongs to the app
that created it: another app neither lists it nor reads it (404), as with webhooks.
"""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import NotFound
from miready.mocks.state import records
from miready.mocks.state.platform import Installation, Platform, Store

KIND = records.SCRIPTS
WRITABLE = ("src", "event", "where")
DEFAULT_WHERE = "store"


def view(script: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in script.items() if k != "app_id"}


def owned(store: Store, installation: Installation, script_id: int) -> dict[str, Any]:
    script = records.table(store, KIND).get(script_id)
    if script is None or script.get("app_id") != installation.app_id:
        raise NotFound("Script with such id does not exist")
    return script


def list_for(store: Store, installation: Installation, src: str | None) -> list[dict[str, Any]]:
    """The app's scripts in id order; `src` keeps those loaded from exactly that URL."""
    return [
        s
        for s in records.all_of(store, KIND)
        if s.get("app_id") == installation.app_id and (src is None or s.get("src") == src)
    ]


def create(
    platform: Platform, store: Store, installation: Installation, body: dict[str, Any]
) -> dict[str, Any]:
    record = {k: body[k] for k in WRITABLE if k in body}
    record.setdefault("where", DEFAULT_WHERE)
    record["app_id"] = installation.app_id
    return records.insert(platform, store, KIND, record)


def update(
    platform: Platform,
    store: Store,
    installation: Installation,
    script_id: int,
    body: dict[str, Any],
) -> dict[str, Any]:
    """Only `src`, `event` and `where` change; the read-only keys a full object carries are
    ignored (the platform's own PUT example sends the whole script back)."""
    owned(store, installation, script_id)
    changes = {k: body[k] for k in WRITABLE if k in body}
    return records.update(platform, store, KIND, script_id, changes)


def delete(store: Store, installation: Installation, script_id: int) -> None:
    owned(store, installation, script_id)
    records.delete(store, KIND, script_id)


def forget(store: Store, app_id: str) -> None:
    """The app is uninstalled: its scripts go with it."""
    table = records.table(store, KIND)
    for script_id in [k for k, s in table.items() if s.get("app_id") == app_id]:
        del table[script_id]
