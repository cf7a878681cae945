"""Does the wrapper module cost plan time at scale? Three roots, each with COUNT roles, planned offline.

- ``wrapper``: COUNT ``module "tNNNN"`` blocks calling modules/customer-role (which calls cross-account-role);
- ``core``:    COUNT ``module "tNNNN"`` blocks calling modules/cross-account-role directly;
- ``plain``:   COUNT ``aws_iam_role`` + ``aws_iam_role_policy`` resources with the same jsonencoded documents;
- ``batch``:   one call of a throwaway batch module (written into the copy of ``modules/``) that takes all
  COUNT roles as one ``map(object)`` and iterates over it with ``for_each`` on the two resources;
- ``batch-count``: the same module shape with a list and ``count`` (``var.roles[count.index]``).

The batch layouts answer "would one module instance holding every role plan faster?" (no: terraform
evaluates a resource's ``for_each`` again for each instance, bench/README.md). ``--layouts`` picks layouts.

Every root plans 2 x COUNT resources with the real AWS provider (dummy credentials, from the provider mirror).
Each layout is initialised once, then ``terraform plan`` runs REPEAT times (layouts interleaved, so a change
of machine load spreads over all of them); the medians are printed and written to bench/results/.
``--no-validation`` strips the modules' ``validation`` blocks first, to see what the rules cost;
``--no-outputs`` deletes the modules' ``outputs.tf``, to see what the output values cost.

    .venv/bin/python bench/module_layouts.py [--count 1000] [--repeat 3] [--no-validation] [--no-outputs]
        [--layouts wrapper,core,plain,batch,batch-count]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from generator.terraform import Terraform

REPO = Path(__file__).resolve().parent.parent
LAYOUTS = ("wrapper", "core", "plain", "batch", "batch-count")
DEFAULT_LAYOUTS = ("wrapper", "core", "plain")

HEADER = """\
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "mock-access-key"
  secret_key                  = "mock-secret-key"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
"""


def _inputs(i: int) -> tuple[str, str, str]:
    return f"tenant-{i:04d}-access", f"ext-{i:04d}-5b1d9a64-7c2e-4f3a", f"Z{i:013d}"


def module_block(i: int, source: str, sid_line: str) -> str:
    """One module call with tenant-specific values."""
    name, external_id, zone = _inputs(i)
    return f"""
module "t{i:04d}" {{
  source                 = "{source}"
  role_name              = "{name}"
  trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
  external_id            = "{external_id}"{sid_line}
  policy_statements = [
    {{
      sid       = "ManageRecordSets"
      actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
      resources = ["arn:aws:route53:::hostedzone/{zone}"]
    }},
  ]
}}
"""


def plain_block(i: int) -> str:
    """The same role and policy as plain resources."""
    name, external_id, zone = _inputs(i)
    return f"""
resource "aws_iam_role" "t{i:04d}" {{
  name = "{name}"
  assume_role_policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid       = "PartnerAssumeRole"
      Effect    = "Allow"
      Principal = {{ AWS = ["arn:aws:iam::111111111111:root"] }}
      Action    = "sts:AssumeRole"
      Condition = {{ StringEquals = {{ "sts:ExternalId" = "{external_id}" }} }}
    }}]
  }})
}}

resource "aws_iam_role_policy" "t{i:04d}" {{
  name = "xacct-permissions"
  role = aws_iam_role.t{i:04d}.name
  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Sid      = "ManageRecordSets"
      Effect   = "Allow"
      Action   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
      Resource = ["arn:aws:route53:::hostedzone/{zone}"]
    }}]
  }})
}}
"""


BATCH_MODULE = """\
variable "roles" {
  type = KIND(object({
    role_name              = string
    trusted_principal_arns = list(string)
    external_id            = optional(string)
    trust_statement_sid    = optional(string, "CrossAccountAssumeRole")
    policy_name            = optional(string, "xacct-permissions")
    policy_statements = optional(list(object({
      sid       = optional(string)
      effect    = optional(string, "Allow")
      actions   = list(string)
      resources = list(string)
    })), [])
  }))

  validation {
    condition = alltrue([
      for r in var.roles : length(r.role_name) <= 64 && can(regex("^[\\\\w+=,.@-]+$", r.role_name))
    ])
    error_message = "Each role_name must be 1-64 characters of letters, digits and +=,.@_-."
  }
}

resource "aws_iam_role" "this" {
  ITERATE
  name = ROLE.role_name
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = ROLE.trust_statement_sid
      Effect    = "Allow"
      Principal = { AWS = ROLE.trusted_principal_arns }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = ROLE.external_id } }
    }]
  })
}

resource "aws_iam_role_policy" "this" {
  ITERATE
  depends_on = [aws_iam_role.this]
  name       = ROLE.policy_name
  role       = ROLE.role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [for s in ROLE.policy_statements : {
      Sid      = s.sid
      Effect   = s.effect
      Action   = s.actions
      Resource = s.resources
    }]
  })
}
"""
BATCH_KINDS = {
    "batch": ("map", "for_each = var.roles", "each.value"),
    "batch-count": ("list", "count = length(var.roles)", "var.roles[count.index]"),
}


def batch_module(layout: str) -> str:
    kind, iterate, role = BATCH_KINDS[layout]
    return BATCH_MODULE.replace("KIND", kind).replace("ITERATE", iterate).replace("ROLE", role)


def batch_root(layout: str, count: int) -> str:
    """One call of the batch module with ``count`` roles (a map keyed tNNNN, or a list)."""
    entries = []
    for i in range(1, count + 1):
        name, external_id, zone = _inputs(i)
        key = f'"t{i:04d}" = ' if layout == "batch" else ""
        entries.append(
            f"""    {key}{{
      role_name              = "{name}"
      trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
      external_id            = "{external_id}"
      trust_statement_sid    = "PartnerAssumeRole"
      policy_statements = [{{
        sid       = "ManageRecordSets"
        actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
        resources = ["arn:aws:route53:::hostedzone/{zone}"]
      }}]
    }}"""
        )
    open_, close, sep = ("{", "}", "\n") if layout == "batch" else ("[", "]", ",\n")
    body = sep.join(entries)
    return f"""
