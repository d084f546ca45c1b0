"""Rate limits: the leaky bucket per (store, app), 40 requests leaking 2 per second, on the
mock's clock; off by default, on everywhere, per store or per app."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from miready.mocks.app import SAMPLE_FIXTURE, create_app
from miready.mocks.clock import Clock
from miready.mocks.config import MockConfig
from miready.mocks.ratelimit import Bucket, RateLimiter
from mockapi import LEGACY, Api, headers  # type: ignore[import-not-found]

NOW = "2026-03-01T12:00:00+00:00"
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def burst(api: Api, n: int, token: str | None = "default") -> list[tuple[int, dict]]:
    async def one() -> tuple[int, dict]:
        async with api.client.get("/v1/1/store", headers=_headers(api, token)) as response:
            await response.read()
            return response.status, dict(response.headers)

    return await asyncio.gather(*(one() for _ in range(n)))


def _headers(api: Api, token: str | None) -> dict[str, str]:
    return headers(api.token if token == "default" else token)


@pytest.fixture
async def limited(aiohttp_client) -> Api:
    client = await aiohttp_client(create_app(MockConfig(fixture=SAMPLE_FIXTURE, rate_limit=True)))
    api = Api(client)
    await api.put("/_mock/clock", {"now": NOW})
    return api


@pytest.mark.parametrize(
    ("poured", "elapsed_s", "remaining", "reset_ms"),
    [(0, 0, 40, 0), (1, 0, 39, 500), (40, 0, 0, 20000), (40, 1, 2, 19000), (40, 20, 40, 0)],
)
def test__bucket__after_pouring_and_leaking__should_report_the_headers(
    poured, elapsed_s, remaining, reset_ms
) -> None:
    bucket = Bucket(40, 2)
    for _ in range(poured):
        assert bucket.take(T0)
    bucket.drain(T0 + timedelta(seconds=elapsed_s))
    assert bucket.headers() == {
        "X-Rate-Limit-Limit": "40",
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": str(reset_ms),
    }


async def test__burst_of_60__should_get_exactly_20_429s_with_headers(limited) -> None:
    answers = await burst(limited, 60)
    statuses = [s for s, _ in answers]
    assert statuses.count(200) == 40 and statuses.count(429) == 20
    refused = [h for s, h in answers if s == 429]
    assert {h["X-Rate-Limit-Remaining"] for h in refused} == {"0"}
    assert {h["X-Rate-Limit-Limit"] for h in refused} == {"40"}
    assert {h["X-Rate-Limit-Reset"] for h in refused} == {"20000"}
    remaining = sorted(int(h["X-Rate-Limit-Remaining"]) for s, h in answers if s == 200)
    assert remaining == list(range(40))
    status, error = await limited.get("/store")
    assert status == 429 and set(error) >= {"code", "message", "description"}
    assert error["code"] == 429


@pytest.mark.parametrize(("seconds", "allowed"), [(0.5, 1), (1, 2), (5, 10), (20, 40), (60, 40)])
async def test__full_bucket__should_recover_at_2_per_second_on_the_mock_clock(
    limited, seconds, allowed
) -> None:
    await burst(limited, 40)
    await limited.put("/_mock/clock", {"advance_seconds": seconds})
    statuses = [s for s, _ in await burst(limited, allowed + 5)]
    assert statuses.count(200) == allowed and statuses.count(429) == 5


async def test__buckets__should_be_per_store_and_app(limited) -> None:
    await burst(limited, 45)
    statuses = [s for s, _ in await burst(limited, 40, token=LEGACY)]
    assert statuses.count(200) == 40  # the other app of the same store has its own bucket


async def test__rate_limit__off_by_default__should_add_no_headers(api) -> None:
    statuses = [s for s, h in await burst(api, 50) if "X-Rate-Limit-Limit" not in h]
    assert statuses == [200] * 50


@pytest.mark.parametrize(
    ("switch", "ready_limited", "legacy_limited"),
    [
        ({"enabled": True}, True, True),
        ({"enabled": True, "store_id": "1"}, True, True),
        ({"enabled": True, "app_id": "1002"}, True, False),
        ({"enabled": True, "store_id": "2"}, False, False),
    ],
)
async def test__admin_switch__should_limit_what_it_names(
    api, switch, ready_limited, legacy_limited
) -> None:
    status, described = await api.put("/_mock/rate-limit", switch)
    assert status == 200
    for token, limited in (("default", ready_limited), (LEGACY, legacy_limited)):
        _, headers = (await burst(api, 1, token=token))[0]
        assert ("X-Rate-Limit-Limit" in headers) is limited
    await api.put("/_mock/rate-limit", {"enabled": False})
    assert "X-Rate-Limit-Limit" not in (await burst(api, 1))[0][1]


@pytest.mark.parametrize("body", [{}, {"enabled": "yes"}, [], {"enabled": 1}])
async def test__admin_switch__bad_input__should_be_422(api, body) -> None:
    status, error = await api.put("/_mock/rate-limit", body)
    assert status in (400, 422) and error["code"] == status


async def test__next_plan__should_multiply_the_bucket_by_10(limited) -> None:
    await limited.put("/_mock/stores/1/settings", {"plan": "next"})
    statuses = [s for s, _ in await burst(limited, 410)]
    assert statuses.count(200) == 400 and statuses.count(429) == 10


def test__limiter__switches__should_combine() -> None:
    limiter = RateLimiter(Clock())
    limiter.configure({"enabled": True, "app_id": 7})
    assert limiter.applies("1", "7") and not limiter.applies("1", "8")
    limiter.configure({"enabled": True})
    assert limiter.applies("9", "8")
    limiter.configure({"enabled": False})
    assert not limiter.applies("1", "7")


@settings(max_examples=60, derandomize=True, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=60)),
        min_size=1,
        max_size=12,
    )
)
def test__bucket__any_schedule__should_never_admit_more_than_it_leaks(steps) -> None:
    """Over any schedule of (seconds waited, burst size): admitted <= 40 + 2 x elapsed, and a
    refusal only ever comes with a full bucket."""
    bucket, now, admitted = Bucket(40, 2), T0, 0
    for wait_s, burst_size in steps:
        now += timedelta(seconds=wait_s)
        for _ in range(burst_size):
            if bucket.take(now):
                admitted += 1
            else:
                assert bucket.headers()["X-Rate-Limit-Remaining"] == "0"
    assert admitted <= 40 + 2 * (now - T0).total_seconds()
    assert admitted >= min(sum(b for _, b in steps), 40)
