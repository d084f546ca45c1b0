"""The lean engine: the pipeline calls its stages in order, isolates errors, and the master
carries only the mitmproxy addons miready needs."""

from __future__ import annotations

import logging

import pytest
from miready.proxy.master import LeanMaster, Pipeline, lean_addons
from mitmproxy import exceptions
from mitmproxy.options import Options
from mitmproxy.proxy.layers.http import HttpRequestHook
from mitmproxy.test import tflow


class Stage:
    def __init__(self, name: str, seen: list[str], *, fail: bool = False) -> None:
        self.name, self.seen, self.fail = name, seen, fail

    def request(self, flow: object) -> None:
        self.seen.append(f"{self.name}.request")
        if self.fail:
            raise RuntimeError(f"{self.name} broke")


class AsyncStage(Stage):
    async def request(self, flow: object) -> None:  # type: ignore[override]
        self.seen.append(f"{self.name}.async-request")

    def response(self, flow: object) -> None:
        self.seen.append(f"{self.name}.response")


class Halting(Stage):
    def request(self, flow: object) -> None:
        self.seen.append(f"{self.name}.halt")
        raise exceptions.AddonHalt()


async def test__pipeline__should_call_each_stage_in_order_including_async_ones():
    seen: list[str] = []
    p = Pipeline([Stage("a", seen), AsyncStage("b", seen), Stage("c", seen)])
    await p.request(tflow.tflow())
    p.response(tflow.tflow())
    assert seen == ["a.request", "b.async-request", "c.request", "b.response"]


def test__pipeline__a_failing_stage__should_be_logged_and_the_next_should_still_run(caplog):
    seen: list[str] = []
    p = Pipeline([Stage("a", seen, fail=True), Stage("b", seen)])
    with caplog.at_level(logging.ERROR):
        p.request(tflow.tflow())
    assert seen == ["a.request", "b.request"]
    assert "a broke" in caplog.text


def test__pipeline__addon_halt__should_stop_the_pipeline_and_propagate():
    seen: list[str] = []
    p = Pipeline([Halting("a", seen), Stage("b", seen)])
    with pytest.raises(exceptions.AddonHalt):
        p.request(tflow.tflow())
    assert seen == ["a.halt"]


def test__pipeline__should_expose_only_hooks_some_stage_defines():
    p = Pipeline([Stage("a", [])])
    assert p.error is None  # a hook nobody defines: nothing to call
    assert not hasattr(p, "addons")  # mitmproxy must not walk the stages itself
    assert not hasattr(p, "add_log")  # a deprecated hook mitmproxy warns about
    assert p.get("a") is p.stages[0]


async def test__lean_master__should_hold_the_needed_addons_and_one_pipeline(tmp_path):
    seen: list[str] = []
    master = LeanMaster(Options(confdir=str(tmp_path)), stages=[Stage("a", seen)])
    names = [type(a).__name__ for a in master.addons.chain]
    assert names == [type(a).__name__ for a in lean_addons()] + ["Pipeline"]
    for option in ("connection_strategy", "stream_large_bodies", "keep_host_header"):
        assert option in master.options  # declared by the addons embed.py configures
    await master.addons.handle_lifecycle(HttpRequestHook(tflow.tflow()))
    assert seen == ["a.request"]
