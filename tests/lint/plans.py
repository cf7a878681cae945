"""Real plans for the lint's plan front end: ``terraform plan`` offline with dummy credentials.

``python -m tests.lint.plans`` rewrites ``fixtures/violations.plan.json`` from
``fixtures/violations/main.tf``, and ``rules/plan_accounting/{good,bad}.plan.json`` from the root
xacct generates for ``rules/plan_accounting/registry.yaml`` (bad: with ``sources/extra.tf`` added);
pretty-printed, so that findings have distinct lines.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.terraform_runner import Terraform

FIXTURES = Path(__file__).parent / "fixtures"
VIOLATIONS_ROOT = FIXTURES / "violations"
VIOLATIONS_PLAN = FIXTURES / "violations.plan.json"
PLAN_ACCOUNTING = Path(__file__).parent / "rules" / "plan_accounting"

# Plans without AWS: no credential check, no account lookup, no metadata service.
DUMMY_PROVIDER = """
provider "aws" {
  access_key                  = "xacct-lint-dummy"
  secret_key                  = "xacct-lint-dummy"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  allowed_account_ids         = null
}
"""


def plan_root(root: Path, workdir: Path) -> dict[str, Any]:
    """``terraform show -json`` of a plan of the .tf files of ``root``, run in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    if workdir.resolve() != root.resolve():
        for tf in root.glob("*.tf"):
            shutil.copy(tf, workdir / tf.name)
    (workdir / "xacct_lint_dummy_override.tf").write_text(DUMMY_PROVIDER, encoding="utf-8")
    terraform = Terraform(workdir, timeout=300)
    terraform.init()
    return terraform.show_json(terraform.plan())


def accounting_plans(workdir: Path) -> dict[str, dict[str, Any]]:
    """The good and bad plans of ``rules/plan_accounting``, planned under ``workdir``."""
    from generator.generate import generate
    from generator.registry import load_registry

    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(PLAN_ACCOUNTING / "registry.yaml", workdir / "registry.yaml")
    modules = Path(__file__).resolve().parents[2] / "modules"  # a copy beside the registry: relative sources
    shutil.copytree(modules, workdir / "modules", ignore=shutil.ignore_patterns("examples", "tests"))
    generate(load_registry(workdir / "registry.yaml"), workdir / "generated")
    root = workdir / "generated" / "acme" / "partner_to_customer"
    (root / "cloud.tf").unlink(missing_ok=True)  # plan locally, not in HCP Terraform
    good = plan_root(root, root)
    shutil.copy(PLAN_ACCOUNTING / "sources" / "extra.tf", root / "extra.tf")
    return {"good": good, "bad": plan_root(root, root)}


def write_plan(path: Path, plan: dict[str, Any]) -> None:
    path.write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        write_plan(VIOLATIONS_PLAN, plan_root(VIOLATIONS_ROOT, Path(tmp) / "root"))
        for kind, plan in accounting_plans(Path(tmp) / "accounting").items():
            write_plan(PLAN_ACCOUNTING / f"{kind}.plan.json", plan)
    return 0


if __name__ == "__main__":
    sys.exit(main())
