"""The memo of kept key names: the same names as judging each key, bounded, never a value."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from miready.contracts import privacy
from miready.contracts.privacy import (
    KEY_PLACEHOLDER,
    MAX_KEPT_KEYS,
    forget_param_keys,
    looks_like_value,
    param_key,
    remembered_param_keys,
)

EMAIL = "zacarias.pq@example.org"
PHONE = "+54 9 11 4444-3210"


@pytest.fixture(autouse=True)
def _empty_memo():
    forget_param_keys()
    yield
    forget_param_keys()


_KEY = st.one_of(
    st.text(max_size=45),
    st.text(alphabet="abcXYZ_-$019", max_size=45),
    st.integers(),
)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(keys=st.lists(_KEY, max_size=20))
def test__param_key__first_seen_and_remembered__should_name_a_key_as_judging_it_does(keys):
    for _ in range(2):  # once with the memo empty, once with it holding every kept key
        for key in keys:
            text = key if isinstance(key, str) else str(key)
            assert param_key(key) == (KEY_PLACEHOLDER if looks_like_value(text) else text)


@pytest.mark.parametrize("key", [EMAIL, PHONE, "4711", "x" * 41, "aB3dE5gH7jK9mN1pQ3sT5", 4711])
def test__param_key__of_a_value_like_key__should_not_remember_it(key):
    assert param_key(key) == KEY_PLACEHOLDER
    assert remembered_param_keys() == 0


def test__param_key__of_many_distinct_field_names__should_remember_at_most_the_cap():
    keys = [
        f"field_{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{chr(97 + i // 676 % 26)}"
        for i in range(3 * MAX_KEPT_KEYS)
    ]
    assert len(set(keys)) == len(keys)
    most = 0
    for key in keys:
        assert param_key(key) == key
        most = max(most, remembered_param_keys())
    assert most == MAX_KEPT_KEYS


def test__param_key__of_a_remembered_name__should_not_judge_it_again(monkeypatch):
    judged: list[str] = []

    def counting(text: str) -> bool:
        judged.append(text)
        return looks_like_value(text)

    monkeypatch.setattr(privacy, "looks_like_value", counting)
    for _ in range(100):
        assert param_key("shipping_option") == "shipping_option"
        assert param_key(EMAIL) == KEY_PLACEHOLDER
    assert judged.count("shipping_option") == 1
    assert judged.count(EMAIL) == 100  # a value is judged each time rather than remembered
