"""Product images: URLs kept in position order per product (never fetched)."""

from __future__ import annotations

from typing import Any

from miready.mocks.errors import NotFound, invalid
from miready.mocks.state import records
from miready.mocks.state.platform import Platform, Store

KIND = records.IMAGES


def images_of(store: Store, product_id: int) -> list[dict[str, Any]]:
    mine = [i for i in records.all_of(store, KIND) if i["product_id"] == product_id]
    return sorted(mine, key=lambda i: (i["position"], i["id"]))


def image(store: Store, product_id: int, image_id: int) -> dict[str, Any]:
    store.product(product_id)
    found = records.table(store, KIND).get(image_id)
    if found is None or found["product_id"] != product_id:
        raise NotFound("Image with such id does not exist")
    return found


def _renumber(store: Store, product_id: int, moved: dict[str, Any] | None, at: int) -> None:
    rest = [i for i in images_of(store, product_id) if i is not moved]
    if moved is not None:
        rest.insert(max(0, min(at - 1, len(rest))), moved)
    for n, img in enumerate(rest, start=1):
        img["position"] = n


def create(
    platform: Platform, store: Store, product_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    store.product(product_id)
    src = body.get("src")
    if not src:
        if not body.get("attachment"):
            raise invalid("src", "send src (an image URL) or attachment with filename")
        name = body.get("filename") or "image.jpg"
        src = f"https://cdn.mock.invalid/stores/{store.id}/products/{name}"
    position = body.get("position") or len(images_of(store, product_id)) + 1
    record = {"product_id": product_id, "src": src, "position": position}
    record["alt"] = list(body.get("alt") or [])
    created = records.insert(platform, store, KIND, record)
    _renumber(store, product_id, created, position)
    return created


def update(
    platform: Platform, store: Store, product_id: int, image_id: int, body: dict[str, Any]
) -> dict[str, Any]:
    img = image(store, product_id, image_id)
    changes = {k: body[k] for k in ("src", "alt") if k in body}
    records.update(platform, store, KIND, image_id, changes)
    if body.get("position"):
        _renumber(store, product_id, img, body["position"])
    return img


def delete(store: Store, product_id: int, image_id: int) -> None:
    image(store, product_id, image_id)
    records.delete(store, KIND, image_id)
    _renumber(store, product_id, None, 0)
