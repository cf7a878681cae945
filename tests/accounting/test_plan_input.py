"""Every malformed plan gets one line naming the file and what is wrong, exit 2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.accounting import PlanInputError, read_plan
from generator.cli import main as xacct

REPO = Path(__file__).resolve().parents[2]
ROLE = {
    "address": "module.role.aws_iam_role.this",
    "module_address": "module.role",
    "mode": "managed",
    "type": "aws_iam_role",
    "name": "this",
    "change": {"actions": ["create"], "before": None, "after": {"name": "TeamFormAccess"}},
}


def _plan(**changes: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {"format_version": "1.2", "planned_values": {}, "resource_changes": [ROLE]}
    plan.update(changes)
    return plan


def _j(**changes: Any) -> bytes:
    return json.dumps(_plan(**changes)).encode()


def _with_role(**after: Any) -> dict[str, Any]:
    role = json.loads(json.dumps(ROLE))
    role["change"]["after"].update(after)
    return _plan(resource_changes=[role])


CASES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "is empty"),
    "blank": (b"  \n", "is empty"),
    "truncated": (json.dumps(_plan()).encode()[:40], "not valid JSON"),
    "object without format_version": (b"{}", "no format_version"),
    "list": (b"[]", "the JSON is a list, not a plan object"),
    "null": (b"null", "the JSON is null, not a plan object"),
    "number": (b"42", "the JSON is int, not a plan object"),
    "string": (b'"plan"', "the JSON is a string, not a plan object"),
    "binary": (bytes(range(256)) * 4, "not valid JSON"),
    "utf-16": (json.dumps(_plan()).encode("utf-16"), "not valid JSON"),
    "format 2": (json.dumps(_plan(format_version="2.0")).encode(), "format_version '2.0' is not 1.x"),
    "format number": (json.dumps(_plan(format_version=1.2)).encode(), "no format_version"),
    "a state, not a plan": (json.dumps({"format_version": "1.0", "values": {}}).encode(), "state JSON"),
    "resource_changes a string": (
        _j(resource_changes="x"),
        "resource_changes is a string",
    ),
    "resource_changes an object": (
        _j(resource_changes={}),
        "resource_changes is an object",
    ),
    "entry a list": (json.dumps(_plan(resource_changes=[[]])).encode(), "resource_changes[0] is a list"),
    "entry without address": (
        json.dumps(
            _plan(resource_changes=[{"type": "x", "name": "y", "change": {"actions": ["create"]}}])
        ).encode(),
        "resource_changes[0].address is missing",
    ),
    "unknown action": (
        json.dumps(_plan(resource_changes=[{**ROLE, "change": {"actions": ["explode"]}}])).encode(),
        "change.actions ['explode']",
    ),
    "actions a string": (
        json.dumps(_plan(resource_changes=[{**ROLE, "change": {"actions": "create"}}])).encode(),
        "change.actions 'create'",
    ),
    "after a list": (
        json.dumps(
            _plan(resource_changes=[{**ROLE, "change": {"actions": ["create"], "after": []}}])
        ).encode(),
        "change.after is a list",
    ),
    "mode odd": (json.dumps(_plan(resource_changes=[{**ROLE, "mode": "other"}])).encode(), "mode 'other'"),
    "drift a string": (json.dumps(_plan(resource_drift="x")).encode(), "resource_drift is a string"),
    "errored": (json.dumps(_plan(errored=True)).encode(), "this plan errored"),
    "nested 100,000 deep": (b"[" * 100_000 + b"]" * 100_000, "nested deeper than 1,024 levels"),
    "trust not JSON": (
        json.dumps(_with_role(assume_role_policy="{not json")).encode(),
        "module.role.aws_iam_role.this: assume_role_policy: not valid JSON",
    ),
    "trust a list": (
        json.dumps(_with_role(assume_role_policy="[]")).encode(),
        "assume_role_policy is JSON but not a policy document object",
    ),
    "trust nested 100,000 deep": (
        json.dumps(_with_role(assume_role_policy="[" * 100_000 + "]" * 100_000)).encode(),
        "assume_role_policy: not valid JSON (nested deeper than 1,024 levels)",
    ),
    "trust a number": (json.dumps(_with_role(assume_role_policy=7)).encode(), "assume_role_policy is int"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_plan_guard_refuses_malformed_input(name: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data, message = CASES[name]
    path = tmp_path / "plan.json"
    path.write_bytes(data)
    assert xacct(["plan-guard", "--registry", str(REPO / "tenants.yaml"), str(path)]) == 2
    said = capsys.readouterr()
    lines = said.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"plan-guard: {path}"), said
    assert message in lines[0], lines[0]
    assert not said.out


@pytest.mark.parametrize("what", ["missing", "folder"])
def test_plan_guard_refuses_a_path_that_is_not_a_file(
    what: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "plan.json"
    if what == "folder":
        path.mkdir()
    assert xacct(["plan-guard", "--no-registry", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: " in err and ("cannot read" in err or "is a folder" in err), err


def test_the_reader_raises_only_plan_input_errors(tmp_path: Path) -> None:
    for name, (data, _) in CASES.items():
        path = tmp_path / f"{abs(hash(name))}.json"
        path.write_bytes(data)
        try:
            read_plan(path)
        except PlanInputError:
            continue


@pytest.mark.slow
def test_harness_refuses_a_malformed_plan_json_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"[]")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         "--rootdir", str(tmp_path), "--xacct-registry", str(REPO / "tenants.yaml"),
         "--xacct-plan-json", str(path), "--xacct-tenant", "acme", "-m", "not live",
         "-k", "test_plan_accounts"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout[-2000:]
    assert f"--xacct-plan-json: {path}: the JSON is a list, not a plan object" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
