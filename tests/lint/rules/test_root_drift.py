"""ROOT-DRIFT: a root's module arguments and provider pin are what the registry says."""

from __future__ import annotations

import shutil
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


def test_a_provider_sending_the_calls_elsewhere_is_drift(tmp_path: Path) -> None:
    """Red team: only the provider's region and allowed_account_ids were compared, so a root whose provider
    sends STS and IAM calls to another endpoint (which then answers the account check itself), assumes a
    role or skips the account lookup passed the lint."""
    tree = tmp_path / "tree"
    shutil.copytree(HERE / "good", tree)
    main = tree / "acme" / "customer_to_partner" / "main.tf"
    pin = '  allowed_account_ids = ["111111111111"]\n'
    added = (
        '  skip_requesting_account_id = true\n  endpoints {\n    sts = "https://sts.example.net"\n'
        '    iam = "https://iam.example.net"\n  }\n'
    )
    main.write_text(main.read_text(encoding="utf-8").replace(pin, pin + added, 1), encoding="utf-8")
    findings = lint_generated(tree, load_registry(HERE / "registry.yaml"))
    drift = {f.path: f for f in findings if f.rule_id == "ROOT-DRIFT"}
    assert set(drift) == {"provider.aws.skip_requesting_account_id", "provider.aws.endpoints"}, drift
    assert drift["provider.aws.endpoints"].message.startswith(
        "provider endpoints is not one the registry sets: the generated provider holds only region and "
        "allowed_account_ids"
    )
    assert drift["provider.aws.endpoints"].tenant == "acme"


def test_the_generated_provider_is_not_drift() -> None:
    findings = lint_generated(HERE / "good", load_registry(HERE / "registry.yaml"))
    assert [f for f in findings if f.rule_id == "ROOT-DRIFT"] == []
