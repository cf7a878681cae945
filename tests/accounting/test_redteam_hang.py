"""Red team: a policy whose wildcards make a regex backtrack must not hang plan-guard.

``arn:aws:route53:::hostedzone/****…X`` (40 stars) in the role's inline policy made each case's
resource match try every way to split the value among the stars: plan-guard ran for minutes on one
role. Globs with more stars than a regex matches quickly are matched in linear passes.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.iam.wildcards import QMARK, STAR, GlobSet, _linear, arn_match, glob_match
from tests.accounting.test_ledger import ACME, REPO, policy_change, role_change


@pytest.mark.parametrize("pattern", ["*" * 40 + "X", "*?" * 30 + "X", "*a" * 40 + "X"])
def test_many_stars_do_not_hang_plan_guard(
    pattern: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    document = ACME.permission_policy.to_iam()
    document["Statement"][0]["Resource"] = [f"arn:aws:route53:::hostedzone/{pattern}"]
    document["Statement"][0]["Condition"] = {"StringLike": {"aws:PrincipalTag/team": [pattern]}}
    plan = tmp_path / "plan.json"
    changes = [role_change(), policy_change(policy=json.dumps(document))]
    plan.write_text(json.dumps({"format_version": "1.2", "resource_changes": changes}))
    start = time.monotonic()
    code = main(["plan-guard", "--registry", str(REPO / "tenants.yaml"), "--tenant", "acme", str(plan)])
    assert time.monotonic() - start < 20
    assert code == 1, capsys.readouterr().out


def _regex(encoded: str, value: str) -> bool:
    source = "".join(".*" if c == STAR else "." if c == QMARK else re.escape(c) for c in encoded)
    return re.fullmatch(source, value, re.DOTALL) is not None


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab*?:", max_size=12), st.text(alphabet="ab:", max_size=10))
def test_linear_matching_agrees_with_the_regex(pattern: str, value: str) -> None:
    encoded = pattern.replace("*", STAR).replace("?", QMARK)
    assert _linear(encoded, value) == _regex(encoded, value)
    assert glob_match(encoded, value) == _regex(encoded, value)
    assert GlobSet([encoded]).match(value) == _regex(encoded, value)
    assert arn_match(f"arn:aws:s3:::{encoded}", f"arn:aws:s3:::{value}") == _regex(encoded, value)
