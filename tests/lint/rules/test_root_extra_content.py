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
