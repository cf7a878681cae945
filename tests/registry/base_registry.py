"""The registry the validation tests edit (line numbers in the tests refer to it) and the assertions on
the problems an edited copy has."""

from __future__ import annotations

import pytest

from generator.registry import RegistryError, load_registry_text

from .cli_output import has_hint

# Line numbers below refer to this text (line 1 is "version: 1").
BASE = """\
version: 1
partner:
  name: teamform
  account_id: "111111111111"
  region: us-east-1
  principal_arn: arn:aws:iam::111111111111:role/teamform-integration
tenants:
  - name: acme
    account_id: "222222222222"
    external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"
    partner_to_customer:
      role_name: TeamFormAccess
      max_session_duration: 3600
      permissions:
        - route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT]}
    customer_to_partner:
      permissions:
        - s3_objects: {bucket: teamform-exchange, prefix: acme/, access: read-write}
  - name: globex
    account_id: "333333333333"
    external_id: "b7e0d2c9-6a41-4d8e-8f3b-2c5a9e1d4f60"
    customer_to_partner:
      trusted_principal_arns: [arn:aws:iam::333333333333:role/data-sync]
      permissions:
        - s3_objects: {bucket: teamform-exchange, prefix: globex/, access: read}
"""


def edit(*pairs: str, text: str = BASE) -> str:
    """``text`` with each (old, new) pair replaced; every ``old`` must occur exactly once."""
    for old, new in zip(pairs[::2], pairs[1::2], strict=True):
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def problems(text: str) -> list[str]:
    """Every problem of ``text`` as ``LINE: path: message`` (file name stripped)."""
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text, "r.yaml")
    lines = [str(p) for p in caught.value.problems]
    assert all(line.startswith("r.yaml:") for line in lines)
    return [line.removeprefix("r.yaml:") for line in lines]


def only_problem(text: str, line: int, path: str, *gist: str) -> str:
    """Assert ``text`` has exactly one problem, at ``line`` and ``path``, mentioning each of ``gist``."""
    found = problems(text)
    assert len(found) == 1, found
    message = found[0].partition(": ")[2].partition(": ")[2]
    assert found[0].startswith(f"{line}: {path}: "), found
    for part in gist:
        assert part in message, f"{part!r} not in {message!r}"
    assert has_hint(message), f"no hint on what to do: {message!r}"
    return message
