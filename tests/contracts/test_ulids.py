"""ULIDs as the spec (github.com/ulid/spec) and python-ulid encode them."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from miready.contracts.ulids import encode, new_ulid, ulid_from

SHAPE = re.compile(r"[0-7][0-9A-HJKMNP-TV-Z]{25}")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (bytes(16), "0" * 26),
        (b"\xff" * 16, "7" + "Z" * 25),
        (bytes(range(16)), "00041061050R3GG28A1C60T3GF"),  # python-ulid 3.x
        ((1469918176385).to_bytes(6, "big") + bytes(10), "01ARYZ6S41" + "0" * 16),  # the spec's
    ],
)
def test__encode__known_bytes__should_give_the_known_string(raw, expected):
    assert encode(raw) == expected


def test__ulid_from__should_put_the_milliseconds_first():
    assert ulid_from(1469918176385, b"\xff" * 10) == "01ARYZ6S41" + "Z" * 16


def test__new_ulid__at_a_datetime__should_carry_its_milliseconds_and_sort_by_time():
    at = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
    later = datetime(2026, 1, 2, 3, 4, 5, 679000, tzinfo=UTC)

    first, second = new_ulid(at), new_ulid(later)

    assert first[:10] == "01KDYAK3SE" and SHAPE.fullmatch(first)
    assert first < second
    assert new_ulid(at) != first  # 80 random bits
    assert SHAPE.fullmatch(new_ulid())


def test__encode__wrong_length__should_say_so():
    with pytest.raises(ValueError, match="16 bytes, not 15"):
        encode(bytes(15))
