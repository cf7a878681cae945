"""The batched plan path gives the same documents and verdicts as planning each root on its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.harness.batch import auto_shard_size, plan_batched, plan_each, shards
from generator.harness.planlayer import PlanLayer, account
from generator.harness.roots import PLAN_COPY_MARK, copy_modules_for_plan, find_roots
from generator.policy import build_roles
from generator.proof.expectations import permission_cases, trust_cases
from generator.proof.judge import judge
from generator.registry import load_registry
from generator.terraform_runner import Terraform

MODULES = Path(__file__).resolve().parents[2] / "modules"


def test_shards_are_balanced_and_cover_everything() -> None:
    items = list(range(1001))
    groups = shards(items, 250)  # type: ignore[arg-type]
    assert [len(g) for g in groups] == [201, 200, 200, 200, 200]
    assert [x for g in groups for x in g] == items
    assert shards([], 10) == []
    assert shards([1, 2], 10) == [[1, 2]]  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("count", "jobs", "size", "count_of_shards"),
    [
        (0, 2, 1, 0),
        (1, 2, 1, 1),
        (3, 2, 2, 2),
        (667, 2, 334, 2),
        (1334, 2, 667, 2),  # one round of two shards, not 3 x 445 (measured 9 % slower)
        (2000, 2, 500, 4),  # two full rounds, not 3 x 667 with one core idle in the second
        (6667, 2, 667, 10),
        (6667, 4, 556, 12),
        (100, 1, 100, 1),
    ],
)
def test_auto_shard_size_fills_whole_rounds(count: int, jobs: int, size: int, count_of_shards: int) -> None:
    assert auto_shard_size(count, jobs) == size
    assert -(-count // size) == count_of_shards
    assert size <= 700


@pytest.mark.terraform
@pytest.mark.slow
def test_batched_and_per_root_plans_agree(example_workspace: Path, tmp_path: Path) -> None:
    """Both paths, through the one plan accounting, hold the same roles, documents and verdicts."""
    roots = find_roots(example_workspace / "generated")
    reg = load_registry(example_workspace / "tenants.yaml")
    specs = {s.key: s for s in build_roles(reg.model)}
    batched, each = PlanLayer(), PlanLayer()
    account(batched, plan_batched(roots, tmp_path / "b", Terraform, shard_size=2), reg, specs)
    per_root = plan_each(roots, tmp_path / "e", Terraform)
    account(each, per_root, reg, specs)
    assert sorted(batched.roles) == sorted(each.roles) == sorted(r.key for r in roots)
    assert batched.findings == each.findings == []
    for key, planned in batched.roles.items():
        other = each.roles[key]
        assert planned.trust_policy == other.trust_policy, key
        assert planned.permission_policies == other.permission_policies, key
        assert planned.resource_types == other.resource_types, key
        tenant = next(t for t in reg.model.tenants if t.name == planned.spec.tenant)
        role_arn = f"arn:aws:iam::000000000000:role/{planned.role.after['name']}"
        cases = trust_cases(reg.model.partner, tenant, planned.spec.scenario, role_arn)
        cases += permission_cases(tenant, planned.spec.scenario, "000000000000")
        docs_b = [planned.trust_policy, *planned.permission_policies]
        docs_e = [other.trust_policy, *other.permission_policies]
        assert [m.case for m in judge(docs_b, cases)] == [m.case for m in judge(docs_e, cases)], key
    assert batched.plans and len(batched.plans) < len(per_root.plans)


def test_plan_copy_of_the_modules_leaves_out_only_their_outputs(tmp_path: Path) -> None:
    copy_modules_for_plan(tmp_path, MODULES)
    for module in ("cross-account-role", "customer-role", "partner-role"):
        kept = sorted(p.name for p in (tmp_path / "modules" / module).glob("*.tf"))
        assert kept == ["main.tf", "variables.tf", "versions.tf"], module
        for name in kept:
            assert (tmp_path / "modules" / module / name).read_bytes() == (
                MODULES / module / name
            ).read_bytes()
    assert (tmp_path / "modules" / PLAN_COPY_MARK).read_text().split("\n")[0] == str(MODULES)
    stamp = (tmp_path / "modules" / PLAN_COPY_MARK).stat().st_ino
    copy_modules_for_plan(tmp_path, MODULES)  # a second shard in the same folder reuses the copy
    assert (tmp_path / "modules" / PLAN_COPY_MARK).stat().st_ino == stamp
    with pytest.raises(ValueError, match="other than a plan copy"):
        copy_modules_for_plan(tmp_path, tmp_path / "elsewhere")


def test_plan_copy_is_made_again_when_the_modules_change(tmp_path: Path) -> None:
    modules = tmp_path / "src"
    _module(modules / "m", {"main.tf": "locals {\n  a = 1\n}\n"})
    copy_modules_for_plan(tmp_path / "w", modules)
    (modules / "m" / "main.tf").write_text("locals {\n  a = 2\n}\n")
    copy_modules_for_plan(tmp_path / "w", modules)
    assert (tmp_path / "w" / "modules" / "m" / "main.tf").read_text() == "locals {\n  a = 2\n}\n"
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "modules").symlink_to(modules)  # what _link_modules makes: not a plan copy
    with pytest.raises(ValueError, match="other than a plan copy"):
        copy_modules_for_plan(tmp_path / "x", modules)


def _module(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text)


def test_plan_copy_keeps_outputs_that_something_reads(tmp_path: Path) -> None:
    modules = tmp_path / "src"
    output = 'output "name" {\n  value = "x"\n}\n'
    _module(modules / "inner", {"main.tf": "locals {\n  a = 1\n}\n", "outputs.tf": output})
    _module(modules / "mixed", {"outputs.tf": output + "locals {\n  b = 2\n}\n"})
    copy_modules_for_plan(tmp_path / "w1", modules)
    assert not (tmp_path / "w1" / "modules" / "inner" / "outputs.tf").exists()
    assert (tmp_path / "w1" / "modules" / "mixed" / "outputs.tf").exists()  # declares a local too
    # a module that reads another's output: then no output is left out anywhere
    _module(
        modules / "outer",
        {"main.tf": 'module "i" {\n  source = "../inner"\n}\n\nlocals {\n  n = module.i.name\n}\n'},
    )
    copy_modules_for_plan(tmp_path / "w2", modules)
    assert (tmp_path / "w2" / "modules" / "inner" / "outputs.tf").exists()


def test_plan_copy_leaves_out_outputs_when_module_calls_are_only_named_in_moved_blocks(
    tmp_path: Path,
) -> None:
    """A flat wrapper's moved blocks (from module.role.<resource>, modules 0.2.0) read no output."""
    modules = tmp_path / "src"
    output = 'output "name" {\n  value = "x"\n}\n'
    moved = "# module.role.x\nmoved {\n  from = module.role.aws_iam_role.this\n"
    moved += "  to   = aws_iam_role.this\n}\n"
    _module(modules / "flat", {"main.tf": "locals {\n  a = 1\n}\n\n" + moved, "outputs.tf": output})
    copy_modules_for_plan(tmp_path / "w", modules)
    assert not (tmp_path / "w" / "modules" / "flat" / "outputs.tf").exists()
