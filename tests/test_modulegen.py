"""`make docs` (generator.modulegen): the wrapper modules' generated .tf files and the module READMEs.

No terraform here: tests/test_modules.py formats, plans and `terraform test`s what this generates.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import hcl2
import pytest

from generator.modulegen import hcltext
from generator.modulegen import readme as moduledocs
from generator.modulegen.sync import main, sync
from generator.modulegen.wrapper_spec import load_spec
from generator.modulegen.wrappers import GENERATED, MARK

REPO = Path(__file__).resolve().parent.parent
MODULES_DIR = REPO / "modules"
CORE = "cross-account-role"
WRAPPERS = ("customer-role", "partner-role")
FIXED = {"customer-role": "PartnerAssumeRole", "partner-role": "CustomerAssumeRole"}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A private copy of modules/."""
    shutil.copytree(MODULES_DIR, tmp_path / "modules", ignore=shutil.ignore_patterns(".terraform*"))
    return tmp_path / "modules"


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _variables(path: Path) -> dict[str, dict[str, Any]]:
    parsed = hcl2.loads(path.read_text(encoding="utf-8"))
    return {moduledocs.unquote(k): v for block in parsed["variable"] for k, v in block.items()}


def _rules(body: dict[str, Any]) -> list[str]:
    return [rule["condition"] for rule in body.get("validation", [])]


def test_generated_module_files_are_up_to_date() -> None:
    stale = sync(MODULES_DIR, check=True)
    assert stale == [], f"stale generated module files (run `make docs`): {stale}"


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrapper_files_say_they_are_generated(wrapper: str) -> None:
    for name in GENERATED:
        text = (MODULES_DIR / wrapper / name).read_text(encoding="utf-8")
        assert text.startswith(MARK + " (python -m generator.modulegen modules) from\n"), name
        assert "wrapper.toml: do not edit; change those and run `make docs`." in text.split("\n")[1], name


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrappers_declare_the_core_variables_with_its_validations(wrapper: str) -> None:
    """#19: a flat wrapper calls no module, so it declares the core's variables with the core's type,
    default, nullability and validations (wrapper.toml's rules after them), all but the fixed Sid."""
    core = _variables(MODULES_DIR / CORE / "variables.tf")
    outer = _variables(MODULES_DIR / wrapper / "variables.tf")
    assert list(outer) == [name for name in core if name != "trust_statement_sid"]
    for name, body in outer.items():
        for key in ("type", "nullable"):
            assert body.get(key) == core[name].get(key), (name, key)
        own = _rules(body)[len(_rules(core[name])) :]
        assert _rules(body)[: len(_rules(core[name]))] == _rules(core[name]), (
            f"{wrapper} lost a rule of {name}"
        )
        if (wrapper, name) == ("customer-role", "external_id"):
            assert "default" not in body and own == ["${var.external_id != null}"]
        else:
            assert body.get("default", "absent") == core[name].get("default", "absent"), name
            assert own == [], name
    assert sum(len(_rules(body)) for body in core.values()) == 25  # 22, and 3 on additional_external_ids
    assert sum(len(_rules(body)) for body in outer.values()) == 24 + (wrapper == "customer-role")


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrappers_hold_the_core_resources_with_the_fixed_values_and_move_the_old_state(wrapper: str) -> None:
    """One module instance per role: the wrapper's main.tf is the core's (no module call), the fixed
    variable a local; moved blocks take a 0.2.0 caller's module.role.<resource> to the wrapper's own."""
    text = (MODULES_DIR / wrapper / "main.tf").read_text(encoding="utf-8")
    core_text = (MODULES_DIR / CORE / "main.tf").read_text(encoding="utf-8")
    assert "var.trust_statement_sid" in core_text  # what the local stands in for
    assert not re.search(r"\bvar\.trust_statement_sid\b", text)
    fixed = core_text.replace("var.trust_statement_sid", "local.trust_statement_sid")
    assert fixed.strip() in text
    parsed, core = hcl2.loads(text), hcl2.loads(fixed)
    assert "module" not in parsed
    assert parsed["locals"][0] == {"trust_statement_sid": f'"{FIXED[wrapper]}"', "__is_block__": True}
    assert parsed["locals"][1:] == core["locals"]
    assert parsed["resource"] == core["resource"]
    assert [(m["from"], m["to"]) for m in parsed["moved"]] == [
        ("${module.role.aws_iam_role.this}", "${aws_iam_role.this}"),
        ("${module.role.aws_iam_role_policy.this}", "${aws_iam_role_policy.this}"),
    ]
    outputs = (MODULES_DIR / wrapper / "outputs.tf").read_text(encoding="utf-8")
    assert outputs.split("\n", 3)[3] == (MODULES_DIR / CORE / "outputs.tf").read_text(encoding="utf-8")


