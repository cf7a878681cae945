"""README.md: exact values to paste, read back with a CommonMark parser; Terraform usage; launch link."""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import hcl2
import pytest
from hcl2.utils import SerializationOptions
from markdown_it import MarkdownIt

from generator import MODULES_VERSION
from generator.policy.roles import RoleSpec
from generator.registry import LoadedRegistry
from generator.render import onboarding
from generator.render.onboarding import code, fence, render_kit, stack_name
from generator.render.terraform import ModuleSource, render_root

NO_COMMENTS = SerializationOptions(with_comments=False)
TEMPLATE_URL = "https://teamform-onboarding.s3.amazonaws.com/kits/{tenant}/cloudformation.yaml"


def _tokens(markdown: str) -> list:
    tokens = []
    for token in MarkdownIt("commonmark").parse(markdown):
        tokens.append(token)
        tokens.extend(token.children or [])
    return tokens


def _readme(spec: RoleSpec, **kwargs: str) -> str:
    return render_kit(spec, **kwargs)["onboarding/README.md"]


def _fences(markdown: str) -> list[tuple[str, str]]:
    return [(t.info, t.content) for t in _tokens(markdown) if t.type == "fence"]


def _inline_code(markdown: str) -> list[str]:
    return [t.content for t in _tokens(markdown) if t.type == "code_inline"]


# " " and "   ": only spaces (a tag may be), which CommonMark shows as they are, without stripping a pad.
@pytest.mark.parametrize(
    "value", ["plain", "`", "a`b", "``x``", " pad ", "`edge`", "a|b<c>*d*", "${x}", " ", "   ", " ` "]
)
def test_code_span_shows_the_value(value: str) -> None:
    assert _inline_code(code(value)) == [value]


@pytest.mark.parametrize("text", ["x", "```\ninside\n```", "````", "a\n\n  b\n", "<b>html</b>"])
def test_fence_shows_the_text(text: str) -> None:
    assert _fences(fence(text, "text")) == [("text", text + "\n")]


def test_fence_is_three_backticks_unless_the_text_holds_a_run_as_long() -> None:
    assert fence("a\nb", "sh") == "```sh\na\nb\n```"
    assert fence("x``y", "") == "```\nx``y\n```"
    assert fence("```", "text") == "````text\n```\n````"


def test_values_to_paste(scenario_a: list[RoleSpec]) -> None:
    for spec in scenario_a:
        readme = _readme(spec)
        spans = _inline_code(readme)
        for value in (
            spec.account_id,
            spec.trusted_account_id,
            spec.external_id,
            spec.role_name,
            spec.policy_name,
            str(spec.max_session_duration),
            *spec.trusted_principal_arns,
        ):
            assert value in spans
        fences = dict(_fences(readme))
        assert json.loads(fences["json"]) is not None
        jsons = [json.loads(content) for info, content in _fences(readme) if info == "json"]
        assert jsons == [spec.trust_policy.to_iam(), spec.permission_policy.to_iam()]
        assert ("text", spec.role_arn + "\n") in _fences(readme)
        assert "IAM > Roles > Create role" in readme  # console steps are there for a "/" path
        assert stack_name(spec) in spans


def test_hostile_values_stay_literal(hostile: RoleSpec) -> None:
    readme = _readme(hostile)
    tokens = _tokens(readme)
    assert [t.type for t in tokens if t.type.startswith("html")] == ["html_block"]  # the header comment only
    description = hostile.description.replace("\r\n", "\n").replace("\r", "\n")  # CommonMark line endings
    assert ("text", description + "\n") in _fences(readme)
    spans = _inline_code(readme)
    assert hostile.role_path in spans and hostile.permissions_boundary in spans
    for key, value in hostile.tags.items():
        assert key in spans and (value in spans or value == "")
    jsons = [json.loads(content) for info, content in _fences(readme) if info == "json"]
    assert jsons == [hostile.trust_policy.to_iam(), hostile.permission_policy.to_iam()]
    assert "IAM > Roles > Create role" not in readme  # the console cannot set a path


def _module_block(hcl: str, name: str) -> dict:
    (block,) = [
        m[f'"{name}"']
        for m in hcl2.loads(hcl, serialization_options=NO_COMMENTS)["module"]
        if f'"{name}"' in m
    ]
    return block


