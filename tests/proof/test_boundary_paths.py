"""A known permission boundary in the plan accounting, the harness's permission test and the report."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from generator.accounting import account_plan
from generator.accounting.reader import plan_from_data
from generator.policy import RoleSpec, build_roles
from generator.registry import LoadedRegistry, load_registry_text

from .test_judge_boundary import ALLOW_ALL, BOUNDARY_ARN, NO_PUT, PUT, REGISTRY

DOCUMENTED = REGISTRY.replace(
    "      permissions:\n",
    "      permissions_boundary_policy: " + json.dumps(NO_PUT) + "\n      permissions:\n",
)
ALLOWING = DOCUMENTED.replace(json.dumps(NO_PUT), json.dumps(ALLOW_ALL))
MESSAGE = f"the permission boundary denies s3:PutObject on {PUT}, which the registry grants"


def loaded(text: str) -> LoadedRegistry:
    return load_registry_text(text, "r.yaml")


def spec_of(reg: LoadedRegistry) -> RoleSpec:
    [spec] = build_roles(reg.model)
    return spec


def plan(spec: RoleSpec) -> dict[str, Any]:
    role = {
        "name": spec.role_name,
        "path": spec.role_path,
        "description": spec.description,
        "max_session_duration": spec.max_session_duration,
        "permissions_boundary": spec.permissions_boundary,
        "tags": spec.tags,
        "assume_role_policy": json.dumps(spec.trust_policy.to_iam()),
    }
    policy = {
        "name": spec.policy_name,
        "role": spec.role_name,
        "policy": json.dumps(spec.permission_policy.to_iam()),
    }
    base = "module.role"
    pin = {"aws": {"expressions": {"allowed_account_ids": {"constant_value": [spec.account_id]}}}}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{base}.aws_iam_role.this", "module_address": base, "mode": "managed",
             "type": "aws_iam_role", "name": "this",
             "change": {"actions": ["create"], "before": None, "after": role}},
            {"address": f"{base}.aws_iam_role_policy.this[0]", "module_address": base, "mode": "managed",
             "type": "aws_iam_role_policy", "name": "this",
             "change": {"actions": ["create"], "before": None, "after": policy}},
        ],
        "configuration": {
            "provider_config": pin,
            "root_module": {"module_calls": {"role": {"module": {
                "resources": [{"address": "aws_iam_role.this", "provider_config_key": "aws"},
                              {"address": "aws_iam_role_policy.this", "provider_config_key": "aws"}]}}}},
        },
    }  # fmt: skip


def accounted(text: str) -> Any:
    reg = loaded(text)
    spec = spec_of(reg)
    data = plan(spec)
    return account_plan(
        plan_from_data(data, "p.json"), [spec], reg.model, where="p.json", expected=[spec.key]
    )


def test_the_accounting_fails_a_grant_the_known_boundary_blocks() -> None:
    result = accounted(DOCUMENTED)
    [finding] = [str(f) for f in result.findings]
    assert MESSAGE in finding and "s3:PutObject" in finding
    assert not any("not honoured" in n for n in result.notes)


def test_the_accounting_with_an_allowing_boundary_is_clean() -> None:
    assert accounted(ALLOWING).findings == []


def test_the_accounting_notes_a_boundary_it_cannot_honour() -> None:
    result = accounted(REGISTRY)
    assert result.findings == []
    assert any(BOUNDARY_ARN in n and "not honoured" in n for n in result.notes), result.notes


def _run_plan_permissions(text: str) -> None:
    from generator.harness.suite import test_plan_permissions

    reg = loaded(text)
    spec = spec_of(reg)
    planned = SimpleNamespace(
        permission_policies=[spec.permission_policy.to_iam()], role=SimpleNamespace(address="module.role")
    )
    test_plan_permissions(spec, reg, SimpleNamespace(roles={spec.key: planned}))


def test_the_harness_permission_test_judges_through_the_boundary() -> None:
    _run_plan_permissions(REGISTRY)
    _run_plan_permissions(ALLOWING)
    with pytest.raises(AssertionError, match=MESSAGE):
        _run_plan_permissions(DOCUMENTED)


def test_the_report_judges_through_the_boundary_and_notes_an_unknown_one() -> None:
    from generator.report.evidence import role_evidence

    for text, failed in ((DOCUMENTED, True), (ALLOWING, False), (REGISTRY, False)):
        reg = loaded(text)
        spec = spec_of(reg)
        evidence = role_evidence(reg.model.partner, reg.model.tenants[0], spec, None, full=False)
        bad = [r for r in evidence.failed if r.group == "permission"]
        assert bool(bad) is failed, (text, bad)
        if failed:
            [row] = bad
            assert row.action == "s3:PutObject" and MESSAGE in row.why
        assert any("not honoured" in n for n in evidence.notes) is (text == REGISTRY)


def test_the_report_command_shows_the_blocked_grant_and_the_note(tmp_path: Path) -> None:
    from generator.cli import main

    for name, text in (("documented", DOCUMENTED), ("arn-only", REGISTRY)):
        registry = tmp_path / f"{name}.yaml"
        registry.write_text(text, encoding="utf-8")
        out = tmp_path / f"out-{name}"
        code = main(["report", "--registry", str(registry), "--out", str(out)])
        data = json.loads((out / "report.json").read_text(encoding="utf-8"))
        [role] = data["tenants"][0]["roles"]
        markdown = (out / "report.md").read_text(encoding="utf-8")
        if name == "documented":
            assert code == 1 and role["notes"] == []
            [case] = [c for c in role["cases"] if not c["ok"]]
            assert MESSAGE in case["why"]
        else:
            assert code == 0 and role["failed"] == 0
            [note] = role["notes"]
            assert "not honoured" in note and "### Notes" in markdown and BOUNDARY_ARN in markdown
