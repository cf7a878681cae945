"""generate's summary line names the tenants it added, changed (and where) and removed, a few of each."""

from __future__ import annotations

from pathlib import Path

from generator.output.summary import describe, tenant_changes
from generator.output.tree import TreeDiff
from tests.reliability.hostile import run_main
from tests.reliability.registries import PARTNER as PARTNER_ENTRY
from tests.reliability.registries import make_workspace, offboarded, tenant, write_registry


def test_tenants_are_added_changed_or_removed_by_their_files() -> None:
    diff = TreeDiff(
        missing=["globex/.xacct-manifest.json", "globex/partner_to_customer/main.tf", "acme/onboarding/x.ts"],
        stale=["acme/partner_to_customer/main.tf", "acme/.xacct-manifest.json", ".xacct-manifest.json"],
        extra=["umbrella/.xacct-manifest.json", "umbrella/customer_to_partner/main.tf", "initech/imports.tf"],
        unchanged=["acme/customer_to_partner/main.tf", "initech/.xacct-manifest.json", "hooli/README.md"],
    )  # fmt: skip
    changes = tenant_changes(diff)
    assert changes.added == ["globex"] and changes.removed == ["umbrella"]
    assert changes.changed == {"acme": ["onboarding", "partner_to_customer"], "initech": []}
    assert describe(changes) == (
        "added globex; changed acme (onboarding, partner_to_customer), initech; removed umbrella"
    )
    assert describe(tenant_changes(TreeDiff(unchanged=["acme/main.tf"]))) == ""


def test_thousands_of_tenants_are_cut_to_the_first_few_and_a_count() -> None:
    names = [f"t{i:04d}" for i in range(3000)]
    diff = TreeDiff(missing=[f"{n}/partner_to_customer/main.tf" for n in names])
    line = describe(tenant_changes(diff))
    assert line == "added " + ", ".join(names[:10]) + " and 2,990 more"
    assert describe(tenant_changes(diff), limit=2999).endswith("t2998 and 1 more")
    assert describe(tenant_changes(diff), limit=3000).endswith("t2998, t2999")


def test_the_generate_summary_names_the_tenants(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path / "ws")
    first = [tenant(0), tenant(1), tenant(2)]
    registry = write_registry(
        workspace / "tenants.yaml", {"version": 1, "partner": PARTNER_ENTRY, "tenants": first}
    )
    out = workspace / "generated"
    args = ["generate", "--registry", str(registry), "--out", str(out)]
    run = run_main(args)
    assert run.code == 0, run.text
    assert run.out.rstrip().endswith(": added tenant-0000, tenant-0001, tenant-0002"), run.out
    changed = tenant(0, description="the data team's role")
    globex = {**tenant(3), "name": "globex"}
    tenants = [changed, tenant(1), offboarded(tenant(2)), globex]
    write_registry(registry, {"version": 1, "partner": PARTNER_ENTRY, "tenants": tenants})
    run = run_main(args)
    assert run.code == 0, run.text
    summary = run.out.strip().splitlines()[-1]
    assert summary.startswith(f"{out}: wrote "), summary
    assert summary.endswith(
        ": added globex; changed tenant-0000 (customer_to_partner, onboarding, partner_to_customer); "
        "removed tenant-0002"
    ), summary
    assert (
        run_main(args).out.strip()
        == f"{out}: up to date ({sum(1 for p in out.rglob('*') if p.is_file())} files)"
    )
