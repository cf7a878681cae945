"""The registry's JSON Schema (``xacct schema``): fresh in the repo, named by the example registry, accepts
every registry the model accepts, and refuses the broken-registry corpus except the cases it cannot say."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from jsonschema.exceptions import ValidationError

from generator.permissions.discovery import kinds
from generator.registry import RegistryError, load_registry, load_registry_text
from generator.registry.schema import EDITOR_COMMENT, SCHEMA_PATH, registry_schema, schema_text
from generator.registry.source import parse_text, read_source

from .test_registry_corpus import CASES

REPO = Path(__file__).resolve().parents[2]
SHIPPED = REPO / SCHEMA_PATH
EXAMPLE = REPO / "tenants.yaml"

# Corpus cases that xacct's YAML reader refuses before any model sees them (editors' YAML parsers flag
# them too): the schema is never consulted.
YAML_LEVEL = {
    "01-malformed-flow-mapping": "YAML syntax error",
    "02-unclosed-quote": "YAML syntax error",
    "03-tab-indentation": "YAML syntax error (tab)",
    "04-tab-in-nested-block": "YAML syntax error (tab)",
    "05-empty-file": "no document",
    "06-comment-only": "no document",
    "45-billion-laughs": "alias expansion limit (a reader limit)",
    "46-recursive-alias": "recursive alias (a reader limit)",
    "47-non-utf8-bytes": "not UTF-8 (bytes, before YAML)",
    "48-latin1-encoding": "not UTF-8 (bytes, before YAML)",
    "49-nul-byte": "NUL byte (bytes, before YAML)",
    "50-utf16": "UTF-16 (bytes, before YAML)",
    "51-duplicate-keys": "duplicate keys: JSON data has none, the reader refuses them",
    "52-merge-keys": "YAML merge keys, refused by the reader",
    "54-deep-nesting": "nesting depth limit (a reader limit)",
    "60-multi-document": "several YAML documents",
    "61-python-tag": "a YAML tag, refused by the reader",
    "62-undefined-alias": "undefined alias",
    "70-invalid-date": "an unreadable YAML timestamp",
    "71-set-tag": "a YAML tag, refused by the reader",
}
# Corpus cases whose data the schema accepts: rules across fields or tenants, or beyond JSON Schema.
BEYOND_SCHEMA = {
    "20-duplicate-tenant": "uniqueness of tenant names across tenants",
    "21-duplicate-external-id": "uniqueness of external IDs across tenants",
    "24-external-id-weak-short": "randomness of an external ID (lint CAA-005)",
    "25-external-id-weak-low-entropy": "randomness of an external ID (lint CAA-005)",
    "26-partner-account-as-tenant": "a tenant account compared with the partner's",
    "27-principal-outside-partner": "an ARN's account compared with the partner's",
    "44-trusted-principal-other-account": "an ARN's account compared with the tenant's",
    "58-role-name-collision": "role names unique per account, across tenants (case-insensitive)",
    "77-condition-value-types": "the IAM condition grammar (values of the operator's type)",
    "78-condition-value-charset": "IAM's policy character set after Unicode normalization",
}
REFUSED = [c for c in CASES if c.stem not in YAML_LEVEL and c.stem not in BEYOND_SCHEMA]


def _ecma_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    """``pattern`` as editors run it (ECMA-262): ``$`` is the end of the text, not before a final line break
    as in Python's ``re`` (which the jsonschema library uses)."""
    if isinstance(instance, str) and not re.search(re.sub(r"(?<!\\)\$", r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


Validator = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})


@cache
def validator() -> Any:
    return Validator(registry_schema())


def schema_errors(data: Any) -> list[str]:
    """The schema's complaints about ``data``, one line each (empty: accepted)."""
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator().iter_errors(data)
    ]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = registry_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)  # its patterns compile, too (format "regex")


def test_the_shipped_schema_is_fresh() -> None:
    assert SHIPPED.is_file(), f"{SCHEMA_PATH} is missing: run xacct schema --output {SCHEMA_PATH}"
    stale = "is stale: run `xacct schema --output schema/tenants.schema.json` (or make docs)"
    assert SHIPPED.read_text(encoding="utf-8") == schema_text(), f"{SCHEMA_PATH} {stale}"


