"""The lifecycle without terraform: suspend (the trust policy denies, proven by the evaluator; resuming
restores every file byte for byte), offboard (a root without a module call, a kit that says access is
being revoked, the folder gone once the destroy is applied or confirmed), and no silent drop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main as xacct
from generator.harness.roots import find_roots
from generator.plan_guard import expected_roles
from generator.policy import build_roles
from generator.policy.roles import retiring_roles
from generator.proof.calls import call_cases, judge_calls
from generator.proof.expectations import trust_cases
from generator.proof.judge import judge
from generator.registry import RegistryError, load_registry
from generator.render.terraform import OFFBOARDING_MARK, TERRAFORM_FLOOR

from .registries import write

ACME_A = "acme/partner_to_customer"


def files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def generate(registry: Path, out: Path) -> int:
    return xacct(["generate", "--registry", str(registry), "--out", str(out)])


def roles(registry: Path) -> dict[str, object]:
    return {r.key: r for r in build_roles(load_registry(registry).model)}


# ----------------------------------------------------------------------------------------- model


def test_status_is_one_of_four_and_a_tenants_wins_unless_active(tmp_path: Path) -> None:
    registry = write(tmp_path, acme_a="paused")
    with pytest.raises(RegistryError, match=r"tenants\[0\]\.partner_to_customer\.status"):
        load_registry(registry)
    specs = roles(write(tmp_path, acme_a="suspended"))
    assert specs[ACME_A].status == "suspended"  # type: ignore[attr-defined]
    assert specs["acme/customer_to_partner"].status == "active"  # type: ignore[attr-defined]
    specs = roles(write(tmp_path, acme="suspended"))  # the tenant's status covers both scenarios
    assert {specs[k].status for k in (ACME_A, "acme/customer_to_partner")} == {"suspended"}  # type: ignore[attr-defined]
    loaded = load_registry(write(tmp_path, acme="offboarding", acme_a="suspended"))
    assert [r.key for r in build_roles(loaded.model)] == ["umbrella/partner_to_customer"]
    assert [r.key for r in retiring_roles(loaded.model)] == [ACME_A, "acme/customer_to_partner"]


# ----------------------------------------------------------------------------------------- suspend


def test_a_suspended_trust_policy_keeps_the_allow_and_denies_everyone_after_it(tmp_path: Path) -> None:
    active = roles(write(tmp_path))[ACME_A].trust_policy.to_iam()  # type: ignore[attr-defined]
    suspended = roles(write(tmp_path, acme_a="suspended"))[ACME_A].trust_policy.to_iam()  # type: ignore[attr-defined]
    assert suspended["Statement"][0] == active["Statement"][0]
    assert suspended["Statement"][1:] == [
        {
            "Sid": "XacctSuspended",
            "Effect": "Deny",
            "Principal": "*",
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        }
    ]


@pytest.mark.parametrize("statuses", [{"acme_a": "suspended"}, {"acme": "suspended"}])
def test_the_evaluator_denies_every_assume_role_of_a_suspended_role(
    tmp_path: Path, statuses: dict[str, str]
) -> None:
    """Every trust case and whole call is expected DENIED (the partner with the right external ID too)
    and the evaluator agrees on the suspended document, not on the active one."""
    loaded = load_registry(write(tmp_path, **statuses))
    acme = loaded.model.tenants[0]
    suspended = [r for r in build_roles(loaded.model) if r.suspended]
    assert suspended
    active = {r.key: r for r in build_roles(load_registry(write(tmp_path / "active")).model)}
    for spec in suspended:
        cases = trust_cases(loaded.model.partner, acme, spec.scenario, spec.role_arn)
        assert cases and not any(c.allowed for c in cases)
        assert any("right external ID" in c.label or c.label == "suspended: trusted principal" for c in cases)
        assert judge([spec.trust_policy.to_iam()], cases) == []
        missed = judge([active[spec.key].trust_policy.to_iam()], cases)
        assert [m.case.label for m in missed if m.got], "the active trust policy lets the partner in"
        calls = call_cases(loaded.model.partner, acme, spec)
        assert calls and not any(c.allowed for c in calls)
        assert judge_calls(spec.trust_policy.to_iam(), spec, calls) == []
        assert judge_calls(active[spec.key].trust_policy.to_iam(), spec, calls) != []


def test_suspend_then_resume_gives_back_every_file_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert generate(write(tmp_path), out) == 0
    before = files(out)
    assert generate(write(tmp_path, acme_a="suspended"), out) == 0
    during = files(out)
    changed = sorted(k for k in before.keys() | during.keys() if before.get(k) != during.get(k))
    assert changed == [
        "acme/.xacct-manifest.json",
        "acme/onboarding/README.md",
        "acme/onboarding/cdk/lib/settings.ts",
        "acme/onboarding/cloudformation.yaml",
        "acme/partner_to_customer/main.tf",
    ]
    root = during["acme/partner_to_customer/main.tf"].decode()
    assert (
        root.replace("\n\n  suspended = true\n", "\n").encode() == before["acme/partner_to_customer/main.tf"]
    )
    assert "**This role is suspended.**" in during["acme/onboarding/README.md"].decode()
    assert generate(write(tmp_path), out) == 0
    assert files(out) == before


def test_lint_calls_a_suspended_roles_deny_no_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = write(tmp_path, acme="suspended", umbrella="suspended")
    out = tmp_path / "generated"
    assert generate(registry, out) == 0
    capsys.readouterr()
    assert xacct(["lint", "--registry", str(registry), "--generated", str(out)]) == 0
    assert "0 error(s), 0 warning(s)" in capsys.readouterr().err
    report = tmp_path / "report"
    code = xacct(["report", "--registry", str(registry), "--generated", str(out), "--out", str(report)])
    assert code == 0, capsys.readouterr()
    data = json.loads((report / "report.json").read_text())
    assert data["lint_findings"] == []
    cases = [c for t in data["tenants"] for r in t["roles"] for c in r["cases"] if c["group"] == "trust"]
    partner = [c for c in cases if c["label"] == "suspended: trusted principal with the right external ID"]
    assert len(partner) == 3 and all(c["expected"] == c["actual"] == "deny" and c["ok"] for c in partner)


def test_lint_finds_a_root_left_active_for_a_suspended_role(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert generate(write(tmp_path), out) == 0
    registry = write(tmp_path, acme_a="suspended")  # the registry changed, the tree was not regenerated
    capsys.readouterr()
    assert xacct(["lint", "--registry", str(registry), "--generated", str(out)]) == 1
    assert "suspended: the registry says true, the root has false" in capsys.readouterr().out


# ----------------------------------------------------------------------------------------- offboard


def test_an_offboarding_root_calls_no_module_and_its_kit_says_access_is_being_revoked(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    registry = write(tmp_path, umbrella="offboarding")
    assert generate(registry, out) == 0
    main = (out / "umbrella" / "partner_to_customer" / "main.tf").read_text()
    assert main.splitlines()[1] == OFFBOARDING_MARK
    for root in ("umbrella/partner_to_customer", "acme/partner_to_customer", "acme/customer_to_partner"):
        text = (out / root / "main.tf").read_text()  # both kinds of root claim the modules' floor
        assert f'required_version = ">= {TERRAFORM_FLOOR}"' in text and ">= 1.5" not in text, root
    assert 'module "role"' not in main and "resource " not in main and "removed" not in main.split("#")[-1]
    assert 'allowed_account_ids = ["333333333333"]' in main
    assert sorted(p.name for p in (out / "umbrella" / "onboarding").iterdir()) == ["README.md"]
    kit = (out / "umbrella" / "onboarding" / "README.md").read_text()
    assert "access is being revoked" in kit and "arn:aws:iam::333333333333:role/UmbrellaAccess" in kit
    assert [r.key for r in find_roots(out)] == ["acme/customer_to_partner", ACME_A]
    assert [r.key for r in find_roots(out, offboarding=True)] == ["umbrella/partner_to_customer"]
    assert xacct(["lint", "--registry", str(registry), "--generated", str(out)]) == 0
    assert expected_roles(build_roles(load_registry(registry).model), "umbrella", None,
                          retiring_roles(load_registry(registry).model)) == []  # fmt: skip


def test_an_offboarding_root_whose_state_is_empty_goes_and_one_with_resources_stays(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    registry = write(tmp_path, umbrella="offboarding")
    assert generate(registry, out) == 0
    state = out / "umbrella" / "partner_to_customer" / "terraform.tfstate"
    held = {"version": 4, "resources": [{"mode": "managed", "type": "aws_iam_role", "name": "this"}]}
    state.write_text(json.dumps(held))
    assert generate(registry, out) == 0
    assert (out / "umbrella" / "partner_to_customer" / "main.tf").is_file(), "the destroy is not applied yet"
    state.write_text(json.dumps({"version": 4, "resources": []}))  # what terraform leaves after it
    assert generate(registry, out) == 0
    assert not (out / "umbrella").exists() or list((out / "umbrella").rglob("*.tf")) == []
    assert not (out / "umbrella" / ".xacct-manifest.json").exists()
    assert generate(write(tmp_path, umbrella=None), out) == 0, "once its folder is gone it may leave"


def test_offboarded_removes_the_folder_unless_local_state_still_holds_resources(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert generate(write(tmp_path, umbrella="offboarding"), out) == 0
    state = out / "umbrella" / "partner_to_customer" / "terraform.tfstate"
    state.write_text(json.dumps({"version": 4, "resources": [{"type": "aws_iam_role"}]}))
    before = files(out)
    capsys.readouterr()
    assert generate(write(tmp_path, umbrella="offboarded"), out) == 2
    assert "tenant umbrella is offboarded but" in capsys.readouterr().err
    assert files(out) == before
    state.unlink()
    assert generate(write(tmp_path, umbrella="offboarded"), out) == 0
    assert f"{out / 'umbrella'}: removed (tenant offboarded)" in capsys.readouterr().out
    assert not (out / "umbrella").exists()
    assert generate(write(tmp_path, umbrella=None), out) == 0


def test_a_scenario_offboards_alone(tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert generate(write(tmp_path), out) == 0
    assert generate(write(tmp_path, acme_a="offboarding"), out) == 0
    assert OFFBOARDING_MARK in (out / ACME_A / "main.tf").read_text()
    assert 'module "role"' in (out / "acme" / "customer_to_partner" / "main.tf").read_text()
    assert generate(write(tmp_path, acme_a="offboarded"), out) == 0
    assert not (out / ACME_A).exists() and (out / "acme" / "customer_to_partner" / "main.tf").is_file()
    kit = out / "acme" / "onboarding"  # the Scenario B part only: no Scenario A role, no Scenario A kit
    assert not (kit / "cloudformation.yaml").exists() and not (kit / "cdk").exists()
    assert (kit / "assume_role.py").is_file()


def test_a_live_kit_says_when_the_tenants_other_role_is_being_revoked(tmp_path: Path) -> None:
    """A offboarding beside an active B: the B kit carries the A role's "being revoked" section."""
    out = tmp_path / "generated"
    assert generate(write(tmp_path, acme_a="offboarding"), out) == 0
    kit = (out / "acme" / "onboarding" / "README.md").read_text()
    assert "## Access being revoked" in kit and "## The role you assume" in kit
    assert "arn:aws:iam::222222222222:role/" in kit.split("## Access being revoked")[1]
    assert "delete-stack" in kit.split("## Access being revoked")[1]
    assert "## Access being revoked" not in _kit_of(tmp_path, out)  # active again: no such section


