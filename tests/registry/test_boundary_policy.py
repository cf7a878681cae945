"""``permissions_boundary_policy``: the boundary's document, validated as an IAM policy, never rendered."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.policy import build_roles
from generator.registry import RegistryError, load_registry_text

from .base_registry import edit

ARN = "arn:aws:iam::111111111111:policy/teamform-boundary"
WITH_ARN = f"      permissions_boundary: {ARN}\n"
DOCUMENT = """\
      permissions_boundary_policy:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: ["s3:*"], Resource: "*"}
"""
ANCHOR = "    customer_to_partner:\n      permissions:\n        - s3_objects: {bucket: teamform-exchange"


def with_boundary(*, arn: bool = True, document: str = DOCUMENT) -> str:
    new = ANCHOR.replace(
        "      permissions:\n", (WITH_ARN if arn else "") + document + "      permissions:\n", 1
    )
    return edit(ANCHOR, new)


def problems(text: str) -> list[str]:
    with pytest.raises(RegistryError) as caught:
        load_registry_text(text, "r.yaml")
    return [str(p) for p in caught.value.problems]


def test_a_boundary_document_reaches_the_role_spec() -> None:
    roles = build_roles(load_registry_text(with_boundary(), "r.yaml").model)
    acme = next(r for r in roles if r.key == "acme/customer_to_partner")
    assert acme.permissions_boundary == ARN
    assert acme.boundary_document == {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}],
    }
    assert all(r.boundary_document is None for r in roles if r is not acme)


def test_a_document_without_the_boundary_arn_is_a_problem_at_its_line() -> None:
    found = problems(with_boundary(arn=False))
    assert found == [
        "r.yaml:17: tenants[0].customer_to_partner.permissions_boundary_policy: is given without "
        "permissions_boundary: add the boundary policy's ARN (permissions_boundary), or remove the document"
    ]


@pytest.mark.parametrize(
    ("document", "gist"),
    [
        ('          - {Effect: Allow, Action: ["s3:*"]}\n', "needs a Resource or NotResource"),
        ('          - {Effect: Allow, Principal: "*", Action: "s3:*", Resource: "*"}\n', "Principal"),
        ('          - {Effect: Maybe, Action: "s3:*", Resource: "*"}\n', "Effect"),
    ],
)
def test_an_invalid_boundary_document_is_a_problem_at_its_line(document: str, gist: str) -> None:
    text = with_boundary(document=DOCUMENT.replace(DOCUMENT.splitlines()[-1] + "\n", document))
    [line] = problems(text)
    assert line.startswith("r.yaml:18: tenants[0].customer_to_partner.permissions_boundary_policy: ")
    assert "is not a valid IAM policy" in line and gist in line


def test_an_unquoted_version_is_explained() -> None:
    [line] = problems(with_boundary(document=DOCUMENT.replace('"2012-10-17"', "2012-10-17")))
    assert "quote it" in line and "permissions_boundary_policy" in line


def test_a_document_that_is_no_mapping_is_refused() -> None:
    [line] = problems(with_boundary(document="      permissions_boundary_policy: allow-all\n"))
    assert "permissions_boundary_policy: must be a mapping" in line


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith(".xacct-manifest")  # they name the registry file and
    }  # hold each tenant's render key (a cache key over its registry entry): all else must be the same


def test_the_boundary_document_changes_no_rendered_file(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).resolve().parents[2] / "modules", tmp_path / "modules")
    plain = edit(ANCHOR, ANCHOR.replace("      permissions:\n", WITH_ARN + "      permissions:\n", 1))
    trees = []
    for name, text in (("plain", plain), ("documented", with_boundary())):
        registry = tmp_path / f"{name}.yaml"  # beside modules/, as generate wants
        registry.write_text(text, encoding="utf-8")
        assert main(["generate", "--registry", str(registry), "--out", str(tmp_path / f"out-{name}")]) == 0
        trees.append(_tree(tmp_path / f"out-{name}"))
    assert trees[0].keys() == trees[1].keys() and trees[0]
    changed = [path for path in trees[0] if trees[0][path] != trees[1][path]]
    assert not changed, f"the boundary document changed rendered files: {changed}"
