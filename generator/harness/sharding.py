"""Stable shards by tenant for CI matrices: ``--xacct-shard K/N`` proves the roles of 1/N of the tenants.

A tenant's shard depends on its name alone (SHA-256), so every runner computes the same split without
talking to the others, a tenant's roles stay together, and adding a tenant moves no other tenant.
"""

from __future__ import annotations

import hashlib
import re

_SHARD = re.compile(r"([0-9]{1,6})/([0-9]{1,6})")


class ShardError(ValueError):
    """A ``--xacct-shard`` value that is not ``K/N`` with 1 <= K <= N."""


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/5"`` -> ``(2, 5)``; anything else raises :class:`ShardError` saying what to pass."""
    match = _SHARD.fullmatch(text.strip())
    if not match:
        raise ShardError(f"--xacct-shard {text!r}: give K/N, e.g. 2/5 (shard 2 of 5)")
    k, n = int(match[1]), int(match[2])
    if not 1 <= k <= n:
        raise ShardError(f"--xacct-shard {text}: K must be between 1 and N ({n})")
    return k, n


def shard_of(tenant: str, count: int) -> int:
    """The shard (1..count) that proves ``tenant``."""
    digest = hashlib.sha256(tenant.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1
