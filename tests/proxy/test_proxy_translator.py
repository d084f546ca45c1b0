"""Translator: legacy calls served through the fulfillment-order API, on the FIRST FO."""

import json

from mitmproxy import http

ORDER = {"id": 5, "created_at": "2023-03-01T10:00:00+00:00", "shipping_status": "unpacked"}
FO1 = {"id": "fo-1", "status": "UNPACKED", "tracking_info": None}
FO2 = {"id": "fo-2", "status": "UNPACKED", "tracking_info": None}
BASE = "/v1/1/orders/5"


def store_routes(fos=(FO1, FO2)):
    return {
        ("GET", f"{BASE}/fulfillment-orders"): (200, list(fos)),
        ("GET", BASE): (200, ORDER),
        ("PATCH", f"{BASE}/fulfillment-orders/fo-1"): (200, FO1),
        ("POST", f"{BASE}/fulfillment-orders/fo-1/tracking-events"): (
            201,
            {"id": "te-1", "status": "dispatched", "description": "d", "address": "CABA"},
        ),
    }


async def test__translate__fulfill__should_patch_only_the_first_fo_and_answer_legacy_order(
    make_pipeline, new_flow
):
    body = {"shipping_tracking_number": "BR1", "shipping_tracking_url": "https://t/BR1"}
    with make_pipeline(miready_policy="translate") as p:
        p.upstream.routes.update(store_routes())
        flow = await p.run(new_flow("POST", f"{BASE}/fulfill", body))
    writes = [(m, path, b) for m, path, b in p.upstream.calls if m != "GET"]
    assert writes == [
        (
            "PATCH",
            f"{BASE}/fulfillment-orders/fo-1",
            {
                "status": "DISPATCHED",
                "tracking_info": {"code": "BR1", "url": "https://t/BR1", "notify_customer": True},
            },
        )
    ]
    answer = json.loads(flow.response.content)
    assert flow.response.status_code == 200
    assert answer["id"] == 5 and "shipping_tracking_number" in answer
    assert flow.response.headers["Miready-Translated"].startswith("PATCH /orders/{order_id}/")
    assert p.records[0].findings == ("endpoint.orders.fulfill",)


async def test__translate__create_event__should_post_tracking_event_and_answer_legacy_event(
    make_pipeline, new_flow
):
    legacy = {"status": "dispatched", "description": "d", "city": "CABA"}
    with make_pipeline(miready_policy="translate") as p:
        p.upstream.routes.update(store_routes())
        flow = await p.run(new_flow("POST", f"{BASE}/fulfillments", legacy))
    assert flow.response.status_code == 201
    assert json.loads(flow.response.content)["id"] == "te-1"
    posted = [b for m, _, b in p.upstream.calls if m == "POST"]
    assert posted[0]["address"] == "CABA"


async def test__translate__order_without_fos__should_answer_422(make_pipeline, new_flow):
    with make_pipeline(miready_policy="translate") as p:
        p.upstream.routes.update(store_routes(fos=()))
        flow = await p.run(new_flow("POST", f"{BASE}/pack"))
    assert flow.response.status_code == 422
    assert json.loads(flow.response.content)["code"] == 422


async def test__translate__store_error__should_reach_the_app_as_given(make_pipeline, new_flow):
    with make_pipeline(miready_policy="translate") as p:
        flow = await p.run(new_flow("POST", "/v1/1/orders/999/pack"))  # no routes: 404
    assert flow.response.status_code == 404


async def test__translate__order_read_without_legacy_fields__should_get_them_back(
    make_pipeline, new_flow
):
    def respond(request):
        return http.Response.make(200, json.dumps(ORDER), {"Content-Type": "application/json"})

    fo = dict(FO1, tracking_info={"code": "BR9", "url": None})
    with make_pipeline(miready_policy="translate") as p:
        p.upstream.routes.update(store_routes(fos=(fo, FO2)))
        flow = await p.run(new_flow("GET", BASE), respond=respond)
    order = json.loads(flow.response.content)
    assert order["shipping_tracking_number"] == "BR9"


async def test__other_policies__should_not_translate(make_pipeline, new_flow):
    with make_pipeline(miready_policy="warn") as p:
        p.upstream.routes.update(store_routes())
        flow = await p.run(new_flow("POST", f"{BASE}/pack"))
    assert p.upstream.calls == []
    assert json.loads(flow.response.content) == {"ok": True}
