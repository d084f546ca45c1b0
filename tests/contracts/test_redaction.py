"""Redacted examples: the request's shape, every value replaced by its type name."""

import json

import pytest
from miready.contracts.redaction import redact, redacted_example


def test__redact__should_keep_keys_and_replace_every_value_by_its_type():
    body = {
        "name": "Juana Pérez",
        "phone": "+54 11 5555-0101",
        "qty": 3,
        "price": 9.5,
        "gift": True,
        "note": None,
        "variants": [{"stock": 1}, {"stock": 2}, {"stock": "x"}],
    }
    assert redact(body) == {
        "name": "<str>",
        "phone": "<str>",
        "qty": "<int>",
        "price": "<float>",
        "gift": "<bool>",
        "note": "<null>",
        "variants": [{"stock": "<int>"}, {"stock": "<str>"}],
    }


def test__redacted_example__should_be_json_with_method_template_query_keys_and_body():
    text = redacted_example(
        "POST", "/orders/{order_id}/fulfill", ("page",), {"shipping_tracking_number": "BR1"}, True
    )
    assert json.loads(text) == {
        "method": "POST",
        "path": "/orders/{order_id}/fulfill",
        "query": {"page": "<str>"},
        "body": {"shipping_tracking_number": "<str>"},
    }
    assert "BR1" not in text


def test__redacted_example__huge_body__should_stay_small_and_valid_json():
    names = ("".join(chr(97 + int(d)) for d in f"{i:04d}") for i in range(5000))
    body = {f"field_{name}": {"nested": [1, "x"]} for name in names}
    text = redacted_example("POST", "/products", (), body, True)
    assert len(text) <= 4096
    assert json.loads(text)["body"] == "<too-large>"


@pytest.mark.parametrize(
    "key",
    ["zacarias.pq@example.org", "+54 11 5555 1234", "4711", "5b7e6f8a-1111-2222-3333-444455556666"],
)
def test__redact__value_like_key__should_collapse_to_placeholder(key):
    assert redact({key: 1, "stock": 2}) == {"<key>": "<int>", "stock": "<int>"}
