"""ROOT-DRIFT: a root's module arguments and provider pin are what the registry says."""

from __future__ import annotations

from pathlib import Path

from generator.lint import lint_generated
from generator.registry import load_registry

HERE = Path(__file__).parent / "root_drift"


def test_a_prefix_without_its_slash_reaches_the_sibling_tenant() -> None:
    findings = lint_generated(HERE / "bad", load_registry(HERE / "registry.yaml"))
    (prefix,) = [
        f for f in findings if f.path == "module.role.policy_statements[0].resources" and f.tenant == "acme"
    ]
    assert prefix.message == (
        'policy_statements[0].resources: the registry says ["arn:aws:s3:::teamform-tenant-exchange/acme/*"], '
        'the root has ["arn:aws:s3:::teamform-tenant-exchange/acme*"]; the root\'s statement now allows '
        "s3:GetObject on arn:aws:s3:::teamform-tenant-exchange/acmecorp/x (which the registry grants to "
        "acmecorp/customer_to_partner), and the registry's policy does not"
    )


def test_without_the_registry_nothing_is_compared() -> None:
    assert [f for f in lint_generated(HERE / "bad") if f.rule_id == "ROOT-DRIFT"] == []
