"""Real plans for the lint's plan front end: ``terraform plan`` offline with dummy credentials.

``python -m tests.lint.plans`` rewrites ``fixtures/violations.plan.json`` from
``fixtures/violations/main.tf`` (pretty-printed, so that findings have distinct lines).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from generator.terraform import Terraform

FIXTURES = Path(__file__).parent / "fixtures"
VIOLATIONS_ROOT = FIXTURES / "violations"
VIOLATIONS_PLAN = FIXTURES / "violations.plan.json"

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


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        plan = plan_root(VIOLATIONS_ROOT, Path(tmp) / "root")
    VIOLATIONS_PLAN.write_text(json.dumps(plan, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {VIOLATIONS_PLAN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