def _kit_of(tmp_path: Path, out: Path) -> str:
    assert generate(write(tmp_path), out) == 0
    return (out / "acme" / "onboarding" / "README.md").read_text()


def test_a_b_role_being_revoked_tells_the_customer_assume_role_will_be_denied(tmp_path: Path) -> None:
    import yaml

    registry = write(tmp_path)
    data = yaml.safe_load(registry.read_text())
    data["tenants"][0]["customer_to_partner"]["status"] = "offboarding"
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "generated"
    assert generate(registry, out) == 0
    kit = (out / "acme" / "onboarding" / "README.md").read_text()
    revoked = kit.split("## Access being revoked")[1]
    assert "`AccessDenied`" in revoked and "arn:aws:iam::111111111111:role/" in revoked
    assert "and the external ID" in revoked  # acme's B role requires one
    assert not (out / "acme" / "onboarding" / "assume_role.py").exists()  # nothing to assume any more
    data["tenants"][0]["partner_to_customer"]["status"] = "offboarding"  # both leaving: the revoked kit
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    assert generate(registry, out) == 0
    kit = (out / "acme" / "onboarding" / "README.md").read_text()
    assert (
        "access is being revoked" in kit.splitlines()[1] and "`AccessDenied`" in kit and "delete-stack" in kit
    )


