"""Categories: a tree of localized names; deleting one moves its children to its parent."""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import invalid
from miready.mocks.state import records
from miready.mocks.state.platform import Platform, Store

KIND = records.CATEGORIES
LOCALIZED = ("name", "description", "handle", "seo_title", "seo_description")


def _localized(value: Any) -> dict[str, str]:
    return {"es": value} if isinstance(value, str) else dict(value or {})


def _check_parent(store: Store, parent: int | None, own_id: int | None = None) -> None:
    if parent is None:
        return
    if parent not in records.table(store, KIND):
        raise invalid("parent", f"unknown category {parent}")
    seen = parent
    while seen is not None:  # refuse cycles: the parent may not descend from this category
        if seen == own_id:
            raise invalid("parent", "a category cannot descend from itself")
        seen = records.table(store, KIND)[seen].get("parent")


def category_view(store: Store, category: dict[str, Any]) -> dict[str, Any]:
    view = dict(category)
    view["subcategories"] = [
        c["id"] for c in records.all_of(store, KIND) if c.get("parent") == category["id"]
    ]
    return view


def create(platform: Platform, store: Store, body: dict[str, Any]) -> dict[str, Any]:
    if not body.get("name"):
        raise invalid("name", "can't be blank")
    _check_parent(store, body.get("parent"))
    record: dict[str, Any] = {key: _localized(body.get(key)) for key in LOCALIZED}
    record["parent"] = body.get("parent")
    record["google_shopping_category"] = body.get("google_shopping_category")
    created = records.insert(platform, store, KIND, record)
    if not created["handle"]:
        created["handle"] = {
            k: f"{v}-{created['id']}".lower().replace(" ", "-") for k, v in created["name"].items()
        }
    return created


def update(
    platform: Platform, store: Store, category_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    records.get(store, KIND, category_id)
    if "parent" in body:
        _check_parent(store, body["parent"], category_id)
    changes = {k: _localized(v) if k in LOCALIZED else v for k, v in body.items()}
    return records.update(platform, store, KIND, category_id, changes)


def delete(store: Store, category_id: int) -> None:
    gone = records.delete(store, KIND, category_id)
    for child in records.all_of(store, KIND):
        if child.get("parent") == category_id:
            child["parent"] = gone.get("parent")