module "roles" {{
  source = "../../modules/{layout}"
  roles = {open_}
{body}
  {close}
}}
"""


BLOCKS: dict[str, Callable[[int], str]] = {
    "wrapper": lambda i: module_block(i, "../../modules/customer-role", ""),
    "core": lambda i: module_block(
        i, "../../modules/cross-account-role", '\n  trust_statement_sid    = "PartnerAssumeRole"'
    ),
    "plain": plain_block,
}


def strip_validation(text: str) -> str:
    """The HCL text without its `validation { ... }` blocks (braces matched; strings hold no braces here)."""
    out, i = [], 0
    while (start := text.find("validation {", i)) != -1:
        depth, j = 0, text.index("{", start)
        while True:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
            if depth == 0:
                break
        out.append(text[i:start])
        i = j
    return "".join(out) + text[i:]


def write_roots(
    work: Path,
    count: int,
    *,
    validation: bool = True,
    outputs: bool = True,
    layouts: tuple[str, ...] = DEFAULT_LAYOUTS,
) -> dict[str, Path]:
    """Copy modules/ (and the batch modules) into `work` and write one root per layout beside it."""
    shutil.copytree(REPO / "modules", work / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    for layout in BATCH_KINDS:
        (work / "modules" / layout).mkdir()
        (work / "modules" / layout / "main.tf").write_text(batch_module(layout), encoding="utf-8")
    if not outputs:
        for path in (work / "modules").glob("*/outputs.tf"):
            path.unlink()
    if not validation:
        for variables in (work / "modules").glob("*/variables.tf"):
            variables.write_text(strip_validation(variables.read_text(encoding="utf-8")), encoding="utf-8")
    roots = {}
    for layout in layouts:
        root = work / "roots" / layout
        root.mkdir(parents=True)
        if layout in BATCH_KINDS:
            body = batch_root(layout, count)
        else:
            body = "".join(BLOCKS[layout](i) for i in range(1, count + 1))
        (root / "main.tf").write_text(HEADER + body, encoding="utf-8")
        roots[layout] = root
    return roots


def timed(args: list[str], root: Path) -> float:
    """Run a terraform command in ``root`` with xacct's runner (its CLI config, from the provider mirror,
    and ``GOGC``); return its wall time in seconds (the runner raises with terraform's output on failure)."""
    tf = Terraform(root)
    tf.run(*args)
    return tf.history[-1].duration


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=1000, help="roles per root (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="plans per layout (default 3)")
    parser.add_argument("--no-validation", action="store_true", help="strip the modules' validation blocks")
    parser.add_argument("--no-outputs", action="store_true", help="delete the modules' outputs.tf")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and print it")
    parser.add_argument(
        "--layouts", default=",".join(DEFAULT_LAYOUTS), help=f"comma-separated, of {', '.join(LAYOUTS)}"
    )
    args = parser.parse_args()
    layouts = tuple(args.layouts.split(","))
    if unknown := sorted(set(layouts) - set(LAYOUTS)):
        parser.error(f"unknown layout(s) {', '.join(unknown)}; choose from {', '.join(LAYOUTS)}")

    work = Path(tempfile.mkdtemp(prefix="xacct-module-layouts-"))
    try:
        roots = write_roots(
            work, args.count, validation=not args.no_validation, outputs=not args.no_outputs, layouts=layouts
        )
        init = {
            layout: timed(["init", "-backend=false", "-input=false"], root) for layout, root in roots.items()
        }
        plans: dict[str, list[float]] = {layout: [] for layout in layouts}
        for run in range(args.repeat):
            for layout, root in roots.items():
                seconds = timed(["plan", "-input=false", "-lock=false", "-out=plan.tfplan"], root)
                plans[layout].append(seconds)
                print(
                    f"run {run + 1}/{args.repeat} {layout:11} plan {seconds:6.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
        results = {
            "count": args.count,
            "repeat": args.repeat,
            "validation": not args.no_validation,
            "outputs": not args.no_outputs,
            "cpus": os.cpu_count(),
            "load_average_after": os.getloadavg(),
            "layouts": {
                layout: {
                    "init_s": round(init[layout], 2),
                    "plan_s": [round(s, 2) for s in plans[layout]],
                    "plan_median_s": round(statistics.median(plans[layout]), 2),
                }
                for layout in layouts
            },
        }
    finally:
        if args.keep:
            print(f"kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{'layout':11} {'init s':>7} {'plan median s':>14}  plans")
    for layout, row in results["layouts"].items():
        print(f"{layout:11} {row['init_s']:7.1f} {row['plan_median_s']:14.1f}  {row['plan_s']}")
    suffix = ("-no-validation" if args.no_validation else "") + ("-no-outputs" if args.no_outputs else "")
    out = REPO / "bench" / "results" / f"module_layouts-{args.count}{suffix}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
