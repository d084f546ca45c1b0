"""contracts' observation helpers: bounded bodies, tokens, instants, privacy, call ids."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime

import brotli
import pytest
from backports import zstd
from miready.contracts.bodies import decoded
from miready.contracts.instants import NoOffsetError, OutOfRangeError, parse_iso
from miready.contracts.observe import Exchange, exchange_id
from miready.contracts.privacy import bounded_name, param_key, path_template
from miready.contracts.tokens import bearer_token, is_valid_token, token_id

BIG = b"\0" * (8 << 20)  # 8 MiB of zeros: every codec squeezes it into a few KB
CAP = 1 << 20


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", lambda b: gzip.compress(b)),
        ("deflate", lambda b: zlib.compress(b)),
        ("br", lambda b: brotli.compress(b)),
        ("zstd", lambda b: zstd.compress(b)),
        ("gzip, br", lambda b: brotli.compress(gzip.compress(b))),
    ],
)
def test__decoded__bomb_over_the_cap__should_be_none_and_small_body_should_decode(encoding, pack):
    assert len(pack(BIG)) < CAP
    assert decoded(pack(BIG), encoding, CAP) is None
    assert decoded(pack(b'{"a": 1}'), encoding, CAP) == b'{"a": 1}'


@pytest.mark.parametrize(
    ("raw", "encoding"),
    [(b"not gzip", "gzip"), (b"x", "compress"), (b"x" * (CAP + 1), None), (b"\x1f\x8b", "gzip")],
)
def test__decoded__broken_unknown_or_too_large__should_be_none(raw, encoding):
    assert decoded(raw, encoding, CAP) is None


@pytest.mark.parametrize(
    ("token", "valid"),
    [("tok-0001", True), ("\udcff\udcfe", False), ("x" * 600, False), ("a b", False)],
)
def test__tokens__any_text_or_bytes__should_hash_and_say_if_valid(token, valid):
    assert len(token_id(token)) == 16
    assert is_valid_token(token) is valid
    found = bearer_token({"authentication": f"bearer {token}"}, "Authentication")
    assert found in (token, token.split()[0])


def test__token_id__str_from_surrogateescape__should_equal_the_bytes_hash():
    assert token_id(b"\xff\xfe".decode("utf-8", "surrogateescape")) == token_id(b"\xff\xfe")
    assert token_id("\ud800") == token_id("\ud800")  # a lone surrogate hashes, never raises


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("2024-05-10T12:00:00Z", None),
        ("2024-05-10T12:00:00+0000", None),
        ("0001-01-01T00:00:00+14:00", OutOfRangeError),
        ("9999-12-31T23:59:59-12:00", OutOfRangeError),
        ("2024-05-10T12:00:00", NoOffsetError),
        ("yesterday", ValueError),
    ],
)
def test__parse_iso__table(text, error):
    if error is None:
        assert parse_iso(text) == datetime(2024, 5, 10, 12, tzinfo=UTC)
    else:
        with pytest.raises(error):
            parse_iso(text)


@pytest.mark.parametrize(
    ("key", "kept"),
    [
        ("stock", True),
        ("shipping_tracking_number", True),
        ("variant_id", True),
        ("zacarias.pq@example.org", False),
        ("4711", False),
        ("+54 9 11 4444-3210", False),
        ("5b7e6f8a-1111-2222-3333-444455556666", False),
        ("aB3dE5gH7jK9mN1pQ3sT5", False),
        ("Zacarías", False),
        ("x" * 41, False),
    ],
)
def test__param_key__value_like_keys__should_be_placeholders(key, kept):
    assert (param_key(key) == key) is kept
    assert param_key(key) in (key, "<key>")


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Stock Sync", "Stock Sync"), ({"x": 1}, "<unnamed>"), ("", None), (None, None)],
)
def test__bounded_name__table(name, expected):
    assert bounded_name(name) == expected


def test__bounded_name__long__should_stop_at_100_chars():
    assert len(bounded_name("n" * 10_000)) == 100


def test__path_template__100k_path__should_be_at_most_200_chars():
    assert len(path_template("/v1/1/" + "a" * 100_000)) <= 200


def _exchange(**changes) -> Exchange:
    base = {
        "method": "POST",
        "url": "http://h/v1/1/orders",
        "headers": {},
        "content": b"{}",
        "status": 201,
        "at": datetime(2024, 5, 10, 12, 0, 0, 123456, tzinfo=UTC),
    }
    return Exchange(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "same"),
    [
        ({"at": datetime(2024, 5, 10, 12, 0, 0, 123999, tzinfo=UTC)}, True),  # same millisecond
        ({"latency_ms": 99.0, "headers": {"user-agent": "x"}}, True),
        ({"at": datetime(2024, 5, 10, 12, 0, 0, 124000, tzinfo=UTC)}, False),
        ({"status": 200}, False),
        ({"content": b'{"a":1}'}, False),
        ({"url": "http://h/v1/1/orders?page=2"}, False),
        ({"method": "PUT"}, False),
    ],
)
def test__exchange_id__table(changes, same):
    assert (exchange_id(_exchange(**changes)) == exchange_id(_exchange())) is same


def _shopify_fulfillment(at: datetime):
    from miready.contracts.observe import Platform, observe_request
    from miready.contracts.pack import load_pack

    platform = Platform.of(load_pack("shopify-multi-location"))
    body = b'{"fulfillment": {"tracking_number": "1"}}'  # no location_id
    obs = observe_request(
        "POST",
        "/admin/api/2019-04/orders/7/fulfillments.json",
        {"content-type": "application/json"},
        body,
        at,
        platform,
    )
    return platform, obs


@pytest.mark.parametrize(
    ("kind", "source", "expected"),
    [
        ("public-new", "apps_file", {"param.fulfillment.no-location.new-public"}),
        ("public", "apps_file", set()),  # the public apps' rule starts later (2019)
        (None, "apps_file", set()),  # kind unknown: kind rules do not apply
    ],
)
def test__judged_for__the_callers_kind__should_decide_the_app_kind_rules(kind, source, expected):
    from miready.contracts.observe import AppIdentity, judged_for

    platform, obs = _shopify_fulfillment(datetime(2018, 9, 1, tzinfo=UTC))
    app = AppIdentity(app_id="9", kind=kind, source=source)
    judged = judged_for(obs, app, platform)
    assert {f.rule_id for f in judged.findings} == expected
    assert judged.params == obs.params  # only the findings change


def test__judged_for__a_pack_without_rules_about_callers__should_keep_the_observation():
    from miready.contracts.observe import AppIdentity, Platform, judged_for, observe_request
    from miready.contracts.pack import default_pack

    platform = Platform.of(default_pack())
    assert not platform.rules.judges_apps
    obs = observe_request("GET", "/v1/1/orders", {}, None, datetime.now(UTC), platform)
    app = AppIdentity(app_id="9", scopes=("read_orders",), source="upstream", kind="x")
    assert judged_for(obs, app, platform) is obs
