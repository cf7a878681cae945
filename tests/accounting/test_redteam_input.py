"""Red team: plan JSON of wrong shapes where terraform writes lists and objects gets one line (exit 2) or
findings, never a traceback. Each of these once raised TypeError or AttributeError out of plan-guard
(found by replacing every value of real plans with values of other types)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from tests.accounting.test_ledger import REPO, policy_change, role_change

ACME = "222222222222"
CONFIG_ROLE = [
    "configuration",
    "root_module",
    "module_calls",
    "role",
    "module",
]


def _plan() -> dict[str, Any]:
    return {
        "format_version": "1.2",
        "resource_changes": [role_change(), policy_change()],
        "configuration": {
            "provider_config": {"aws": {"expressions": {"allowed_account_ids": {"constant_value": [ACME]}}}},
            "root_module": {"module_calls": {"role": {"module": {
                "resources": [{"address": "aws_iam_role.this", "provider_config_key": "aws",
                               "provisioners": [{"type": "local-exec"}]}]}}}},
        },
    }  # fmt: skip


def _set(data: dict[str, Any], path: list[Any], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["resource_changes", 0, "mode"], ["managed"]),
        (["configuration", "provider_config", "aws", "expressions"], 5),
        ([*CONFIG_ROLE, "resources"], 5),
        ([*CONFIG_ROLE, "resources", 0, "provisioners"], 5),
        (["resource_changes", 0, "change", "after", "inline_policy"], 5),
        (["resource_changes", 0, "change", "after", "managed_policy_arns"], "arn:aws:iam::aws:policy/x"),
    ],
    ids=lambda v: "/".join(map(str, v)) if isinstance(v, list) else repr(v),
)
def test_no_traceback(path: list[Any], value: Any, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = _plan()
    _set(data, path, value)
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(data))
    code = main(["plan-guard", "--registry", str(REPO / "tenants.yaml"), str(plan)])
    said = capsys.readouterr()
    assert code in (0, 1, 2), said
    assert "Traceback" not in said.out + said.err
