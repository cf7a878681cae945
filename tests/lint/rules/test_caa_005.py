"""CAA-005: external IDs show at least 128 bits of randomness (a UUID4 passes)."""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.lint.randomness import REQUIRED_BITS, assess

from ..expectations import lint_file

HERE = Path(__file__).parent / "caa_005"


def test_word_like_ids_are_a_warning_not_an_error() -> None:
    findings = [f for f in lint_file(HERE / "bad.yaml") if f.rule_id == "CAA-005"]
    severity = {f.line: f.severity for f in findings}
    assert severity[34] == "warning" and "reads like words" in next(
        f.message for f in findings if f.line == 34
    )
    assert sorted(line for line, s in severity.items() if s == "error") == [10, 16, 22, 28]


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "repeats 'a'"),
        ("0123456789abcdef0123456789abcdef", "sequence"),
        ("deadbeefdeadbeefdeadbeefdeadbeef", "repeated"),
        ("abababababababababababababababab", "repeated"),
        ("3bf0849a-ebc1-11f1-b87a-02fc00000001", "(v1)"),
        ("9073926b-929f-31c2-abc9-fad77ae3e8eb", "(v3)"),
        ("aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "repeats 'a'"),
        ("26be3614b454f81b", "64 bits"),
        ("ab", "bits even if every character were random"),
        ("ACME-EXTERNAL-ID-2024", "bits even if every character were random"),
        ("correct-horse-battery-staple-correct-horse-battery", "distinct characters"),
    ],
)
def test_guessable_values_fail(value: str, why: str) -> None:
    verdict = assess(value)
    assert not verdict.ok and why in (verdict.problem or "")


MAKERS: dict[str, Callable[[random.Random], str]] = {
    "uuid4": lambda r: str(uuid.UUID(bytes=r.randbytes(16), version=4)),
    "hex32": lambda r: r.randbytes(16).hex(),
    "HEX64": lambda r: r.randbytes(32).hex().upper(),
    "urlsafe16": lambda r: base64.urlsafe_b64encode(r.randbytes(16)).rstrip(b"=").decode(),
    "urlsafe32": lambda r: base64.urlsafe_b64encode(r.randbytes(32)).rstrip(b"=").decode(),
    "base32-160": lambda r: base64.b32encode(r.randbytes(20)).decode(),
    "base64-144": lambda r: base64.b64encode(r.randbytes(18)).decode(),
}


@pytest.mark.parametrize("kind", MAKERS)
def test_machine_random_values_pass(kind: str) -> None:
    """Seeded draws (the shapes ``uuid.uuid4``, ``secrets.token_hex`` and ``token_urlsafe`` give), so
    the test is repeatable: the alphabet is read from the classes a value uses, so a 22-character
    ``token_urlsafe(16)`` that happens to leave out a letter case (about 1 draw in 50,000) counts
    114 or 121 bits and fails, as it should for a value that could have been drawn from fewer symbols."""
    rng = random.Random(f"caa005-{kind}")
    failures = [v for v in (MAKERS[kind](rng) for _ in range(2000)) if not assess(v).ok]
    assert failures == []


def test_a_random_value_using_few_classes_counts_only_those() -> None:
    """The value seen in CI from ``secrets.token_urlsafe(16)``: 22 characters of upper case and digits."""
    verdict = assess("LFJQY4HB45TU3CSOSCBSPQ")
    assert not verdict.ok and "about 114 bits" in (verdict.problem or "")


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=16, max_size=32))
def test_any_uuid4_passes(raw: bytes) -> None:
    value = str(uuid.UUID(bytes=raw[:16], version=4))
    verdict = assess(value)
    if verdict.ok:
        assert verdict.bits == 122.0
    else:  # only the patterns a person would type fail: a run or sequence of 8+ hex digits
        assert "in a row" in (verdict.problem or "") or "sequence" in (verdict.problem or "")


def test_required_bits_is_128() -> None:
    assert REQUIRED_BITS == 128
