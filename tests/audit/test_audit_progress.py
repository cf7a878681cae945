"""The audit's long steps (reading every role, reading the expected roles' policies, judging them) each
advance a progress bar once per role (no LocalStack: a stand-in IAM client)."""

from __future__ import annotations

import argparse
import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import progress
from generator.audit import command
from generator.audit.account import expected_roles
from generator.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
PARTNER = "111111111111"


class FakeIam:
    """IAM with the registry's roles of the account (no policies) and one more role."""

    def __init__(self, names: list[str]) -> None:
        trust = {"Version": "2012-10-17", "Statement": []}
        self.roles = [
            {"RoleName": n, "Path": "/", "Arn": f"arn:aws:iam::{PARTNER}:role/{n}",
             "AssumeRolePolicyDocument": json.dumps(trust)}
            for n in [*names, "hand-made"]
        ]  # fmt: skip

    def get_paginator(self, operation: str) -> Any:
        pages = {
            "list_roles": [{"Roles": self.roles[:2]}, {"Roles": self.roles[2:]}],
            "list_role_policies": [{"PolicyNames": []}],
            "list_attached_role_policies": [{"AttachedPolicies": []}],
        }[operation]
        return argparse.Namespace(paginate=lambda **_: pages)

    def get_role(self, RoleName: str) -> dict[str, Any]:
        return {"Role": next(r for r in self.roles if r["RoleName"] == RoleName)}


def test_each_step_of_an_audit_advances_a_bar_per_role(monkeypatch: pytest.MonkeyPatch) -> None:
    registry = load_registry(REPO / "tenants.yaml").model
    names = [s.role_name for s in expected_roles(registry, PARTNER)]
    assert len(names) >= 2
    bars: dict[str, list[int]] = {}

    @contextlib.contextmanager
    def recorded(description: str, total: int) -> Iterator[progress.Advance]:
        steps = bars.setdefault(description, [total])
        yield steps.append

    sts = argparse.Namespace(get_caller_identity=lambda: {"Account": PARTNER})
    monkeypatch.setattr(progress, "bar", recorded)
    monkeypatch.setattr(command, "_clients", lambda args, region: (FakeIam(names), sts, []))
    args = argparse.Namespace(profile=None, endpoint_url=None, known_account=[])
    report = command.read_and_audit(registry, PARTNER, "partner", args)
    assert report.roles_seen == len(names) + 1
    assert bars == {
        f"reading {len(names) + 1} roles": [len(names) + 1] + [1] * (len(names) + 1),
        f"reading the policies of {len(names)} roles": [len(names)] + [1] * len(names),
        f"comparing {len(names)} roles with the registry": [len(names)] + [1] * len(names),
    }
