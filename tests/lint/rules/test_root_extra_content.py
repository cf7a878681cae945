"""ROOT-EXTRA-CONTENT: a generated root holds nothing Terraform acts on but the role's module call."""

from __future__ import annotations

from pathlib import Path

from generator.lint import lint_generated
from generator.registry import load_registry

from ..expectations import tree_markers

HERE = Path(__file__).parent / "root_extra_content"


def test_grants_name_what_they_grant_and_to_whom() -> None:
    findings = lint_generated(HERE / "bad", load_registry(HERE / "registry.yaml"))
    messages = {f.path: f.message for f in findings if f.rule_id == "ROOT-EXTRA-CONTENT"}
    assert messages["aws_iam_role_policy_attachment.admin"] == (
        "aws_iam_role_policy_attachment.admin attaches arn:aws:iam::aws:policy/AdministratorAccess to the "
        "role TeamFormAccess: the registry grants nothing but its permissions; remove it"
    )
    assert (
        "sets the policies attached to the role TeamFormAccess"
        in messages["aws_iam_role_policy_attachments_exclusive.pin"]
    )
    assert "creates an access key" in messages["aws_iam_access_key.backdoor"]


def test_without_the_registry_the_content_is_still_judged() -> None:
    findings = lint_generated(HERE / "bad")
    got = {(f.file, f.rule_id, f.line) for f in findings if f.rule_id == "ROOT-EXTRA-CONTENT"}
    assert got == {m for m in tree_markers(HERE / "bad") if m[1] == "ROOT-EXTRA-CONTENT"}


def test_check_blocks_and_actions_are_named_for_what_they_run() -> None:
    """Red team: a ``check`` block (its nested data sources run at every plan: ``data "external"`` runs a
    program) and an ``action`` block (terraform >= 1.14: a provider operation at apply) passed the lint."""
    findings = lint_generated(HERE / "bad", load_registry(HERE / "registry.yaml"))
    messages = {f.path: f.message for f in findings if f.rule_id == "ROOT-EXTRA-CONTENT"}
    assert messages["check.reachable"].startswith(
        "check.reachable reads its data sources at every plan (a data source can run programs or fetch URLs)"
    )
    assert messages["action.aws_lambda_invoke.boom"].startswith(
        "action.aws_lambda_invoke.boom runs a provider operation at apply"
    )
