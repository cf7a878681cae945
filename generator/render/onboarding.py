"""The customer onboarding kit: ``onboarding/`` in each tenant's folder, from its RoleSpecs.

A Scenario A role (in the customer's account) gets a CloudFormation template, a CDK app and a README
of console steps and Terraform usage; a Scenario B role (in the partner's account) gets the role ARN,
the external ID, an ``aws sts assume-role`` command and boto3 / AWS SDK for JavaScript snippets; the
README says in plain words what each role allows and how to revoke it. A tenant with both roles gets
one folder and one README holding both.

Registry values reach Markdown only inside code spans and fenced blocks whose backtick fences are
longer than any backtick run in the value, so no value can become Markdown; shell words are quoted
with ``shlex.quote`` and string literals are JSON strings (`assume_snippets`).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any
from urllib.parse import quote, urlencode

import jinja2

from generator import MODULES_VERSION
from generator.jsontext import indented
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry
from generator.registry.module_source import render_module_source
from generator.render import assume_snippets, cdk, hcl
from generator.render.cloudformation import CAPABILITY, render_template
from generator.render.markdown_text import code, fence
from generator.render.plain_words import describe_all
from generator.render.terraform import module_arguments

__all__ = ["code", "fence", "kit_warnings", "render_kit", "render_onboarding", "stack_name"]

SCENARIO = "partner_to_customer"
SCENARIO_B = "customer_to_partner"
FOLDER = "onboarding"
CONSOLE = "https://console.aws.amazon.com/cloudformation/home"
CDK_COMMANDS = "cd cdk\nnpm install\nnpx cdk diff     # optional: review the change\nnpx cdk deploy"
CDK_DESTROY = "cd cdk\nnpx cdk destroy"
NO_MODULE_SOURCE = (
    "partner.module_source is not set: the onboarding kits leave out their Terraform module section; "
    "set it to where you publish modules/ "
    "(e.g. git::https://github.com/ORG/xacct.git//modules/{module}?ref=v{version}) and generate again"
)


# a plain include at the start of a line or right after another tag, and the newline after it
_INCLUDE = re.compile(r'(?:^|(?<=\n)|(?<=%\}))\{% include "([\w.-]+)" %\}\n?')
_SCOPED = re.compile(r"\{%-? *(?:set|macro|block|extends|import|from)\b")


class _InliningLoader(jinja2.PackageLoader):
    """The kit's templates with each plain ``{% include "name" %}`` replaced by that template's text.

    Jinja gives every include a new context (a copy of the whole context): with up to seven per
    README, that was a third of a kit's render time. The output is the same: an included template
    here sees the whole context, sets nothing, starts with no space or tab and ends in a newline, so its
    text in place of the tag and the newline after it (which ``trim_blocks`` drops) renders as the
    include did. A template that does not fit stays an include. (tests/onboarding/test_readme.py
    renders the kits both ways.)
    """

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = super().get_source(environment, template)

        def inline(match: re.Match[str]) -> str:
            text = self.get_source(environment, match.group(1))[0]  # its own includes inlined
            fits = text.endswith("\n") and text[:1] not in " \t" and not _SCOPED.search(text)
            return text if fits else match.group(0)

        return _INCLUDE.sub(inline, source), filename, uptodate


@cache
def _env(inline: bool = True) -> jinja2.Environment:
    """The kit's templates (``inline``: includes as their text, `_InliningLoader`)."""
    loader = _InliningLoader if inline else jinja2.PackageLoader
    env = jinja2.Environment(
        loader=loader("generator", "templates/onboarding"),
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


def module_source(template: str, module: str) -> str:
    """The published module's source (the registry's template), pinned to this generator's modules
    version."""
    return render_module_source(template, module, MODULES_VERSION)


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
    aws = hcl.attributes([("source", "hashicorp/aws"), ("version", spec.aws_provider_version)], 3)
    return (
        f"terraform {{\n  required_providers {{\n    aws = {{\n{aws}\n    }}\n  }}\n}}\n\n"
        f'provider "aws" {{\n{provider}\n}}\n\n'
        f'module "cross_account_role" {{\n{module_arguments(spec, source)}\n}}\n\n'
        'output "role_arn" {\n  value = module.cross_account_role.role_arn\n}'
    )


def _lines(*words: list[str]) -> str:
    return "\n".join(shlex.join(w) for w in words)


def _scenario_a(
    spec: RoleSpec, module_source_template: str | None, template_url: str | None
) -> dict[str, Any]:
    """The README's values for the role the customer creates."""
    name, region = stack_name(spec), spec.region
    where = shlex.join(["--region", region, "--stack-name", name])
    deploy = (
        f"aws cloudformation deploy {where} \\\n"
        f"  --template-file cloudformation.yaml --capabilities {CAPABILITY}\n"
        f"aws cloudformation describe-stacks {where} \\\n"
        "  --query \"Stacks[0].Outputs[?OutputKey=='RoleArn'].OutputValue\" --output text"
    )
    delete_stack = _lines(
        ["aws", "cloudformation", "delete-stack", "--region", region, "--stack-name", name],
        ["aws", "cloudformation", "wait", "stack-delete-complete", "--region", region, "--stack-name", name],
    )
    role = ["--role-name", spec.role_name]
    delete_role = _lines(
        ["aws", "iam", "delete-role-policy", *role, "--policy-name", spec.policy_name],
        ["aws", "iam", "delete-role", *role],
    )
    source = module_source(module_source_template, spec.module) if module_source_template else None
    return {
        "spec": spec,
        "duration": _duration(spec.max_session_duration),
        "trust_json": spec.trust_policy.to_json(indent=2),
        "permission_json": spec.permission_policy.to_json(indent=2),
        "a_permissions": describe_all(spec.statements),
        "stack_name": name,
        "launch_url": launch_stack_url(template_url, spec) if template_url else None,
        "deploy_commands": deploy,
        "cdk_commands": CDK_COMMANDS,
        "cdk_destroy": CDK_DESTROY,
        "delete_stack": delete_stack,
        "delete_role": delete_role,
        "node_min": cdk.NODE_MIN,
        "module": spec.module,
        "modules_version": MODULES_VERSION,
        "terraform": terraform_usage(spec, source) if source else None,
        "root_folder": f"{spec.tenant}/{spec.scenario}",
        "customer_cloud": spec.customer_cloud,
    }


def _snippets(b: RoleSpec) -> tuple[str, str]:
    """The Scenario B role's ``assume_role.py`` and ``assume_role.mjs``."""
    return assume_snippets.python_snippet(b), assume_snippets.javascript_snippet(b)


def _scenario_b(b: RoleSpec, snippets: tuple[str, str] | None = None) -> dict[str, Any]:
    """The README's values for the role the customer assumes (``snippets``: its Python and JavaScript
    files, when the kit has rendered them already)."""
    python, javascript = snippets or _snippets(b)
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": b.role_arn}],
    }
    return {
        "b": b,
        "b_duration": _duration(b.max_session_duration),
        "b_permission_json": b.permission_policy.to_json(indent=2),
        "b_permissions": describe_all(b.statements),
        "b_cli": assume_snippets.cli_command(b),
        "b_python": python.rstrip("\n"),
        "b_javascript": javascript.rstrip("\n"),
        "b_python_file": assume_snippets.PYTHON_FILE,
        "b_javascript_file": assume_snippets.JS_FILE,
        "b_session_name": assume_snippets.session_name(b),
        "b_deny_json": indented(deny),
    }


