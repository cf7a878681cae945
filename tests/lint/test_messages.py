"""No lint message names xacct's internals: probe names, Python class names, reprs (#17).

The messages of every rule's bad fixture, of the violation fixtures (registry, generated tree, plan)
and of a trust only the evaluator's stranger probe can judge are searched for what a user could not
know: the probes' made-up role and external ID, the names of the lint's classes, Python reprs.
"""

from __future__ import annotations

import argparse
import inspect
import re
from pathlib import Path

import pytest

from generator.lint import Finding, all_rules
from generator.lint import probes as probe_module
from generator.lint.command import collect
from generator.lint.findings import Location
from generator.lint.rules.caa_002 import ExternalIdCondition
from generator.lint.subjects import RoleSubject

from .fixture_kinds import RULES, lint_fixture

FIXTURES = Path(__file__).parent / "fixtures"


def _class_names() -> set[str]:
    """The classes defined in the lint's modules (rules included)."""
    import pkgutil

    import generator.lint as lint
    import generator.lint.rules as rules

    names: set[str] = set()
    for package in (lint, rules):
        for info in pkgutil.iter_modules(package.__path__, f"{package.__name__}."):
            module = __import__(info.name, fromlist=["_"])
            names |= {n for n, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == info.name}
    return names


CLASS_NAMES = _class_names()
INTERNAL = re.compile(
    "|".join(
        [
            re.escape(probe_module.PROBE_ROLE),
            re.escape(probe_module.WRONG_EXTERNAL_ID),
            r"xacct-lint-",  # any probe name (xacct-lint-stranger, ...)
            r":role/probe\b",
            r"\bobject at 0x",
            r"<[\w.]+ object",
            r"\b(?:PosixPath|Path|Unresolved|Decimal)\(",
            r"\bNone\b",
            *(rf"\b{re.escape(name)}\b" for name in sorted(CLASS_NAMES)),
        ]
    )
)


def stranger_only_trust() -> RoleSubject:
    """A trust of two statements that name only "*", one pinned, one without a condition, on a role
    whose need for an external ID is unknown (as for a raw aws_iam_role): only a principal the probe
    makes up (a stranger) shows the bypass."""
    pinned = {
        "Effect": "Allow",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"sts:ExternalId": "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"}},
    }
    anyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    return RoleSubject(
        origin="test",
        locate=lambda anchor, index, element: Location("main.tf", 1, "aws_iam_role.x"),
        scenario="partner_to_customer",
        account_id="402918374650",
        requires_external_id=None,
        trust={"Version": "2012-10-17", "Statement": [pinned, anyone]},
    )


def every_message() -> list[Finding]:
    found: list[Finding] = []
    for folder in sorted(p for p in RULES.iterdir() if p.is_dir() and not p.name.startswith("__")):
        found += lint_fixture(folder, "bad")
    args = argparse.Namespace(
        registry=str(FIXTURES / "violations.yaml"),
        generated=[str(FIXTURES / "violations")],
        plan_json=[str(FIXTURES / "violations.plan.json")],
    )
    found += collect(args)
    found += ExternalIdCondition().check_role(stranger_only_trust())
    return found


def test_the_class_names_are_found() -> None:
    assert {"RoleSubject", "ReadStatement", "ExternalIdCondition", "Finding"} <= CLASS_NAMES
    assert len(CLASS_NAMES) >= len(all_rules()) + 10


def test_the_stranger_probe_is_reported_by_its_account_only() -> None:
    (finding,) = ExternalIdCondition().check_role(stranger_only_trust())
    assert "a role of account 999999999999, which no statement names, may call sts:AssumeRole" in (
        finding.message
    )


@pytest.mark.parametrize(
    "finding", every_message(), ids=lambda f: f"{f.rule_id}:{Path(f.file).name}:{f.line}"
)
def test_no_message_names_an_internal(finding: Finding) -> None:
    leaked = INTERNAL.search(finding.message)
    assert leaked is None, f"{finding.rule_id} names {leaked.group()!r}: {finding.message}"
