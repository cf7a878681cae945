"""CAA-005: external IDs show at least 128 bits of randomness (a UUID4 passes)."""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.lint.randomness import REQUIRED_BITS, assess

from ..expectations import check_rule_fixtures, lint_file

HERE = Path(__file__).parent / "caa005_external_id_random"


def test_fixtures() -> None:
    check_rule_fixtures("CAA-005", HERE)


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


@pytest.mark.parametrize(
    "make",
    [
        lambda: str(uuid.uuid4()),
        lambda: secrets.token_hex(16),
        lambda: secrets.token_hex(32).upper(),
        lambda: secrets.token_urlsafe(16),
        lambda: secrets.token_urlsafe(32),
        lambda: base64.b32encode(secrets.token_bytes(20)).decode(),
        lambda: base64.b64encode(secrets.token_bytes(18)).decode(),
    ],
    ids=["uuid4", "hex32", "HEX64", "urlsafe16", "urlsafe32", "base32-160", "base64-144"],
)
def test_machine_random_values_pass(make: Callable[[], str]) -> None:
    failures = [v for v in (make() for _ in range(2000)) if not assess(v).ok]
    assert failures == []


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
