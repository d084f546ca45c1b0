"""Parameter names of a call: body key paths and query keys, never values."""

from fnmatch import fnmatchcase

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from miready.contracts import params, privacy
from miready.contracts.params import (
    MAX_DEPTH,
    MAX_PARAMS,
    ParamMatcher,
    body_key_paths,
    matching,
    query_params,
)
from miready.contracts.privacy import (
    KEY_PLACEHOLDER,
    MAX_KEPT_KEYS,
    forget_param_keys,
    looks_like_value,
    remembered_param_keys,
)


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


def _key_paths_by_judging(body: object) -> frozenset[str]:
    """The reference: every key judged afresh, as before the memo."""
    out: set[str] = set()

    def walk(node: object, prefix: str, depth: int) -> None:
        if depth > MAX_DEPTH or len(out) >= MAX_PARAMS:
            return
        if isinstance(node, dict):
            for key, value in node.items():
                text = key if isinstance(key, str) else str(key)
                name = KEY_PLACEHOLDER if looks_like_value(text) else text
                if len(out) >= MAX_PARAMS:
                    return
                out.add(path := f"{prefix}.{name}" if prefix else name)
                walk(value, path, depth + 1)
        elif isinstance(node, list):
            out.add(path := f"{prefix}[]")
            for item in node:
                walk(item, path, depth + 1)

    walk(body, "", 0)
    return frozenset(out)


_JSON_KEY = st.one_of(st.sampled_from(["stock", "variants", "a@b.c", "4711", "id"]), st.text())
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_KEY, inner, max_size=5),
    max_leaves=40,
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(body=_JSON)
def test__body_key_paths__first_seen_and_remembered__should_agree_with_judging_each_key(body):
    forget_param_keys()
    assert body_key_paths(body) == _key_paths_by_judging(body)
    assert body_key_paths(body) == _key_paths_by_judging(body)  # now from the memo


@pytest.mark.parametrize(
    "body",
    [
        {f"field_{i}": 1 for i in range(20_000)},  # distinct names: the walk stops at the cap
        {f"user{i}@example.org": 1 for i in range(20_000)},  # values as keys: one <key>
        [{f"f{i}_{j}": 1 for j in range(3)} for i in range(5_000)],
    ],
    ids=["20k field names", "20k e-mail keys", "5k objects of new names"],
)
def test__body_key_paths__of_an_attackers_wide_body__should_judge_each_key_at_most_once(
    body, monkeypatch
):
    forget_param_keys()
    judged: list[str] = []

    def counting(text: str) -> bool:
        judged.append(text)
        return looks_like_value(text)

    monkeypatch.setattr(privacy, "looks_like_value", counting)
    keys = len(body) if isinstance(body, dict) else sum(len(item) for item in body)
    paths = body_key_paths(body)
    assert len(paths) <= MAX_PARAMS
    assert len(judged) <= keys
    assert remembered_param_keys() <= MAX_KEPT_KEYS


@pytest.mark.parametrize(
    "depth", [MAX_DEPTH, 5_000, 100_000], ids=["at the bound", "5k deep", "100k deep"]
)
@pytest.mark.parametrize("shape", ["objects", "arrays"])
def test__body_key_paths__of_an_attackers_deep_body__should_visit_at_most_the_depth_bound(
    depth, shape, monkeypatch
):
    body: object = 1
    for _ in range(depth):
        body = {"a": body} if shape == "objects" else [body]
    visits: list[int] = []
    walk = params._walk

    def counting(node, prefix, out, level):
        visits.append(level)
        return walk(node, prefix, out, level)

    monkeypatch.setattr(params, "_walk", counting)
    paths = body_key_paths(body)
    assert len(visits) <= MAX_DEPTH + 2
    assert len(paths) <= MAX_DEPTH + 1
    assert max(len(p) for p in paths) <= (MAX_DEPTH + 1) * len("a.")


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
