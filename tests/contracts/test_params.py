"""Parameter names of a call: body key paths and query keys, never values."""

from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from miready.contracts.params import ParamMatcher, body_key_paths, matching, query_params


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


def _matching_by_fnmatch(patterns: list[str], names: set[str]) -> tuple[str, ...]:
    """The reference: every pattern against every name and its bare query key."""
    return tuple(
        sorted(
            n
            for n in names
            if any(fnmatchcase(n, p) or fnmatchcase(n.removeprefix("query:"), p) for p in patterns)
        )
    )


@pytest.mark.parametrize(
    ("patterns", "names"),
    [
        (["variants[].stock"], {"variants[].stock", "variants[]", "variants", "query:stock"}),
        (["[].stock", "stock"], {"[].stock", "[]", "query:stock", "query:[].stock"}),
        (["shipping_*"], {"shipping", "shipping_option", "query:shipping_x"}),
        (["[ab]", "c?"], {"a", "b", "[ab]", "cd", "c", "query:cx"}),
        (["query:page"], {"query:page", "query:query:page", "page"}),
        ([], {"stock"}),
    ],
)
def test__compiled_matcher__on_literal_and_glob_patterns__should_match_as_fnmatchcase(
    patterns: list[str], names: set[str]
) -> None:
    matcher = ParamMatcher(patterns)
    expected = _matching_by_fnmatch(patterns, names)
    assert matcher.hits(frozenset(names)) == expected
    assert matcher.any(frozenset(names)) is bool(expected)


_NAME = st.text(alphabet="ab.[]*?:_query", max_size=8)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(patterns=st.lists(_NAME, max_size=4), names=st.sets(_NAME, max_size=6))
def test__compiled_matcher__on_any_patterns__should_agree_with_fnmatchcase(
    patterns: list[str], names: set[str]
) -> None:
    names |= {f"query:{n}" for n in list(names)[:2]}
    matcher = ParamMatcher(patterns)
    assert matcher.hits(frozenset(names)) == _matching_by_fnmatch(patterns, names)
    assert matcher.any(frozenset(names)) is bool(_matching_by_fnmatch(patterns, names))