def test_the_example_registry_names_the_shipped_schema() -> None:
    first = EXAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert first == EDITOR_COMMENT
    named = first.split("$schema=", 1)[1]
    assert (EXAMPLE.parent / named).resolve() == SHIPPED.resolve()


def test_the_readme_shows_the_comment_the_example_uses() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Editor completion") :]
    section = section[: section.index("\n## ", 1)]
    assert f"```yaml\n{EDITOR_COMMENT}\n```" in section
    assert "| `xacct schema " in readme


def test_the_schema_describes_fields_and_kinds() -> None:
    defs = registry_schema()["$defs"]
    tenant = defs["Tenant"]["properties"]
    assert "external-ids assign" in tenant["external_id"]["description"]
    assert tenant["account_id"]["pattern"] == "^[0-9]{12}$"
    assert "us-east-1" in defs["Partner"]["properties"]["region"]["enum"]
    permission = defs["Permission"]
    assert (permission["minProperties"], permission["maxProperties"]) == (1, 1)
    assert set(permission["properties"]) == set(kinds())  # every discovered kind, and nothing else
    assert all(p.get("description") for p in permission["properties"].values())


@pytest.mark.parametrize("name", sorted(kinds()))
def test_each_kinds_example_is_a_valid_permission(name: str) -> None:
    schema = registry_schema()
    entry = {"$defs": schema["$defs"], "$ref": "#/$defs/Permission"}
    example = yaml.safe_load(kinds()[name].example)
    assert list(Validator(entry).iter_errors(example)) == []
    assert list(Validator(entry).iter_errors({name: None})) != []  # a kind always has a value


def _literal_registries() -> list[tuple[str, str]]:
    """YAML registries written as string literals in the tests: (where, text)."""
    found = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and "version: 1" in text and "tenants:" in text:
                found.append((f"{path.relative_to(REPO)}:{node.lineno}", text))
    return found


def _built_registries() -> list[tuple[str, str]]:
    """Registries the test helpers and the benchmark build."""
    from tests.reliability.registries import big_registry

    spec = importlib.util.spec_from_file_location("make_registry", REPO / "bench" / "make_registry.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_registry", bench)
    spec.loader.exec_module(bench)
    import yaml

    built = [
        (f"big_registry(12, {v!r})", yaml.safe_dump(big_registry(12, v))) for v in ("A", "A+", "B", "few")
    ]
    return [*built, ("bench make_registry(40)", bench.make_registry(40))]


def test_every_registry_the_model_accepts_the_schema_accepts() -> None:
    """Every YAML file of the repo that the loader accepts, every literal registry and built one."""
    files = [p for p in REPO.glob("**/*.y*ml") if ".venv" not in p.parts and "corpus" not in p.parts]
    candidates = [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in files]
    candidates += _literal_registries() + _built_registries()
    good, refused = 0, []
    for where, text in candidates:
        try:
            loaded = load_registry_text(text, where)
        except RegistryError:
            continue
        good += 1
        errors = schema_errors(loaded.source.data)
        if errors:
            refused.append(f"{where}: {errors[:3]}")
    assert good >= 20, f"only {good} good registries found: the harvest is broken"
    assert not refused, "the schema refuses registries the model accepts:\n" + "\n".join(refused)


def test_the_example_registry_is_valid_for_both() -> None:
    loaded = load_registry(EXAMPLE)
    assert schema_errors(loaded.source.data) == []


def _corpus_data(case: Path) -> Any:
    try:
        return read_source(case).data
    except RegistryError:
        return YAML_LEVEL


def test_the_lists_of_corpus_cases_are_exact() -> None:
    """The schema refuses every corpus case it can see, but the listed ones (so the lists cannot rot)."""
    unread, accepted = set(), set()
    for case in CASES:
        data = _corpus_data(case)
        if data is YAML_LEVEL:
            unread.add(case.stem)
        elif not schema_errors(data):
            accepted.add(case.stem)
    assert unread == set(YAML_LEVEL)
    assert accepted == set(BEYOND_SCHEMA)


@pytest.mark.parametrize("case", REFUSED, ids=lambda p: p.stem)
def test_the_schema_refuses_the_corpus_case(case: Path) -> None:
    assert schema_errors(read_source(case).data), f"{case.name}: the schema accepts it"


def test_a_comment_before_the_document_is_only_a_comment() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert parse_text("t.yaml", text).data == parse_text("t.yaml", text.split("\n", 1)[1]).data
