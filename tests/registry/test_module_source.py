"""``partner.module_source``: only ``{module}`` and ``{version}``; rendering never calls str.format."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from generator.registry import RegistryError, load_registry_text
from generator.registry.module_source import module_source_problem, render_module_source

from .base_registry import edit

PARTNER_LINE = "  principal_arn: arn:aws:iam::111111111111:role/teamform-integration\n"


def with_source(source: str) -> str:
    """BASE with ``partner.module_source`` set (on line 7), written as a JSON string (YAML reads it back)."""
    return edit(PARTNER_LINE, f"{PARTNER_LINE}  module_source: {json.dumps(source, ensure_ascii=False)}\n")


@pytest.mark.parametrize(
    "source",
    [
        "git::https://github.com/ORG/xacct.git//modules/{module}?ref=v{version}",
        "app.terraform.io/org/{module}/aws",
        "./modules/{module}",
        "registry/{version}/{module}/{module}",
        "no-placeholders-at-all",
    ],
)
def test_good_sources_are_accepted(source: str) -> None:
    assert module_source_problem(source) is None
    loaded = load_registry_text(with_source(source))
    assert loaded.model.partner.module_source == source


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("git::https://x/{mod}", 'has the placeholder "{mod}": did you mean {module}? use only'),
        ("git::https://x/{", 'has a "{" that is not part of a placeholder: remove it'),
        ("git::https://x/}", 'has a "}" that is not part of a placeholder: remove it'),
        ("x/{module.__class__.__mro__}", 'has the placeholder "{module.__class__.__mro__}": use only'),
        ("x/{module[0]}", 'has the placeholder "{module[0]}"'),
        ("x/{module!r}", 'has the placeholder "{module!r}"'),
        ("x/{version:>10}", 'has the placeholder "{version:>10}"'),
        ("x/{0}", 'has the placeholder "{0}"'),
        ("x/{}", 'has the placeholder "{}"'),
        ("x/{{module}}", 'has a "{" that is not part of a placeholder'),
        ("x/{Module}", 'has the placeholder "{Module}"'),
    ],
)
def test_bad_sources_are_a_registry_error_at_their_line(source: str, fragment: str) -> None:
    with pytest.raises(RegistryError) as caught:
        load_registry_text(with_source(source), "r.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.path) == (7, "partner.module_source")
    assert fragment in problem.message
    assert "{module} and {version}" in problem.message


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("git::https://x/{module}\n?ref=v{version}", "control or invisible character U+000A at position 24"),
        ("./modules/{module}\u0000", "U+0000"),
        ("./modules/\u202e{module}", "U+202E"),  # right-to-left override: reads as another path
        ("./modules/\u200b{module}", "U+200B"),  # zero-width space
        ("./modules/{module}\u2028", "U+2028"),
        (" ./modules/{module}", "starts or ends with a space: remove it"),
        ("./modules/{module}\t", "U+0009"),
        ("./modules/{module}\u3000", "starts or ends with a space"),
    ],
)
def test_control_characters_and_spaces_at_the_ends_are_refused(source: str, fragment: str) -> None:
    """terraform cannot fetch such a source; a space inside stays (a local folder may have one)."""
    assert fragment in (module_source_problem(source) or "")
    with pytest.raises(RegistryError) as caught:
        load_registry_text(with_source(source), "r.yaml")
    [problem] = caught.value.problems
    assert problem.path == "partner.module_source" and fragment in problem.message
    assert module_source_problem("./my modules/{module}") is None
    assert "U+0085" in (module_source_problem("./modules/{module}\x85") or "")  # YAML reads NEL as a space
    assert "U+007F" in (module_source_problem("./modules/{module}\x7f") or "")  # YAML refuses DEL itself


def test_rendering_replaces_only_the_two_placeholders() -> None:
    assert render_module_source("g//modules/{module}?ref=v{version}", "customer-role", "1.2.0") == (
        "g//modules/customer-role?ref=v1.2.0"
    )
    # values are not templates themselves: a brace in a value stays as it is
    assert render_module_source("{module}/{version}", "{version}", "{module}") == "{version}/{module}"


# text a YAML file can hold (no control characters, surrogates or non-characters)
YAML_TEXT = st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="\ufffe\uffff")
BRACE_FREE = st.text(
    alphabet=st.characters(blacklist_categories=["Cc", "Cs"], blacklist_characters="{}\ufffe\uffff"),
    max_size=12,
)
PIECES = st.lists(st.one_of(BRACE_FREE, st.sampled_from(["{module}", "{version}"])), max_size=6)
VISIBLE = st.text(  # what a valid template holds besides its placeholders
    alphabet=st.characters(
        blacklist_categories=["Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"], blacklist_characters="{}"
    ),
    max_size=12,
)
VALID_PIECES = st.lists(st.one_of(VISIBLE, st.sampled_from(["{module}", "{version}"])), max_size=6)


@settings(max_examples=300, deadline=None)
@given(pieces=PIECES, stray=st.text(alphabet=YAML_TEXT, max_size=8), at=st.integers(min_value=0, max_value=6))
def test_any_brace_outside_the_placeholders_is_refused_and_nothing_else_is_raised(
    pieces: list[str], stray: str, at: int
) -> None:
    bad = "".join(pieces[:at]) + "{" + stray + "".join(pieces[at:])
    if re.fullmatch(r"(?:[^{}]|\{module\}|\{version\})*", bad):
        return  # the stray text happened to close a placeholder
    assert module_source_problem(bad) is not None
    try:
        load_registry_text(with_source(bad))
    except RegistryError as exc:
        assert any(p.path == "partner.module_source" for p in exc.problems)
    else:
        raise AssertionError(f"{bad!r} was accepted")


@settings(max_examples=200, deadline=None)
@given(pieces=VALID_PIECES, module=BRACE_FREE, version=BRACE_FREE)
def test_valid_templates_render_by_plain_replacement(pieces: list[str], module: str, version: str) -> None:
    template = "".join(pieces)
    assume(template == template.strip())
    assert module_source_problem(template) is None
    expected = "".join(module if p == "{module}" else version if p == "{version}" else p for p in pieces)
    assert render_module_source(template, module, version) == expected
