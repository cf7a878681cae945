"""Parsing of typed condition values: numbers, dates, IP addresses, binary and booleans.

Each parser returns None for a value it cannot read; request values that do not parse never match a
non-negated operator. Policy values that do not parse are a `PolicyError` (raised by the caller).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_EPOCH_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
# W3C profile of ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD, then optional Thh:mm[:ss[.s+]] and a zone.
_W3C_DATE = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?)?)?"
    r"(Z|z|[+-]\d{2}:?\d{2})?"
)


@lru_cache(maxsize=4096)
def parse_number(text: str) -> Decimal | None:
    """An integer or decimal number (exact, as a Decimal)."""
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


@lru_cache(maxsize=4096)
def parse_date(text: str) -> int | None:
    """A date/time as integer microseconds since the epoch.

    Accepts the W3C profile of ISO 8601 (a date without zone, or a time without zone, is UTC) and
    epoch seconds (digits, optionally with a fraction), as the IAM reference allows.
    """
    text = text.strip()
    if _EPOCH_NUMBER.fullmatch(text):
        return int(Decimal(text) * 1_000_000)
    found = _W3C_DATE.fullmatch(text)
    if found is None:
        return None
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    tz = UTC
    if zone and zone not in ("Z", "z"):
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    try:
        moment = datetime(
            int(year),
            int(month or 1),
            int(day or 1),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError:
        return None
    return (moment - _EPOCH) // _MICROSECOND


@lru_cache(maxsize=4096)
def parse_network(text: str) -> IPNetwork | None:
    """A CIDR block or single address (IPv4 or IPv6); a bare address is a /32 or /128."""
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


def network_contains(network: IPNetwork, request_value: IPNetwork) -> bool:
    """Whether the request address (or block) lies inside the policy block (same IP version)."""
    if network.version != request_value.version:
        return False
    return request_value.subnet_of(network)  # type: ignore[arg-type]


def parse_base64(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def parse_bool(text: str) -> bool | None:
    lowered = text.lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    return None
