"""``jsontext.indented`` writes exactly what ``json.dumps(indent=N, ensure_ascii=False)`` writes, and
``compact`` what ``json.dumps(separators=(",", ":"), ensure_ascii=False)`` writes. Finite floats keep
their value, in orjson's form (xacct's documents hold no floats; orjson writes infinities as null)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.jsontext import compact, indented

# st.text() draws lone surrogates and st.integers() numbers beyond 64 bits: both paths are exercised
scalars = st.none() | st.booleans() | st.integers() | st.text()


def trees(leaves: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.recursive(
        leaves,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=20,
    )


@settings(max_examples=500, deadline=None)
@given(value=trees(scalars), indent=st.sampled_from([1, 2, 4]))
def test_equals_the_standard_library(value: object, indent: int) -> None:
    assert indented(value, indent) == json.dumps(value, indent=indent, ensure_ascii=False)


@settings(max_examples=500, deadline=None)
@given(value=trees(scalars))
def test_compact_equals_the_standard_library(value: object) -> None:
    assert compact(value) == json.dumps(value, separators=(",", ":"), ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(value=trees(scalars | st.floats(allow_nan=False, allow_infinity=False)))
def test_floats_keep_their_value(value: object) -> None:
    assert json.loads(indented(value)) == json.loads(json.dumps(value))
    assert json.loads(compact(value)) == json.loads(json.dumps(value))


@pytest.mark.parametrize(
    "value",
    [{}, [], (), {"a": ()}, '\u2028\x7f\x00"\\é\n', {"k": [{"z": [1, {"y": None}]}]}, ("x", True)],
)
def test_edge_values(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(TypeError):
        indented({1: "a"})
