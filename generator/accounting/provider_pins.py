"""Whether a provider configuration's account pin (``allowed_account_ids``) is enforced.

The AWS provider checks the pin against the account STS reports for its credentials. A configuration
that sends calls to other endpoints (an ``endpoints`` block: a stand-in STS answers the check itself,
a stand-in IAM receives the changes), skips the account lookup (``skip_requesting_account_id``) or
accepts any TLS certificate (``insecure``, ``custom_ca_bundle``: a proxy can answer for STS) is not held
to its pin, so the pin proves nothing about which account the plan changes. Endpoints that are constant
loopback URLs (LocalStack on the machine that runs terraform, as the harness's live layer and
``xacct terraform-config --localstack`` set them) reach no AWS account and are accepted.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

# argument -> what it does to the pin, in a finding's words
OVERRIDES = {
    "endpoints": "sends its calls to other endpoints (endpoints)",
    "skip_requesting_account_id": "skips the account lookup that checks the pin (skip_requesting_account_id)",
    "insecure": "accepts any TLS certificate (insecure)",
    "custom_ca_bundle": "trusts certificates of its own choosing (custom_ca_bundle)",
}
_OFF = (None, False, "", [], {})


def pin_overrides(provider: Mapping[str, Any]) -> list[str]:
    """What in ``provider`` (a plan's ``provider_config`` entry) keeps its pin from being enforced."""
    expressions = provider.get("expressions")
    if not isinstance(expressions, Mapping):
        return []
    found = []
    for argument, why in OVERRIDES.items():
        if argument not in expressions:
            continue
        value = expressions[argument]
        constant = value.get("constant_value", ...) if isinstance(value, Mapping) else ...
        if constant is not ... and constant in _OFF:
            continue  # set to its default, e.g. skip_requesting_account_id = false
        if argument == "endpoints" and _loopback_only(value):
            continue
        found.append(why)
    return found


def _loopback_only(blocks: object) -> bool:
    """Whether every URL of an ``endpoints`` block is a constant http(s) URL of this machine."""
    if not isinstance(blocks, list) or not blocks:
        return False
    urls = [
        value.get("constant_value") if isinstance(value, Mapping) else None
        for block in blocks
        for value in (block.values() if isinstance(block, Mapping) else [None])
    ]
    return bool(urls) and all(isinstance(url, str) and _is_loopback(url) for url in urls)


def _is_loopback(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        return parts.scheme in ("http", "https") and (
            host == "localhost" or ipaddress.ip_address(host).is_loopback
        )
    except ValueError:
        return False


def pin_findings(unenforced: Mapping[str, tuple[str, list[str]]]) -> Iterator[tuple[str, str]]:
    """One ``(address, text)`` finding per provider (key -> its pinned account and overrides)."""
    for key, (account, overrides) in sorted(unenforced.items()):
        yield (
            f"provider[{key}]",
            f"provider {key} pins account {account} (allowed_account_ids) but {'; '.join(overrides)}: "
            "terraform does not hold it to that account, so the plan does not prove where it applies; "
            "remove the override",
        )
