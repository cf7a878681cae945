"""The customer onboarding kit: for each Scenario A role, ``onboarding/`` with a CloudFormation
template, a CDK app and a README of console steps and Terraform usage, all from the one RoleSpec.

Registry values reach Markdown only inside code spans and fenced blocks whose backtick fences are
longer than any backtick run in the value, so no value can become Markdown.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from generator import MODULES_VERSION
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry
from generator.registry.module_source import render_module_source
from generator.render import cdk, hcl
from generator.render.cloudformation import CAPABILITY, render_template
from generator.render.terraform import module_arguments

SCENARIO = "partner_to_customer"
FOLDER = "onboarding"
DEFAULT_MODULE_SOURCE = "git::https://github.com/ORG/xacct.git//modules/{module}?ref=v{version}"
CONSOLE = "https://console.aws.amazon.com/cloudformation/home"
CDK_COMMANDS = "cd cdk\nnpm install\nnpx cdk diff     # optional: review the change\nnpx cdk deploy"


def code(value: object) -> str:
    """A Markdown code span showing ``value`` literally (one line)."""
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError("a code span cannot hold a line break: use a fenced block")
    if text == "":
        return "*(empty)*"
    if "`" not in text and text[0] != " " and text[-1] != " ":  # the common case
        return f"`{text}`"
    ticks = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(text: str, lang: str = "") -> str:
    """A fenced code block holding ``text`` literally."""
    ticks = "`" * max(3, max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{ticks}{lang}\n{text}\n{ticks}"


@cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("generator", "templates/onboarding"),
        autoescape=False,
        auto_reload=False,  # templates are package data: no stat per render
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["code"] = code
    env.filters["fence"] = fence
    return env


def stack_name(spec: RoleSpec) -> str:
    """The CloudFormation/CDK stack name (letters, digits and dashes, starting with a letter)."""
    name = f"{spec.partner}-{spec.tenant}-cross-account-role"
    return name if name[0].isalpha() else f"xacct-{name}"


def module_source(template: str | None, module: str) -> str:
    """The published module's source (the registry's template, else the default), pinned to this
    generator's modules version."""
    return render_module_source(template or DEFAULT_MODULE_SOURCE, module, MODULES_VERSION)


def launch_stack_url(template_url: str, spec: RoleSpec) -> str:
    """The console's quick-create link for the published template of ``spec``'s tenant.

    ``template_url`` may hold ``{tenant}``, replaced by the tenant's name.
    """
    query = urlencode(
        {"templateURL": template_url.replace("{tenant}", spec.tenant), "stackName": stack_name(spec)},
        quote_via=quote,
        safe="",
    )
    return f"{CONSOLE}?region={quote(spec.region, safe='')}#/stacks/create/review?{query}"


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour" if hours == 1 else f"{hours} hours"
    return f"{seconds // 60} minutes" if seconds % 60 == 0 else f"{seconds} seconds"


def terraform_usage(spec: RoleSpec, source: str) -> str:
    """A root module that creates the role with the published module."""
    provider = hcl.attributes([("region", spec.region), ("allowed_account_ids", [spec.account_id])], 1)
    return (
        f'provider "aws" {{\n{provider}\n}}\n\n'
        f'module "cross_account_role" {{\n{module_arguments(spec, source)}\n}}\n\n'
        'output "role_arn" {\n  value = module.cross_account_role.role_arn\n}'
    )


def render_readme(spec: RoleSpec, module_source_template: str | None, template_url: str | None) -> str:
    """README.md: the role's values, console steps, and how to use the template, the app and the module."""
    name = stack_name(spec)
    deploy = (
        f"aws cloudformation deploy --region {spec.region} --stack-name {name} \\\n"
        f"  --template-file cloudformation.yaml --capabilities {CAPABILITY}\n"
        f"aws cloudformation describe-stacks --region {spec.region} --stack-name {name} \\\n"
        "  --query \"Stacks[0].Outputs[?OutputKey=='RoleArn'].OutputValue\" --output text"
    )
    return (
        _env()
        .get_template("README.md.j2")
        .render(
            spec=spec,
            duration=_duration(spec.max_session_duration),
            trust_json=spec.trust_policy.to_json(indent=2),
            permission_json=spec.permission_policy.to_json(indent=2),
            stack_name=name,
            launch_url=launch_stack_url(template_url, spec) if template_url else None,
            deploy_commands=deploy,
            cdk_commands=CDK_COMMANDS,
            node_min=cdk.NODE_MIN,
            module=spec.module,
            modules_version=MODULES_VERSION,
            terraform=terraform_usage(spec, module_source(module_source_template, spec.module)),
        )
    )


def render_kit(
    spec: RoleSpec, module_source_template: str | None = None, template_url: str | None = None
) -> dict[str, str]:
    """Files of one role's kit, relative to the tenant folder."""
    name = stack_name(spec)
    files = {
        "cloudformation.yaml": render_template(spec, name),
        "README.md": render_readme(spec, module_source_template, template_url),
        **{f"cdk/{rel}": text for rel, text in cdk.render_app(spec, name).items()},
    }
    return {f"{FOLDER}/{rel}": text for rel, text in sorted(files.items())}


def render_revoked(spec: RoleSpec) -> dict[str, str]:
    """An offboarding role's kit: only a README that says access is being revoked and how to delete
    a role the customer created itself."""
    name = stack_name(spec)
    delete = f"aws cloudformation delete-stack --region {spec.region} --stack-name {name}"
    text = _env().get_template("revoked.md.j2").render(spec=spec, stack_name=name, delete_command=delete)
    return {f"{FOLDER}/README.md": text}


def render_onboarding(specs: list[RoleSpec], loaded: LoadedRegistry) -> dict[str, str]:
    """The kit of a tenant's Scenario A role (no files for a tenant without one)."""
    partner: Any = loaded.model.partner
    files: dict[str, str] = {}
    for spec in specs:
        if spec.scenario == SCENARIO and spec.status == "offboarding":
            files.update(render_revoked(spec))
        elif spec.scenario == SCENARIO:
            files.update(render_kit(spec, partner.module_source, partner.onboarding_template_url))
    return files
