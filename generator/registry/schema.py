"""The registry's JSON Schema (draft 2020-12), made from the pydantic model, for editors and ``xacct schema``.

Everything comes from the model: field types and constraints, each field's docstring as its description,
each checked type's :class:`generator.modelfields.Hint` (pattern, enum, lengths), and the schema
fragments some models carry for the cross checks a schema can express. What a schema cannot say
(uniqueness across tenants, ARN accounts, Unicode normal form, the condition grammar) stays with
``xacct validate``. The shipped copy is ``schema/tenants.schema.json``; a test keeps it fresh.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from generator.registry.model import Registry

DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_PATH = Path("schema/tenants.schema.json")  # in the repository, beside tenants.yaml
EDITOR_COMMENT = f"# yaml-language-server: $schema=./{SCHEMA_PATH}"  # tenants.yaml's first line


class _RegistrySchema(GenerateJsonSchema):
    """Pydantic's generator, with mapping keys kept as ``propertyNames`` (it turns a key pattern into
    ``patternProperties``, which would let any other key through unchecked)."""

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        out: dict[str, Any] = {"type": "object"}
        if "values_schema" in schema:
            out["additionalProperties"] = self.generate_inner(schema["values_schema"])
        if "keys_schema" in schema:
            keys = self.generate_inner(schema["keys_schema"])
            keys.pop("type", None)  # keys are strings in YAML mappings the loader accepts
            if keys:
                out["propertyNames"] = keys
        return out


def registry_schema() -> dict[str, Any]:
    """The JSON Schema of a registry file."""
    schema = Registry.model_json_schema(mode="validation", schema_generator=_RegistrySchema)
    schema.pop("description", None)
    return {
        "$schema": DIALECT,
        **schema,
        "title": "xacct tenant registry (tenants.yaml)",
        "description": "The registry `xacct` turns into Terraform for cross-account IAM roles. Generated "
        "from the model by `xacct schema`; `xacct validate` checks what a schema cannot (uniqueness, "
        "accounts of ARNs, Unicode normal form, IAM condition grammar).",
    }


def schema_text() -> str:
    """The schema as the shipped file holds it: indented JSON, keys in the model's order, a final newline."""
    return json.dumps(registry_schema(), indent=2, ensure_ascii=False) + "\n"