# ----------------------------------------------------------------------------------------- no silent drop


def test_dropping_a_generated_tenant_is_refused_with_how_to_offboard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "generated"
    assert generate(write(tmp_path), out) == 0
    before = files(out)
    capsys.readouterr()
    registry = write(tmp_path, umbrella=None)
    assert generate(registry, out) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"{registry}:6: tenants: tenant umbrella was generated ({out / 'umbrella'}) but is no longer in the "
        "registry: put it back with `status: offboarding`, apply the destroy its root then plans "
        "(plan-guard --allow-destroy umbrella), then set `status: offboarded` (or remove it from the "
        "registry once its folder is gone)"
    )
    assert files(out) == before
    assert xacct(["generate", "--registry", str(registry), "--out", str(out), "--check"]) == 2
    shutil.rmtree(out / "umbrella")  # a folder removed by hand is the user's decision
    assert generate(registry, out) == 0


def test_dropping_a_generated_scenario_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    out = tmp_path / "generated"
    registry = write(tmp_path)
    assert generate(registry, out) == 0
    data = yaml.safe_load(registry.read_text())
    del data["tenants"][0]["customer_to_partner"]
    registry.write_text(yaml.safe_dump(data, sort_keys=False))
    capsys.readouterr()
    assert generate(registry, out) == 2
    err = capsys.readouterr().err
    assert "tenants[0]: scenario customer_to_partner of tenant acme was generated" in err
    assert (out / "acme" / "customer_to_partner" / "main.tf").is_file()


def test_generate_help_says_how_a_tenant_leaves(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        xacct(["generate", "--help"])
    assert "status offboarding" in capsys.readouterr().out