@pytest.mark.parametrize(
    "template",
    [
        "git::ssh://git@example.com/xacct.git//modules/{module}?ref=v{version}",
        "git::https://example.com/xacct.git//modules/{module}?ref=v{version}",
    ],
)
def test_terraform_usage_matches_the_generated_root(
    scenario_a: list[RoleSpec], hostile: RoleSpec, template: str, tmp_path: Path
) -> None:
    source = ModuleSource(template=template, local_dir=None, version=MODULES_VERSION)
    for spec in [*scenario_a, hostile]:
        (hcl,) = [
            content
            for info, content in _fences(_readme(spec, module_source_template=template))
            if info == "hcl"
        ]
        usage = _module_block(hcl, "cross_account_role")
        root = _module_block(render_root(spec, tmp_path, source, None)["main.tf"], "role")
        assert usage == root
        assert usage["source"] == f'"{source.for_root("customer-role", tmp_path)}"'
        assert f"ref=v{MODULES_VERSION}" in usage["source"] and "customer-role" in usage["source"]
        provider = hcl2.loads(hcl)["provider"][0]['"aws"']
        assert provider["allowed_account_ids"] == [f'"{spec.account_id}"']


def test_no_module_section_without_a_source(scenario_a: list[RoleSpec], hostile: RoleSpec) -> None:
    """No module source: three ways to create the role, no Terraform section, no hcl block."""
    for spec in [*scenario_a, hostile]:
        readme = _readme(spec)
        assert [info for info, _ in _fences(readme) if info == "hcl"] == []
        assert "of three ways" in readme and "4-terraform" not in readme and "terraform destroy" not in readme
        with_source = _readme(spec, module_source_template="git::https://x.test/m//{module}?ref=v{version}")
        assert "of four ways" in with_source and "`terraform destroy`" in with_source


def test_launch_stack_link_only_with_a_template_url(scenario_a: list[RoleSpec]) -> None:
    spec = scenario_a[1]
    assert "Launch stack" not in _readme(spec)
    readme = _readme(spec, template_url=TEMPLATE_URL)
    (href,) = [
        t.attrGet("href")
        for t in _tokens(readme)
        if t.type == "link_open" and t.attrGet("href").startswith("https:")
    ]
    url = urlsplit(href)
    assert (url.scheme, url.netloc, url.path) == ("https", "console.aws.amazon.com", "/cloudformation/home")
    assert parse_qs(url.query) == {"region": [spec.region]}
    fragment_path, _, fragment_query = url.fragment.partition("?")
    assert fragment_path == "/stacks/create/review"
    assert parse_qs(fragment_query) == {
        "templateURL": [TEMPLATE_URL.replace("{tenant}", spec.tenant)],
        "stackName": [stack_name(spec)],
    }


def _variants(roles: list[RoleSpec], hostile: RoleSpec) -> list[list[RoleSpec]]:
    """Kits in every state the README's included parts speak of: both scenarios, one, suspended,
    rotating, adopted, hostile values, and a role being offboarded beside a live one or alone."""
    by_tenant: dict[str, list[RoleSpec]] = {}
    for spec in roles:
        by_tenant.setdefault(spec.tenant, []).append(spec)
    kits = [*by_tenant.values(), [hostile]]
    for specs in by_tenant.values():
        kits.append([s.model_copy(update={"status": "suspended"}) for s in specs])
        kits.append([s.model_copy(update={"additional_external_ids": ("next-id-1234",)}) for s in specs])
        kits.append([s.model_copy(update={"adopt": True}) for s in specs])
        kits.append([s.model_copy(update={"status": "offboarding"}) for s in specs])
        if len(specs) == 2:
            kits.append([specs[0], specs[1].model_copy(update={"status": "offboarding"})])
            kits.append([specs[0].model_copy(update={"status": "offboarding"}), specs[1]])
    return kits


def test_inlined_includes_render_as_jinja_includes(
    example: LoadedRegistry, example_roles: list[RoleSpec], hostile: RoleSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kits render from templates with their includes inlined (`_InliningLoader`): the same text
    as jinja's own includes, in every state, with and without a module source and launch link."""
    kits = _variants(example_roles, hostile)
    source = "git::https://x.test/m//{module}?ref=v{version}"
    settings = [{}, {"module_source": source, "onboarding_template_url": TEMPLATE_URL}]
    registries = [
        dataclasses.replace(example, model=example.model.model_copy(update={"partner": partner}))
        for partner in (example.model.partner.model_copy(update=s) for s in settings)
    ]
    env = onboarding._env
    rendered = []
    for inline in (True, False):
        monkeypatch.setattr(onboarding, "_env", functools.partial(env, inline))
        rendered.append([onboarding.render_onboarding(kit, loaded) for loaded in registries for kit in kits])
    assert rendered[0] == rendered[1]
    assert len(rendered[0]) == 2 * len(kits) > 20
    inlined = env().loader
    assert inlined is not None and "{% include" not in inlined.get_source(env(), "README.md.j2")[0]