def render_readme(
    specs: RoleSpec | Sequence[RoleSpec],
    module_source_template: str | None = None,
    template_url: str | None = None,
    leaving: Sequence[RoleSpec] = (),
    snippets: tuple[str, str] | None = None,
) -> str:
    """README.md: each role's values and permissions in plain words; for a Scenario A role, console
    steps and how to use the template, the app and the module; for a Scenario B role, how to assume
    it (``snippets``: its Python and JavaScript files, if rendered already); and how to revoke each."""
    a, b = _split(specs)
    first = a or b
    assert first is not None, "a kit needs a role"
    context: dict[str, Any] = {"partner": first.partner, "tenant": first.tenant, "spec": None, "b": None}
    if a is not None:
        context.update(_scenario_a(a, module_source_template, template_url))
    if b is not None:
        context.update(_scenario_b(b, snippets))
    context.update(_revoking(leaving))
    return _env().get_template("README.md.j2").render(**context)


def _split(specs: RoleSpec | Sequence[RoleSpec]) -> tuple[RoleSpec | None, RoleSpec | None]:
    """(the Scenario A role, the Scenario B role) of one tenant, either may be None."""
    roles = [specs] if isinstance(specs, RoleSpec) else list(specs)
    if len({s.tenant for s in roles}) > 1:
        raise ValueError("a kit holds the roles of one tenant")
    a = next((s for s in roles if s.scenario == SCENARIO), None)
    b = next((s for s in roles if s.scenario == SCENARIO_B), None)
    return a, b


