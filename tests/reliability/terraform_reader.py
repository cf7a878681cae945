"""Read values back the way Terraform reads them: batch many into one root, plan once, show -json.

Every terraform command that loads the AWS provider costs seconds, so callers batch: one root holds
all the values (or all the generated ``module "role"`` blocks) of a test, and is planned once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.render.hcl import quote
from generator.terraform_runner import Plan, Terraform

# Dummy credentials and skip flags: the plan never calls AWS (the AWS provider docs' example keys).
PROVIDER = """\
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"""
_MODULE_START = re.compile(r'^module "role" \{\n', re.M)
_SOURCE = re.compile(r'^(\s*source\s*=\s*)"([^"]*)"$', re.M)


def literal_values(workdir: Path, values: list[str], cli_config: Path) -> list[dict[str, Any]]:
    """How Terraform reads ``quote(v)`` for each value: as an output, a local and an object key.

    Returns, per value, ``{"output": ..., "local": ..., "key": ...}``. One init (no providers) and one plan.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    lines = ["locals {"]
    lines += [f"  v{i} = {quote(v)}" for i, v in enumerate(values)]
    lines.append("}")
    for i, v in enumerate(values):
        lines.append(f'output "o{i}" {{\n  value = {quote(v)}\n}}')
        lines.append(f'output "l{i}" {{\n  value = local.v{i}\n}}')
        lines.append(f'output "k{i}" {{\n  value = keys({{ {quote(v)} = 0 }})[0]\n}}')
    (workdir / "main.tf").write_text("\n".join(lines) + "\n", encoding="utf-8")
    tf = Terraform(workdir, cli_config=cli_config)
    tf.init()
    outputs = tf.show_json(tf.plan())["planned_values"]["outputs"]
    return [
        {
            kind: outputs[f"{prefix}{i}"]["value"]
            for prefix, kind in (("o", "output"), ("l", "local"), ("k", "key"))
        }
        for i in range(len(values))
    ]


def module_block(text: str) -> str:
    """The ``module "role" { ... }`` block of a generated main.tf, as written."""
    match = _MODULE_START.search(text)
    if match is None:
        raise AssertionError('no module "role" block at the start of a line')
    end = text.index("\n}\n", match.end())
    return text[match.start() : end + 3]


def batch_root(workdir: Path, roots: Mapping[str, Path]) -> Path:
    """One root calling every generated root's ``module "role"`` block, each relabelled ``module "<label>"``.

    The block text is kept as generated; only its relative ``source`` is re-pointed from the batch folder.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    parts = [PROVIDER]
    for label, root in roots.items():
        block = module_block((root / "main.tf").read_text(encoding="utf-8"))
        source = _SOURCE.search(block)
        assert source is not None, f"{root}: no source attribute"
        target = os.path.relpath((root / source.group(2)).resolve(), workdir.resolve())
        block = block[: source.start(2)] + target + block[source.end(2) :]
        parts.append(block.replace('module "role" {', f'module "{label}" {{', 1))
    (workdir / "main.tf").write_text("\n".join(parts), encoding="utf-8")
    return workdir


def plan_batch(workdir: Path, cli_config: Path) -> tuple[Plan, Terraform]:
    """init and plan the batch root (plan validates it too); the plan JSON and the runner."""
    tf = Terraform(workdir, cli_config=cli_config)
    tf.init()
    return tf.plan_json(), tf


def role_values(plan: Plan, label: str) -> dict[str, Any]:
    """Planned values of the role and its inline policy created by ``module.<label>``."""
    found: dict[str, Any] = {}
    for rc in plan:
        if rc.address.startswith(f"module.{label}.") and rc.type in ("aws_iam_role", "aws_iam_role_policy"):
            found[rc.type] = rc.after
    return found
