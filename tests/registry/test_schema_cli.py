"""``xacct schema``: prints, writes and checks the schema; one-line refusals; and every text-preserving
registry editor (external-ids assign and rotate, import --write) keeps the editor's first-line comment."""

from __future__ import annotations

import json
from pathlib import Path

from generator.adopt.entries import edit_text
from generator.external_id_rotation import rotate
from generator.external_ids import assign
from generator.registry.loader import load_registry_text
from generator.registry.schema import EDITOR_COMMENT, registry_schema, schema_text
from tests.adopt.test_entries import ITEMS, additions
from tests.reliability.hostile import no_dump, run_main

from .test_schema import EXAMPLE


def test_schema_prints_the_schema() -> None:
    run = run_main(["schema"])
    assert run.code == 0, run.text
    assert run.out == schema_text()
    assert json.loads(run.out) == registry_schema()


def test_output_writes_and_check_compares(tmp_path: Path) -> None:
    target = tmp_path / "tenants.schema.json"
    assert run_main(["schema", "--check", str(target)]).code == 1  # missing
    written = run_main(["schema", "--output", str(target)])
    assert written.code == 0 and written.out == "", written.text
    assert target.read_text(encoding="utf-8") == schema_text()
    fresh = run_main(["schema", "--check", str(target)])
    assert fresh.code == 0 and "up to date" in fresh.out
    target.write_text(schema_text().replace('"minProperties": 1', '"minProperties": 0'), encoding="utf-8")
    stale = run_main(["schema", "--check", str(target)])
    assert stale.code == 1
    assert stale.err.strip() == f"{target}: is stale: run xacct schema --output {target}"
    assert target.read_text(encoding="utf-8") != schema_text()  # --check writes nothing


def test_unusable_files_are_one_line_exit_2(tmp_path: Path) -> None:
    for argv in (
        ["schema", "--output", str(tmp_path)],  # a folder
        ["schema", "--output", str(tmp_path / "missing" / "s.json")],
        ["schema", "--check", str(tmp_path)],
        ["schema", "--output", "a.json", "--check", "b.json"],
        ["schema", "--output", ""],
    ):
        run = run_main(argv)
        no_dump(run)
        assert run.code == 2, (argv, run.text)
        assert len(run.err.strip().splitlines()) <= 2, run.err  # argparse: usage line + one line


def test_output_never_replaces_a_file_that_is_not_a_schema(tmp_path: Path) -> None:
    """``--output tenants.yaml`` (a slip for tenants.schema.json) must not replace the registry with the
    schema: xacct overwrites only a schema (a JSON object with "$schema"); and ``--check`` of such a file
    never advises that command."""
    registry, example = tmp_path / "tenants.yaml", EXAMPLE.read_text(encoding="utf-8")
    registry.write_text(example, encoding="utf-8")
    run = run_main(["schema", "--output", str(registry)])
    assert run.code == 2 and len(run.err.splitlines()) == 1 and "not a JSON Schema" in run.err, run.text
    assert registry.read_text(encoding="utf-8") == example
    checked = run_main(["schema", "--check", str(registry)])
    assert checked.code == 1 and "not a JSON Schema" in checked.err and "--output" not in checked.err
    old = tmp_path / "old.schema.json"  # an older xacct's schema is replaced; an empty file is filled
    old.write_text('{"$schema": "https://json-schema.org/draft/2020-12/schema"}\n', encoding="utf-8")
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    for target in (old, empty):
        assert run_main(["schema", "--output", str(target)]).code == 0
        assert target.read_text(encoding="utf-8") == schema_text()


def test_help_has_a_description_an_example_and_exit_codes() -> None:
    run = run_main(["schema", "--help"])
    assert run.code == 0
    assert "JSON Schema" in run.out and "yaml-language-server" in run.out
    assert "example:\n  xacct schema --output schema/tenants.schema.json" in run.out
    codes = run.out[run.out.index("exit codes:") :]
    assert "  0 " in codes and "  1 " in codes and "  2 " in codes and "usage error" in codes


def _registry(tmp_path: Path) -> Path:
    """The example registry without acme's external ID, first line the editor comment."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.startswith(EDITOR_COMMENT + "\n")
    path = tmp_path / "tenants.yaml"
    path.write_text(
        text.replace('    external_id: "5c1f3f4e-2b7a-4f43-9d51-8a2e6b0c9f17"\n', "", 1), encoding="utf-8"
    )
    return path


def test_assign_and_rotate_keep_the_schema_comment(tmp_path: Path) -> None:
    path = _registry(tmp_path)
    assert assign(path) == ["acme"]
    assert path.read_text(encoding="utf-8").startswith(EDITOR_COMMENT + "\n")
    rotate(path, "acme")
    assert "next_external_id" in path.read_text(encoding="utf-8")
    rotate(path, "acme", finish=True)
    text = path.read_text(encoding="utf-8")
    assert text.startswith(EDITOR_COMMENT + "\n") and "next_external_id" not in text


def test_import_write_keeps_the_schema_comment() -> None:
    from tests.adopt.test_entries import TEXT

    text = f"{EDITOR_COMMENT}\n{TEXT}"
    accepted, refused = additions(text, ITEMS)
    assert refused == [] and accepted
    new = edit_text(text, accepted)
    assert new.startswith(EDITOR_COMMENT + "\n")
    assert len(load_registry_text(new).model.tenants) == 2