def render_kit(
    specs: RoleSpec | Sequence[RoleSpec],
    module_source_template: str | None = None,
    template_url: str | None = None,
    leaving: Sequence[RoleSpec] = (),
) -> dict[str, str]:
    """Files of one tenant's kit (its Scenario A and/or B role, and a section for one being
    offboarded), relative to the tenant folder."""
    a, b = _split(specs)
    if a is None and b is None:
        return {}
    snippets = _snippets(b) if b is not None else None
    readme = render_readme([s for s in (a, b) if s], module_source_template, template_url, leaving, snippets)
    files = {"README.md": readme}
    if a is not None:
        name = stack_name(a)
        files["cloudformation.yaml"] = render_template(a, name)
        files.update({f"cdk/{rel}": text for rel, text in cdk.render_app(a, name).items()})
    if snippets is not None:
        files[assume_snippets.PYTHON_FILE], files[assume_snippets.JS_FILE] = snippets
    return {f"{FOLDER}/{rel}": text for rel, text in sorted(files.items())}


def _revoking(leaving: Sequence[RoleSpec]) -> dict[str, Any]:
    """The values of the "access is being revoked" text for a tenant's offboarding roles."""
    gone_a, gone_b = _split(leaving)
    context: dict[str, Any] = {"gone_a": gone_a, "gone_b": gone_b}
    if gone_a is not None:
        name = stack_name(gone_a)
        context["gone_stack"] = name
        context["gone_delete"] = shlex.join(
            ["aws", "cloudformation", "delete-stack", "--region", gone_a.region, "--stack-name", name]
        )
    return context


def render_revoked(leaving: Sequence[RoleSpec]) -> dict[str, str]:
    """A kit whose roles are all offboarding: only a README that says access is being revoked, and
    how to delete a role the customer created itself."""
    text = _env().get_template("revoked.md.j2").render(**_revoking(leaving))
    return {f"{FOLDER}/README.md": text}


def render_onboarding(specs: list[RoleSpec], loaded: LoadedRegistry) -> dict[str, str]:
    """The kit of a tenant's roles, one folder for both scenarios; a role being offboarded beside a
    live one gets the "being revoked" section in the live role's kit."""
    partner: Any = loaded.model.partner
    live = [s for s in specs if s.status != "offboarding"]
    leaving = [s for s in specs if s.status == "offboarding"]
    if not live:
        return render_revoked(leaving) if leaving else {}
    return render_kit(live, partner.module_source, partner.onboarding_template_url, leaving)


def kit_warnings(loaded: LoadedRegistry) -> list[str]:
    """What the partner should know about the kits ``generate`` writes (one line each)."""
    partner = loaded.model.partner
    has_a = any(t.partner_to_customer is not None for t in loaded.model.tenants)
    if has_a and not partner.module_source:
        return [f"{loaded.path}: {NO_MODULE_SOURCE}"]
    return []
