"""The fast path's screen (``fastyaml.risky``) flags exactly the texts the original one-regex screen did."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.registry import RegistryError
from generator.registry.fastyaml import risky
from generator.registry.source import parse_text

ORIGINAL = re.compile(  # the screen as first written: one regex trying every position
    r"\t"
    r"|[\x85\u2028\u2029]"
    r"|(?:^|[\s\[{,])[!&*][^\s,\]}]"
    r"|<<\s*:"
    r"|^(?:%|---|\.\.\.)"
    r"|(?:^|[\s\[{,])[-+]?(?:0[0-9_]+|0[box][0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+|[0-9]+_[0-9_]*"
    r"|\.inf|\.nan)\s*(?:$|[,\]}#])",
    re.M | re.I,
)

# the characters every branch turns on, so that random texts hit the edges often
pieces = st.sampled_from(
    [" ", "\n", "\t", "[", "]", "{", "}", ",", "#", ":", "!", "&", "*", "<<", "%", "---", "...", "-", "+",
     "0", "7", "9", "_", "b", "o", "x", "f", "1:30", ".inf", ".NaN", "a", "key: ", "- ", "'", '"']
)  # fmt: skip
texts = st.lists(pieces, max_size=24).map("".join)


@settings(max_examples=3000, deadline=None)
@given(text=texts)
def test_same_verdict_as_the_original_screen(text: str) -> None:
    assert risky(text) == bool(ORIGINAL.search(text))


@pytest.mark.parametrize(
    "text",
    [
        "a: !tag x", "&anchor x", "*alias", "- *a", "[*a]", "{a: *b}", "a: b*c", "arn:aws:s3:::b/*",
        "x: 0777", "x: 0o17", "x: 1:30", "x: 1_000", "x: .inf", "x: -.inf", "x: 12", "x: 0", "x: 0.5",
        "<<: *base", "%YAML 1.2", "---", "a: b\n...", "a:\tb", "a: 'it''s'",
    ],
)  # fmt: skip
def test_examples(text: str) -> None:
    assert risky(text) == bool(ORIGINAL.search(text))


def _read(text: str, fast: bool) -> object:
    try:
        return parse_text("r.yaml", text, fast=fast).data
    except RegistryError as exc:
        return [p.message for p in exc.problems]


# YAML 1.1 (PyYAML, the full path) reads a raw NEL, LS or PS as a line break, YAML 1.2 (yaml-rs) as
# text: "a<NEL>b" was "a\x85b" or "a b", and a flow list valid or not, as unrelated text chose the path.
@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029"], ids=["nel", "ls", "ps"])
@pytest.mark.parametrize("form", ['k: "a{}b"', "k: a{}b", "k: [x, a{}b]"], ids=["quoted", "plain", "flow"])
def test_line_breaks_of_yaml_1_1_take_the_full_path(char: str, form: str) -> None:
    text = "version: 1\n" + form.format(char) + "\n"
    assert risky(text)
    assert _read(text, fast=True) == _read(text, fast=False)
