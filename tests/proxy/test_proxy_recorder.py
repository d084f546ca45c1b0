"""Recorder and status endpoint: one record per call, names only; counters on /_miready/status."""

import asyncio
import hashlib
import json
from concurrent.futures import Future

from miready.certifier.ledger import open_ledger
from miready.certifier.ledger.spooler import Spooler, SpoolStats
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
        "unknown:/v1/{n}/brand-new-endpoint",
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
    assert (status["calls_seen"], status["lost"]) == (1, 1)


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
    assert (status["calls_seen"], status["lost"]) == (1, 1)


async def test__status_endpoint__should_answer_itself_with_true_counters(
    make_pipeline, new_flow, tmp_path
):
    def respond(request):
        raise AssertionError("the status endpoint must never be forwarded")

    with make_pipeline(miready_policy="warn") as p:
        recorder = p.addon(Recorder)
        recorder.writer_factory = lambda url: Spooler(url, tmp_path / "journal.db")
        p.tctx.options.update(miready_ledger=f"sqlite:///{tmp_path / 'ledger.db'}")
        for _ in range(3):
            await p.run(new_flow("GET", "/v1/1/orders"))
        assert recorder.writer.flush(timeout=30)
        flow = await p.run(new_flow("GET", "/_miready/status", token=None), respond=respond)
        await recorder.done()
    body = json.loads(flow.response.content)
    print(f"\nstatus after 3 calls: {body}")
    assert flow.response.status_code == 200
    assert set(body) == {
        "calls_seen", "journal", "replayed", "journaled", "spooled", "written", "duplicates",
        "quarantined", "lost", "pending", "outages", "ledger_replaced", "ledger_ok",
        "last_error", "refused_at_shutdown", "policy", "rule_pack", "uptime_seconds", "worker",
    }  # fmt: skip
    assert (body["calls_seen"], body["journaled"], body["written"], body["pending"]) == (3, 3, 3, 0)
    assert (body["spooled"], body["quarantined"], body["lost"]) == (0, 0, 0)
    assert (body["policy"], body["rule_pack"]) == ("warn", "tiendanube-multi-inventory")
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    assert ledger.count_calls() == 3  # the status call itself is not a call of any app
    ledger.close()


async def test__recorder__response__should_wait_until_the_record_is_durable(
    make_pipeline, new_flow
):
    future: Future[bool] = Future()

    class SlowJournal:
        def submit(self, record):
            return future

        def close(self, timeout=0):
            return None

        def stats(self):
            return SpoolStats("j", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, True, None)

    with make_pipeline() as p:
        p.addon(Recorder).writer = SlowJournal()
        call = asyncio.ensure_future(p.run(new_flow("GET", "/v1/1/orders")))
        await asyncio.sleep(0)  # let the hooks run up to the recorder
        for _ in range(50):
            await asyncio.sleep(0)
        waiting = not call.done()
        future.set_result(True)
        flow = await asyncio.wait_for(call, 10)
    assert waiting, "the response hook returned before the record was durable"
    assert flow.response.status_code == 200


async def test__recorder__call_after_shutdown_began__should_be_cut_not_answered(
    make_pipeline, new_flow
):
    with make_pipeline() as p:
        recorder = p.addon(Recorder)
        await recorder.done()
        flow = await p.run(new_flow("GET", "/v1/1/orders"))
        status = recorder.status()
    assert flow.error is not None and flow.error.msg == "Connection killed."
    assert (status["calls_seen"], status["refused_at_shutdown"]) == (0, 1)


async def test__recorder__done__should_close_the_writer(make_pipeline, new_flow):
    with make_pipeline() as p:
        await p.addon(Recorder).done()
    assert p.writers[0].closed
