"""Recorder and status endpoint: one record per call, names only; counters on /_miready/status."""

import hashlib
import json

from miready.proxy.recorder import Recorder

TOKEN = "tok-legacy-0001"
TID = hashlib.sha256(TOKEN.encode()).hexdigest()[:16]


async def test__recorder__should_record_names_rule_ids_and_redacted_example(
    make_pipeline, new_flow
):
    body = {"shipping_tracking_number": "BR123456789AR", "shipping_name": "Juana Pérez"}
    with make_pipeline() as p:
        await p.run(new_flow("POST", "/v1/7/orders/5/fulfill?notify=1", body))
    [r] = p.records
    assert (r.app_id, r.token_id, r.store_id, r.operation_id) == (TID, TID, "7", "fulfillOrder")
    assert (r.method, r.path_template, r.status, r.source) == (
        "POST",
        "/orders/{order_id}/fulfill",
        200,
        "proxy",
    )
    assert r.params == ("query:notify", "shipping_name", "shipping_tracking_number")
    assert r.findings == ("endpoint.orders.fulfill",)
    assert json.loads(r.examples["endpoint.orders.fulfill"]) == {
        "method": "POST",
        "path": "/orders/{order_id}/fulfill",
        "query": {"notify": "<str>"},
        "body": {"shipping_name": "<str>", "shipping_tracking_number": "<str>"},
    }
    assert r.latency_ms >= 0
    text = repr(r)
    for secret in (TOKEN, "BR123456789AR", "Juana"):
        assert secret not in text


async def test__recorder__unknown_path__should_be_recorded_not_dropped(make_pipeline, new_flow):
    with make_pipeline() as p:
        await p.run(new_flow("GET", "/v1/1/brand-new-endpoint?x=1"))
    [r] = p.records
    assert (r.operation_id, r.path_template, r.params) == (
        None,
        "unknown:/v1/1/brand-new-endpoint",
        ("query:x",),
    )


async def test__recorder__upstream_down__should_record_status_502(make_pipeline, new_flow):
    with make_pipeline() as p:
        await p.run(new_flow("POST", "/v1/1/orders/5/pack"), upstream_down=True)
    [r] = p.records
    assert (r.status, r.findings) == (502, ("endpoint.orders.pack",))


async def test__recorder__writer_refuses__traffic_still_flows(make_pipeline, new_flow):
    with make_pipeline() as p:
        p.writers[0].accept = False
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
        status = p.addon(Recorder).status()
    assert flow.response.status_code == 200
    assert (status["calls_seen"], status["dropped"]) == (1, 1)


async def test__recorder__writer_cannot_open__traffic_still_flows_and_is_counted(
    make_pipeline, new_flow
):
    def broken(url):
        raise OSError("disk on fire")

    with make_pipeline() as p:
        recorder = p.addon(Recorder)
        recorder.writer_factory = broken
        p.tctx.options.update(miready_ledger="sqlite:///elsewhere.db")
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
        status = recorder.status()
    assert flow.response.status_code == 200
    assert (status["calls_seen"], status["failed"]) == (1, 1)


async def test__status_endpoint__should_answer_itself_with_counters(make_pipeline, new_flow):
    def respond(request):
        raise AssertionError("the status endpoint must never be forwarded")

    with make_pipeline(miready_policy="warn") as p:
        for _ in range(3):
            await p.run(new_flow("GET", "/v1/1/orders"))
        flow = await p.run(new_flow("GET", "/_miready/status", token=None), respond=respond)
    body = json.loads(flow.response.content)
    assert flow.response.status_code == 200
    assert set(body) == {
        "calls_seen",
        "records_written",
        "pending",
        "failed",
        "dropped",
        "policy",
        "rule_pack",
        "uptime_seconds",
    }
    assert (body["calls_seen"], body["records_written"], body["policy"], body["rule_pack"]) == (
        3,
        3,
        "warn",
        "tiendanube-multi-inventory",
    )
    assert len(p.records) == 3  # the status call itself is not a call of any app


async def test__recorder__done__should_close_the_writer(make_pipeline, new_flow):
    with make_pipeline() as p:
        await p.addon(Recorder).done()
    assert p.writers[0].closed
