"""Redacted examples: the request's shape, every value replaced by its type name."""

import json

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
    body = {f"k{i}": {"nested": [i, str(i)]} for i in range(5000)}
    text = redacted_example("POST", "/products", (), body, True)
    assert len(text) <= 4096
    assert json.loads(text)["body"] == "<too-large>"
