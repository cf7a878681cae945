"""The harness's copies and shards of a root read module sources as HCL values and write them quoted.

A source is an HCL string literal: a modules folder whose path holds a quote, a backslash or ``${``
is written escaped (``\\"``, ``\\\\``, ``$${``). The harness once read the text between the quotes
as the path (and found no source at all when it held ``\\"``), and wrote paths back unescaped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.harness.roots import OFFLINE_PROVIDER, GeneratedRoot, copy_root, shard_root
from generator.hclread import find_block, parse_blocks
from generator.render.hcl import quote

ODD = 'mods "q" ${x} %{y} back\\slash'
TEMPLATED = (
    'resource "null_resource" "n" {\n  provisioner "file" {\n    source = "${path.module}/x"\n  }\n}\n'
)


@pytest.fixture
def root(tmp_path: Path) -> GeneratedRoot:
    module = tmp_path / ODD / "customer-role"
    module.mkdir(parents=True)
    (module / "main.tf").write_text('variable "role_name" {\n  type = string\n}\n')
    folder = tmp_path / "generated" / "acme" / "partner_to_customer"
    folder.mkdir(parents=True)
    source = os.path.relpath(module, folder)
    (folder / "main.tf").write_text(
        f'module "role" {{\n  source    = {quote(source)}\n  role_name = "r"\n}}\n'
    )
    (folder / "extra.tf").write_text(TEMPLATED)
    return GeneratedRoot("acme", "partner_to_customer", folder)


def _source(path: Path, *labels: str) -> Path:
    block = find_block(parse_blocks(path.read_text(encoding="utf-8")), "module", *labels)
    return (path.parent / block.get("source")).resolve()


def test_a_copy_points_at_the_same_module(root: GeneratedRoot, tmp_path: Path) -> None:
    module = (tmp_path / ODD / "customer-role").resolve()
    assert root.module_source().endswith(f"{ODD}/customer-role")
    copy = copy_root(root, tmp_path / "work", OFFLINE_PROVIDER)
    assert _source(copy / "main.tf", "role") == module
    assert _source(copy / "xacct_override.tf", "role") == module  # through work/modules, a link
    assert (copy / "extra.tf").read_text() == TEMPLATED  # a template is not a path: left as it is


@pytest.mark.parametrize("layout", ["for_each", "blocks"])
def test_a_shard_points_at_the_module(root: GeneratedRoot, tmp_path: Path, layout: str) -> None:
    shard = shard_root([root], tmp_path / "work", 0, OFFLINE_PROVIDER, layout=layout)
    blocks = [b for b in parse_blocks((shard / "main.tf").read_text()) if b.kind == "module"]
    assert [(shard / b.get("source")).resolve() for b in blocks] == [
        (tmp_path / ODD / "customer-role").resolve()
    ]
