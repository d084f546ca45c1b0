"""Parameter names of a call: body key paths and query keys, never values."""

import pytest
from miready.contracts.params import body_key_paths, matching, query_params


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, set()),
        ({"stock": 3}, {"stock"}),
        (
            {"variants": [{"stock": 1}, {"price": "2"}]},
            {"variants", "variants[]", "variants[].stock", "variants[].price"},
        ),
        ([{"id": 1, "stock": 2}], {"[]", "[].id", "[].stock"}),
        (
            {"shipping_pickup_details": {"name": "x"}},
            {"shipping_pickup_details", "shipping_pickup_details.name"},
        ),
        ("just a string", set()),
        (None, set()),
    ],
)
def test__body_key_paths__of_a_json_body__should_name_every_key_and_no_value(body, expected):
    assert body_key_paths(body) == expected


def test__body_key_paths__of_a_very_deep_body__should_stop_without_recursion_error():
    body: dict = {}
    node = body
    for _ in range(5000):
        node["a"] = {}
        node = node["a"]
    assert "a" in body_key_paths(body)


def test__matching__with_globs_and_query_keys__should_return_the_matching_names():
    names = {"variants[].stock", "query:stock", "name"}
    assert matching(["variants[].stock"], names) == ("variants[].stock",)
    assert matching(["stock"], names) == ("query:stock",)
    assert matching(["shipping_*"], {"shipping_option", "shipping"}) == ("shipping_option",)
    assert query_params(["page"]) == {"query:page"}
