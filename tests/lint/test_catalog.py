"""The rule catalog is found in its folder: one rule per module, its id the module's name (#15)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.lint.rule import rule_id
from generator.lint.rule_catalog import CatalogError, discover

RULE = """
from generator.lint.rule import Rule


class {name}(Rule):
    description = "d"
    control = "IAM-006"
"""


@pytest.fixture
def package(tmp_path: Path) -> Iterator[Path]:
    """An importable, empty package ``fake_rules_<test>`` to put rule modules in."""
    name = f"fake_rules_{abs(hash(tmp_path))}"
    folder = tmp_path / name
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    sys.path.insert(0, str(tmp_path))
    yield folder
    sys.path.remove(str(tmp_path))
    for module in [m for m in sys.modules if m.startswith(name)]:
        del sys.modules[module]


def test_ids_come_from_module_names_and_the_catalog_is_sorted_by_id(package: Path) -> None:
    (package / "zeta_1.py").write_text(RULE.format(name="Zeta"))
    (package / "alpha_rule.py").write_text(
        RULE.format(name="Alpha") + "\nfrom generator.lint.rule import Rule as R\n"
    )
    (package / "iam_006_x.py").write_text(f"from {package.name}.zeta_1 import Zeta\n" + RULE.format(name="X"))
    rules = discover(package.name, [str(package)])
    assert [(r.id, type(r).__name__) for r in rules] == [
        ("ALPHA-RULE", "Alpha"),
        ("IAM-006-X", "X"),
        ("ZETA-1", "Zeta"),
    ]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("X = 1\n", "defines 0 (none)"),
        (RULE.format(name="One") + RULE.format(name="Two").split("\n", 2)[2], "defines 2 (One, Two)"),
    ],
    ids=["no rule", "two rules"],
)
def test_a_module_without_exactly_one_rule_stops_the_import(package: Path, body: str, says: str) -> None:
    (package / "good_one.py").write_text(RULE.format(name="Good"))
    (package / "odd.py").write_text(body)
    with pytest.raises(CatalogError) as caught:
        discover(package.name, [str(package)])
    message = str(caught.value)
    assert message.startswith(f"{package.name}.odd: a rule module defines exactly one Rule subclass")
    assert says in message and "\n" not in message


def test_a_rule_that_writes_its_id_is_refused(package: Path) -> None:
    (package / "caa_009.py").write_text(RULE.format(name="Written") + '    id = "CAA-009"\n')
    with pytest.raises(TypeError, match="sets id: a rule's id is its module's name"):
        discover(package.name, [str(package)])


@pytest.mark.parametrize(
    ("module", "rid"),
    [
        ("generator.lint.rules.caa_002", "CAA-002"),
        ("generator.lint.rules.iam_006_escalation", "IAM-006-ESCALATION"),
        ("generator.lint.rules.trust_own_account", "TRUST-OWN-ACCOUNT"),
    ],
)
def test_rule_id(module: str, rid: str) -> None:
    assert rule_id(module) == rid
