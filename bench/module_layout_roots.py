"""The root text of each ``bench/module_layouts.py`` layout: COUNT roles as wrapper or core module blocks,
one ``for_each`` module call, plain resources, or one call of a throwaway batch module (its text too)."""

from __future__ import annotations

LAYOUTS = ("wrapper", "core", "plain", "batch", "batch-count", "wrapper-foreach", "core-foreach")
COMPARED = "@compare"  # suffix of a layout planned against the --compare-modules copy
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


def foreach_root(count: int, source: str, sid_line: str) -> str:
    """One module call iterating over ``count`` argument sets, as a harness shard does."""
    entries = []
    for i in range(1, count + 1):
        name, external_id, zone = _inputs(i)
        entries.append(
            f"""    t{i:04d} = {{
      role_name              = "{name}"
      trusted_principal_arns = ["arn:aws:iam::111111111111:root"]
      external_id            = "{external_id}"
      policy_statements = [{{
        sid       = "ManageRecordSets"
        actions   = ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"]
        resources = ["arn:aws:route53:::hostedzone/{zone}"]
      }}]
    }}"""
        )
    body = "\n".join(entries)
    return f"""
locals {{
  roles = {{
{body}
  }}
}}

module "roles" {{
  source                 = "{source}"
  for_each               = local.roles
  role_name              = each.value.role_name
  trusted_principal_arns = each.value.trusted_principal_arns
  external_id            = each.value.external_id{sid_line}
  policy_statements      = each.value.policy_statements
}}
"""


SID_LINE = '\n  trust_statement_sid    = "PartnerAssumeRole"'
MODULE_LAYOUTS = {  # layout -> (module, trust_statement_sid line, for_each)
    "wrapper": ("customer-role", "", False),
    "core": ("cross-account-role", SID_LINE, False),
    "wrapper-foreach": ("customer-role", "", True),
    "core-foreach": ("cross-account-role", SID_LINE, True),
}


def layout_root(layout: str, count: int) -> str:
    """The root text of ``layout`` (``NAME@compare``: NAME against the compared copy of the modules)."""
    name, compared = layout.removesuffix(COMPARED), layout.endswith(COMPARED)
    if name in BATCH_KINDS:
        return batch_root(name, count)
    if name == "plain":
        return "".join(plain_block(i) for i in range(1, count + 1))
    module, sid_line, foreach = MODULE_LAYOUTS[name]
    source = f"../../{'modules-compare' if compared else 'modules'}/{module}"
    if foreach:
        return foreach_root(count, source, sid_line)
    return "".join(module_block(i, source, sid_line) for i in range(1, count + 1))
