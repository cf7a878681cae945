"""``hcl.quote``: every string becomes a literal that xacct's HCL reader and Terraform read back unchanged.

xacct's reader (:mod:`generator.hclread`) reads through python-hcl2's parser, so a literal whose
lexing python-hcl2 gets wrong (``$${`` with no ``}`` after it) fails here too.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.hclread import literal, parse_attributes, parse_blocks, unresolved
from generator.render.hcl import attributes, quote

from .terraform_reader import literal_values

TRICKY = [
    "",
    'say "hi"',
    '"',
    '""',
    "back\\slash",
    "\\",
    "ends with \\",
    '\\"',
    "\\n is not a newline",
    "\\u0041 is not A",
    "${var.secret}",
    "${",
    "}${",
    "${a}${b}",
    '${"}',
    "${~",
    "%{",
    "%{~",
    "%{ if true }yes%{ endif }",
    "$${already doubled}",
    "$$${x}",
    "$${",
    "%%{already doubled}",
    "%%{",
    "$\\u007b",
    "trailing $",
    "trailing %",
    "$",
    "%",
    "$$",
    "%%",
    "$}",
    "{}",
    "~}",
    "line1\nline2",
    "\n",
    "crlf\r\n",
    "\r",
    "tab\there",
    "\x00",
    "\x01\x02\x1b[31mred",
    "\x7f",
    "\x85 next line",
    "\x9f",
    "\u2028\u2029",
    "*/",
    "/* not a comment */",
    "# not a comment",
    "// nor this",
    "<<EOF\nnot a heredoc\nEOF",
    'x" = "injected',
    '"\n}\nresource "null_resource" "x" {\n',
    "é ü ß ñ ÿ",
    "日本語のテキスト",
    "😀",
    "\U0001f44d\U0001f3fd",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\ufeffBOM",
    "\ufffd",
    "\U0010ffff",
    "\ufdd0",
    "a\u0301",  # not NFC: Terraform normalises it
    "\u212b",  # ANGSTROM SIGN, not NFC either
]


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def load(text: str) -> dict[str, Any]:
    """The file's top-level attributes as xacct's reader reads them; each must be a literal."""
    values = parse_attributes(text)
    assert not unresolved(values), f"not literals: {unresolved(values)}"
    return values


def string_value(quoted: str) -> str:
    """The value of one quoted literal, read from an attribute and from a block's attribute."""
    value = load(f"x = {quoted}\n")["x"]
    (block,) = parse_blocks(f"locals {{\n  x = {quoted}\n}}\n")
    assert block.get("x") == value and not unresolved(block.get("x"))
    return value


@pytest.mark.parametrize("value", TRICKY, ids=[ascii(v)[1:-1][:40] or "empty" for v in TRICKY])
def test_python_hcl2_reads_back_the_value(value: str) -> None:
    quoted = quote(value)
    assert string_value(quoted) == value
    assert literal(quoted) == value  # the reader of one literal as written (python-hcl2's dict form)
    # the literal is one line and never holds a raw control character
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in quoted)


@pytest.mark.parametrize("value", TRICKY, ids=[ascii(v)[1:-1][:40] or "empty" for v in TRICKY])
def test_python_hcl2_reads_back_keys_and_aligned_attributes(value: str) -> None:
    text = attributes([("first", value), ("tags", {value or "k": value, "other": "x"}), ("z", 1)], 0)
    assert load(text + "\n") == {"first": value, "tags": {value or "k": value, "other": "x"}, "z": 1}


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_python_hcl2_reads_back_any_text(value: str) -> None:
    assert string_value(quote(value)) == value
    assert literal(quote(value)) == value


@pytest.mark.terraform
def test_terraform_reads_back_every_value(tmp_path: Path, tf_cli_config: Path) -> None:
    """The fixed tricky values plus 300 hypothesis strings, in one Terraform root (one plan)."""
    drawn: list[str] = []

    @settings(max_examples=300, database=None, suppress_health_check=list(HealthCheck))
    @given(st.text(min_size=1, max_size=40))
    def collect(value: str) -> None:
        drawn.append(value)

    collect()
    values = TRICKY + drawn
    read = literal_values(tmp_path / "root", values, tf_cli_config)
    wrong = [(v, r) for v, r in zip(values, read, strict=True) if r != dict.fromkeys(r, nfc(v))]
    assert not wrong, f"{len(wrong)} of {len(values)} values read back differently, e.g. {wrong[:5]}"
    # Terraform stores strings in Unicode NFC: the two non-NFC values come back composed.
    assert read[TRICKY.index("\u212b")]["output"] == "\u00c5"
    print(
        f"terraform read back {len(values)} values ({len(drawn)} from hypothesis) as outputs, locals and keys"
    )