def test_external_id_is_required_only_for_the_customer_role() -> None:
    customer = _variables(MODULES_DIR / "customer-role" / "variables.tf")["external_id"]
    partner = _variables(MODULES_DIR / "partner-role" / "variables.tf")["external_id"]
    assert "default" not in customer
    core = _variables(MODULES_DIR / CORE / "variables.tf")["external_id"]
    assert _rules(customer) == [*_rules(core), "${var.external_id != null}"]
    assert partner["default"] is None and _rules(partner) == _rules(core)


def test_check_finds_a_changed_core_and_make_docs_brings_every_file_up_to_date(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    variables = copy / CORE / "variables.tf"
    tags_description = re.compile(r'(variable "tags" \{\n  description = )".*"')
    edited = tags_description.sub(r'\1"Tags for the \\"role\\" | $${x}."', variables.read_text(), count=1)
    assert edited != variables.read_text()
    variables.write_text(edited, encoding="utf-8")
    before = _files(copy)

    assert main([str(copy), "--check"]) == 1
    listed = capsys.readouterr().out
    for wrapper in WRAPPERS:
        assert f"stale: {copy / wrapper / 'variables.tf'}" in listed
        assert f"stale: {copy / wrapper / 'README.md'}" in listed
        assert f"{copy / wrapper / 'main.tf'}" not in listed
    assert f"stale: {copy / CORE / 'README.md'}" in listed
    assert _files(copy) == before

    assert main([str(copy)]) == 0
    for module in (CORE, *WRAPPERS):
        text = (copy / module / "README.md").read_text()
        assert '| `tags` | Tags for the "role" \\| ${x}. | `map(string)` | `{}` | no |' in text, module
    for wrapper in WRAPPERS:
        assert (
            'description = "Tags for the \\"role\\" | $${x}."'
            in (copy / wrapper / "variables.tf").read_text()
        )
    after = _files(copy)
    assert main([str(copy), "--check"]) == 0
    assert main([str(copy)]) == 0
    assert _files(copy) == after  # deterministic: a second run writes the same bytes


def test_a_new_core_variable_and_output_reach_every_wrapper(copy: Path) -> None:
    with (copy / CORE / "variables.tf").open("a") as handle:
        handle.write(
            '\nvariable "session_tags" {\n  description = "Tags {for} \\"sessions\\"."\n'
            "  type = list(object({\n    key   = string\n    value = optional(string)\n  }))\n"
            "  default  = []\n  nullable = false\n\n  validation {\n"
            '    condition     = length(var.session_tags) < 50\n    error_message = "Too many."\n  }\n}\n'
        )
    with (copy / CORE / "outputs.tf").open("a") as handle:
        handle.write('\noutput "role_id" {\n  description = "ID."\n  value       = aws_iam_role.this.id\n}\n')
    assert main([str(copy)]) == 0
    for wrapper in WRAPPERS:
        text = (copy / wrapper / "variables.tf").read_text()
        block = text[text.index('variable "session_tags"') :]
        assert block == (
            'variable "session_tags" {\n  description = "Tags {for} \\"sessions\\"."\n'
            "  type = list(object({\n    key   = string\n    value = optional(string)\n  }))\n"
            "  default  = []\n  nullable = false\n\n  validation {\n"
            '    condition     = length(var.session_tags) < 50\n    error_message = "Too many."\n  }\n}\n'
        )
        assert re.search(
            r'output "role_id" \{\n  description = "ID."\n  value       = aws_iam_role.this.id\n\}',
            (copy / wrapper / "outputs.tf").read_text(),
        )
        assert "| `session_tags` |" in (copy / wrapper / "README.md").read_text()


def test_a_hand_edited_generated_file_is_stale_and_a_foreign_one_is_never_overwritten(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_tf = copy / "partner-role" / "main.tf"
    main_tf.write_text(main_tf.read_text().replace('"CustomerAssumeRole"', '"Edited"'))
    assert main([str(copy), "--check"]) == 1
    assert f"stale: {main_tf}" in capsys.readouterr().out
    assert main([str(copy)]) == 0
    assert '"CustomerAssumeRole"' in main_tf.read_text()

    foreign = "# my own module call\n"
    main_tf.write_text(foreign)
    assert main([str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"error: {main_tf}: not written by `make docs`" in err
    assert main_tf.read_text() == foreign
    main_tf.unlink()
    assert main([str(copy)]) == 0 and main_tf.read_text().startswith(MARK)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            'core = "cross-account-role"\ncomment = "x"\n[fixed]\nno_such = "a"\n',
            "fixed.no_such: the core module",
        ),
        (
            'core = "cross-account-role"\ncomment = "x"\n[variables.nope]\nrequired = true\n',
            "variables.nope: the core module",
        ),
        (
            'core = "cross-account-role"\ncomment = "x"\n[fixed]\ntags = "a"\n'
            '[variables.tags]\ndescription = "d"\n',
            "variables.tags: 'tags' is fixed",
        ),
        (
            'core = "cross-account-role"\ncomment = "x"\ncolour = "red"\n',
            "colour: Extra inputs are not permitted",
        ),
        ('core = "cross-account-role"\n', "comment: Field required"),
        ('core = "no-such-module"\ncomment = "x"\n', "core: no module 'no-such-module'"),
        ('core = "customer-role"\ncomment = "x"\n', "core: 'customer-role' is itself a wrapper"),
        ('core = "../etc"\ncomment = "x"\n', "core: String should match pattern"),
        ("core = \n", "not valid TOML"),
    ],
)
def test_a_bad_spec_is_one_line_naming_file_and_field(
    copy: Path, toml: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = copy / "partner-role" / "wrapper.toml"
    spec.write_text(toml, encoding="utf-8")
    before = _files(copy)
    assert main([str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {spec}: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _files(copy) == before


def test_specs_load() -> None:
    spec = load_spec(MODULES_DIR / "customer-role" / "wrapper.toml")
    assert spec.core == CORE and spec.fixed == {"trust_statement_sid": "PartnerAssumeRole"}
    assert spec.variables["external_id"].required


def test_line_depths_skip_brackets_in_strings_templates_and_comments() -> None:
    text = 'a = "{[(" # {\nb = {\n  c = "${x({y})}" // }\n  /* {\n */ d = [\n    1,\n  ]\n}\n'
    assert hcltext.line_depths(text) == [0, 0, 1, 1, 1, 2, 2, 1, 0]
    for bad in ('a = "open\n', "a = (]\n", "a = <<EOF\nx\nEOF\n", "a = {\n"):
        with pytest.raises(hcltext.HclTextError):
            hcltext.line_depths(bad)


@pytest.mark.parametrize("value", ["plain", 'a "q" \\ b', "tab\tnl\n${x} %{if}", "$${y}"])
def test_quoted_is_read_back_as_the_value(value: str) -> None:
    assert moduledocs.unquote(hcltext.quoted(value)) == value


def test_attribute_lines_align_like_terraform_fmt() -> None:
    attrs = [
        hcltext.Attribute("description", '"d"'),
        hcltext.Attribute("type", "object({\n    a = string\n  })"),
        hcltext.Attribute("default", "null"),
        hcltext.Attribute("nullable", "true"),
    ]
    assert hcltext.attribute_lines(attrs, "  ") == [
        '  description = "d"',
        "  type = object({\n    a = string\n  })",
        "  default  = null",
        "  nullable = true",
    ]


def test_moduledocs_refuses_a_readme_without_markers(tmp_path: Path) -> None:
    module = tmp_path / "modules" / "m"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text('variable "x" {\n  type = string\n}\n')
    assert main([str(tmp_path / "modules"), "--check"]) == 2
    (module / "README.md").write_text("# m\n")
    assert main([str(tmp_path / "modules"), "--check"]) == 2
    (module / "README.md").write_text(f"# m\n{moduledocs.END}\n{moduledocs.BEGIN}\n")
    assert main([str(tmp_path / "modules")]) == 2
    (module / "README.md").write_text(f"# m\n{moduledocs.BEGIN}\n{moduledocs.END}\nfooter\n")
    assert main([str(tmp_path / "modules")]) == 0
    text = (module / "README.md").read_text()
    assert "| `x` |  | `string` | n/a | yes |" in text and text.endswith("footer\n")


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        (r'"plain"', "plain"),
        (r'"a \"quoted\" word"', 'a "quoted" word'),
        (r'"back\\slash \n\t"', "back\\slash \n\t"),
        (r'"$${var.x} and %%{if}"', "${var.x} and %{if}"),
        (r'"\u00e9\U0001F642"', "é🙂"),
        (r'"\\u00e9"', "\\u00e9"),
    ],
)
def test_unquote_reverses_hcl_escapes(literal: str, value: str) -> None:
    assert moduledocs.unquote(literal) == value


def test_defaults_and_types_render_as_hcl() -> None:
    parsed = hcl2.loads(
        'variable "v" {\n  type = map(list(string))\n'
        '  default = { a = ["x"], "b c" = [] }\n  nullable = false\n}\n'
    )
    (body,) = parsed["variable"][0].values()
    assert moduledocs.expression(body["type"]) == "map(list(string))"
    assert moduledocs.hcl_value(body["default"]) == '{ a = ["x"], "b c" = [] }'
    assert moduledocs.hcl_value(None) == "null"
    assert moduledocs.hcl_value(3600) == "3600"


@pytest.mark.parametrize(
    ("name", "junk"), [("outputs.tf", "x\n"), ("variables.tf", 'variable "v" {\n  a = "\n')]
)
def test_an_unreadable_core_file_is_one_line_and_writes_nothing(
    copy: Path, name: str, junk: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with (copy / CORE / name).open("a") as handle:
        handle.write(junk)
    before = _files(copy)
    assert main([str(copy)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {copy / CORE / name}: ") and err.count("\n") == 1, err
    assert _files(copy) == before


def test_a_new_core_resource_gets_its_moved_block_and_a_fixed_value_is_read_everywhere(copy: Path) -> None:
    main_tf = copy / CORE / "main.tf"
    main_tf.write_text(
        main_tf.read_text()
        + '\nresource "aws_iam_role_policy_attachment" "extra" {\n  count      = 0\n'
        + "  role       = aws_iam_role.this.name\n"
        + '  policy_arn = "var.trust_statement_sid ${var.trust_statement_sid}"\n}\n'
        + '\nmodule "nested" {\n  source = "./nested"\n'
        + "  sid    = var.trust_statement_sid # var.trust_statement_sid\n}\n"
    )
    assert main([str(copy)]) == 0
    for wrapper in WRAPPERS:
        text = (copy / wrapper / "main.tf").read_text()
        assert 'policy_arn = "var.trust_statement_sid ${local.trust_statement_sid}"' in text  # literal kept
        assert "  sid    = local.trust_statement_sid # local.trust_statement_sid\n" in text
        moved = [(m["from"], m["to"]) for m in hcl2.loads(text)["moved"]]
        assert moved[2:] == [
            (
                "${module.role.aws_iam_role_policy_attachment.extra}",
                "${aws_iam_role_policy_attachment.extra}",
            ),
            ("${module.role.module.nested}", "${module.nested}"),
        ]


def test_a_core_the_wrappers_cannot_follow_is_one_line(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main_tf = copy / CORE / "main.tf"
    original = main_tf.read_text()
    main_tf.write_text(original.replace("locals {\n", "locals {\n  trust_statement_sid = 1\n", 1))
    before = _files(copy)
    assert main([str(copy)]) == 2
    err = capsys.readouterr().err
    assert "fixed.trust_statement_sid: the core's main.tf declares a local" in err and err.count("\n") == 1
    assert _files(copy) == before

    main_tf.write_text(original)
    (copy / CORE / "data.tf").write_text('data "aws_partition" "current" {}\n')
    assert main([str(copy)]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith(f"error: {copy / CORE / 'data.tf'}: a wrapper is generated from")
        and err.count("\n") == 1
    )


def test_replace_references_skips_literal_text_only() -> None:
    refs = {"var.a": "local.a"}
    text = (
        'x = var.a + var.ab + var.a-b + foo.var.a\ny = "var.a ${var.a} $${var.a} %{if var.a}var.a%{endif}"\n'
    )
    assert hcltext.replace_references(text, refs) == (
        "x = local.a + var.ab + var.a-b + foo.var.a\n"
        'y = "var.a ${local.a} $${var.a} %{if local.a}var.a%{endif}"\n'
    )
