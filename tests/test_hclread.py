"""``generator.hclread``, the one HCL reader: literals as Terraform reads them, everything else Unresolved."""

from __future__ import annotations

import subprocess
import sys

import pytest

from generator.hclread import (
    NotLiteral,
    Template,
    Unresolved,
    find_block,
    literal,
    parse_attributes,
    parse_blocks,
    unresolved,
)


@pytest.mark.parametrize(
    ("source", "value"),
    [
        (r'"$${a\"b}"', '${a"b}'),  # an escape inside $${...}: python-hcl2 lexes "$${...}" as one token
        (r'"$${a\nb} %%{ if \\ }"', "${a\nb} %{ if \\ }"),
        (r'"$$$${x}"', "$$${x}"),
        (r'"\u00e9\U0001F642 $\u007b"', "é🙂 ${"),
        (r'"\q \ud800 \UFFFFFFFF"', r"\q \ud800 \UFFFFFFFF"),  # unusable escapes stay as written
    ],
)
def test_a_literal_reads_as_terraform_reads_it(source: str, value: str) -> None:
    assert literal(source) == value
    assert parse_attributes(f"x = {source}\n") == {"x": value}
    (block,) = parse_blocks(f'module "m" {{\n  x = {{ {source} = [{source}] }}\n}}\n')
    assert block.get("x") == {value: [value]} and not unresolved(block.get("x"))


def test_templates_and_references_are_unresolved() -> None:
    values = parse_attributes(
        'a = "${var.x}"\nb = "x %{ if true }y%{ endif }"\nc = var.y\nd = <<EOT\n${z}\nEOT\n'
        'e = upper("q")\nf = { "${k}" = 1 }\ng = "$${not} a template"\n'
    )
    assert [type(values[k]) for k in "abcde"] == [Template, Template, Unresolved, Template, Unresolved]
    assert values["c"] == "${var.y}" and values["g"] == "${not} a template"
    assert [type(u) for u in unresolved(values)] == [
        Template,
        Template,
        Unresolved,
        Template,
        Unresolved,
        Template,
    ]
    for text in ('"${var.x}"', "x", '"unterminated', '"a" + "b"', '"ends with \\"'):
        with pytest.raises(NotLiteral):
            literal(text)


def test_blocks_are_found_by_kind_and_labels() -> None:
    blocks = parse_blocks(
        'terraform {\n  cloud {\n    organization = "o"\n    workspaces {\n      name = "w"\n    }\n  }\n}\n'
        'module "role" {\n  source = "./m"\n  n      = 3\n}\n'
    )
    assert find_block(blocks, "module", "role").arguments == {"source": "./m", "n": 3}
    cloud = find_block(find_block(blocks, "terraform").blocks, "cloud")
    assert (cloud.line, find_block(cloud.blocks, "workspaces").get("name")) == (2, "w")
    with pytest.raises(KeyError, match='module "other"'):
        find_block(blocks, "module", "other")


def test_importing_the_reader_does_not_load_the_parser() -> None:
    """lint's registry front end imports Unresolved from here: it must not pay for python-hcl2."""
    code = "import sys, generator.lint.from_registry, generator.hclread; print('hcl2' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
