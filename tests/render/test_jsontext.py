"""``jsontext.indented`` writes exactly what ``json.dumps(indent=N, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.jsontext import indented

scalars = st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=values, indent=st.sampled_from([1, 2, 4]))
def test_equals_the_standard_library(value: object, indent: int) -> None:
    assert indented(value, indent) == json.dumps(value, indent=indent, ensure_ascii=False)


@pytest.mark.parametrize(
    "value",
    [{}, [], (), {"a": ()}, '\u2028\x7f\x00"\\é\n', {"k": [{"z": [1, {"y": None}]}]}, ("x", True)],
)
def test_edge_values(value: object) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(TypeError):
        indented({1: "a"})
