"""How much randomness an external ID shows: the estimate behind CAA-005.

The format decides. A UUID counts only as version 4 (122 random bits; v1 is a timestamp and MAC
address, v3/v5 are hashes of a name). A hex string counts 4 bits a character. Anything else counts
``log2(alphabet)`` bits a character, the alphabet being the character classes the value uses: an
upper bound, reached only when a machine drew every character. A machine-drawn value that by chance
leaves out a class counts fewer bits: a 22-character ``secrets.token_urlsafe(16)`` without lower (or
upper) case letters fails about once in 50,000 draws (6 in 300,000 measured), so draw 32 bytes or use
a UUID4, as ``xacct`` does. Whatever the format, a value with a
long run of one character, an ascending or descending sequence, a repeated unit or few distinct
characters fails: those are the marks of a value a person typed. The run limits grow with the
length and shrink with the alphabet so that a truly random value trips them about once in a
million. A value that reads like words (most letters in pronounceable runs) passes with a warning
when dictionary words would give it fewer than 128 bits: without a word list that is a suspicion,
not a proof.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

REQUIRED_BITS = 128
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{12}", re.I)
HEX = re.compile(r"[0-9a-fA-F]+")
SEPARATORS = re.compile(r"[-_.:/@=+,]+")
TOKENS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
VOWELS = frozenset("aeiouy")
DICTIONARY_BITS = 17.0  # one pick among ~130,000 words
WORDY_SHARE = 0.5  # word-like tokens cover at least this share of the letters: a person wrote it
FALSE_ALARM = 1e-6  # a truly random value fails the run and sequence checks this rarely
SYMBOLS = "+=,.@:/-_"


@dataclass(frozen=True)
class Randomness:
    """The verdict on one value."""

    bits: float
    kind: str  # "uuid4", "uuid", "hex", "text"
    problem: str | None  # why it fails, or None
    warning: str | None = None  # why it looks chosen by a person, when it does not fail

    @property
    def ok(self) -> bool:
        return self.problem is None


def _alphabet(value: str) -> int:
    """Characters a generator of ``value`` drew from: its classes; both letter cases imply digits too."""
    if any(c.islower() for c in value) and any(c.isupper() for c in value):
        value += "0"
    size = 0
    size += 10 if any(c.isdigit() for c in value) else 0
    size += 26 if any(c.islower() for c in value) else 0
    size += 26 if any(c.isupper() for c in value) else 0
    size += len(SYMBOLS) if any(c in SYMBOLS for c in value) else 0
    return max(size, 2)


def _longest_run(value: str) -> tuple[int, str]:
    """The longest run of one character, and the character."""
    best, best_char, run = 0, "", 0
    for i, c in enumerate(value):
        run = run + 1 if i and c == value[i - 1] else 1
        if run > best:
            best, best_char = run, c
    return best, best_char


def _longest_sequence(value: str) -> tuple[int, str]:
    """The longest run of characters stepping by +1 or -1 (``abcde``, ``98765``), and the run."""
    best, best_at, run, step = 1, 0, 1, 0
    low = value.lower()
    for i in range(1, len(low)):
        delta = ord(low[i]) - ord(low[i - 1])
        if delta in (1, -1) and (run == 1 or delta == step):
            run, step = run + 1, delta
        elif delta in (1, -1):
            run, step = 2, delta
        else:
            run, step = 1, 0
        if run > best:
            best, best_at = run, i - run + 1
    return best, value[best_at : best_at + best]


def _period(value: str) -> str | None:
    """The repeated unit when ``value`` is a short unit written over and over (``abcabcabc``)."""
    n = len(value)
    for p in range(1, n // 2 + 1):
        if value[p:] == value[: n - p]:  # value[i] == value[i - p] for every i from p on
            return value[:p]
    return None


def _run_limit(length: int, alphabet: int) -> int:
    """The run length a random value of this length and alphabet reaches with probability FALSE_ALARM."""
    return max(4, 2 + math.ceil(math.log(max(length, 2) / FALSE_ALARM) / math.log(alphabet)))


def _wordlike(token: str) -> bool:
    """A token that reads like a word: 3-12 letters, lower-case or Capitalized, a natural share of vowels."""
    if not token.isalpha() or not 3 <= len(token) <= 12 or not token[1:].islower():
        return False
    vowels = sum(c in VOWELS for c in token.lower())
    return 0.25 <= vowels / len(token) <= 0.6


def _expected_distinct(length: int, alphabet: int) -> float:
    return alphabet * (1 - (1 - 1 / alphabet) ** length)


def _pattern_problem(core: str, alphabet: int) -> str | None:
    """Why ``core`` (the random-looking part of a value) looks made by a person, or None."""
    if not core:
        return "has no random part"
    limit = _run_limit(len(core), alphabet)
    run, char = _longest_run(core)
    if run >= limit:
        return f"repeats {char!r} {run} times in a row"
    seq, text = _longest_sequence(core)
    if seq >= limit:
        return f"contains the sequence {text!r}"
    unit = _period(core)
    if unit is not None and len(core) >= 2 * len(unit):
        return f"is {unit!r} repeated"
    distinct = len(set(core))
    if distinct < _expected_distinct(len(core), alphabet) / 2:
        return f"uses only {distinct} distinct characters"
    return None


def _words(value: str) -> list[str]:
    """Word-like tokens where a person would put words: whole segments between separators, or the
    CamelCase parts of a segment of letters (digits allowed only at its end)."""
    found: list[str] = []
    for segment in SEPARATORS.split(value):
        letters = segment.rstrip("0123456789")
        if letters.isalpha():
            found.extend(t for t in TOKENS.findall(letters) if _wordlike(t))
    return found


def _word_bits(value: str) -> tuple[float, list[str]] | None:
    """Bits if the word-like parts are dictionary words, and those words; None unless words dominate."""
    letters = sum(c.isalpha() for c in value)
    words = _words(value)
    long_words = [w for w in words if len(w) >= 5]
    if len(long_words) < 2 or sum(len(w) for w in words) < WORDY_SHARE * letters:
        return None
    bits = len(words) * DICTIONARY_BITS
    rest = letters - sum(len(w) for w in words)
    bits += rest * math.log2(52) + sum(c.isdigit() for c in value) * math.log2(10)
    return bits, long_words


def assess(value: str) -> Randomness:
    """The randomness verdict on an external ID."""
    m = UUID.fullmatch(value)
    if m:
        version, variant = m.group(1), m.group(2).lower()
        core = value.replace("-", "")
        if version != "4" or variant not in "89ab":
            what = {
                "1": "time-and-MAC based (v1)",
                "3": "a hash of a name (v3)",
                "5": "a hash of a name (v5)",
            }
            return Randomness(
                0.0,
                "uuid",
                f"is a UUID that is {what.get(version, f'not random (v{version})')}, not a random UUID4",
            )
        core = core[:12] + core[13:16] + core[17:]  # the random hex digits
        return Randomness(122.0, "uuid4", _pattern_problem(core.lower(), 16))
    if HEX.fullmatch(value) and len(value) >= 16:
        bits = 4.0 * len(value)
        problem = _pattern_problem(value.lower(), 16)
        if problem is None and bits < REQUIRED_BITS:
            problem = f"is {len(value)} hex digits ({bits:.0f} bits); use at least 32 (128 bits) or a UUID4"
        return Randomness(bits, "hex", problem)
    bits = len(value) * math.log2(_alphabet(value))
    problem = _pattern_problem(SEPARATORS.sub("", value), _alphabet(value))
    if problem is None and bits < REQUIRED_BITS:
        problem = (
            f"has about {bits:.0f} bits even if every character were random ({len(value)} characters); "
            f"at least {REQUIRED_BITS} are needed"
        )
    warning = None
    words = _word_bits(value) if problem is None else None
    if words is not None and words[0] < REQUIRED_BITS:
        warning = (
            f"reads like words ({', '.join(words[1][:4])}): about {words[0]:.0f} bits if a person chose "
            "them; use a UUID4"
        )
    return Randomness(bits, "text", problem, warning)
