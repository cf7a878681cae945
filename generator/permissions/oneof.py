"""The registry's ``permissions`` entry as a model: a mapping with exactly one key, a discovered kind.

``generator.registry.model.Permission`` is :func:`permission_model`'s class: one optional field per
kind (in name order), so the YAML and JSON shape is that of a hand-written model with those fields.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetJsonSchemaHandler, create_model, model_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError

from generator.modelfields import Strict
from generator.permissions.discovery import kind, kinds
from generator.permissions.kind import PermissionKind


class OneKind(Strict):
    """One entry of ``permissions``: exactly one kind from the catalog."""

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, data: object) -> object:
        if isinstance(data, dict) and len(data) != 1:
            names = ", ".join(cls.model_fields)
            raise PydanticCustomError(
                "xacct",
                f"each permission is a mapping with exactly one kind ({names}); got {len(data)} keys: "
                "split it into separate list items"
                if data
                else f"is empty: name one kind ({names})",
            )
        if isinstance(data, dict) and None in data.values():
            kind = next(iter(data))
            raise PydanticCustomError(
                "xacct",
                f"{kind} has no value (null): give its fields, e.g. {{{kinds()[kind].example}}}"
                if kind in kinds()
                else f"{kind} has no value (null): give a permission kind and its fields",
            )
        return data

    @classmethod
    def __get_pydantic_json_schema__(cls, core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        """Exactly one key, a kind, whose value is never null (what ``_exactly_one`` enforces)."""
        schema = handler.resolve_ref_schema(handler(core))
        for name, prop in schema["properties"].items():
            options = [o for o in prop.pop("anyOf", []) if o != {"type": "null"}]
            prop.update(options[0] if len(options) == 1 else {"anyOf": options} if options else {})
            prop.pop("default", None)
            prop["description"] = " ".join(kinds()[name].summary.split())
        schema.update(minProperties=1, maxProperties=1)
        return schema

    @property
    def kind(self) -> str:
        """The entry's kind (its one key)."""
        return next(name for name in type(self).model_fields if getattr(self, name) is not None)

    @property
    def value(self) -> Any:
        """The entry's value: the kind's model (or list of models)."""
        return getattr(self, self.kind)

    @property
    def spec(self) -> PermissionKind[Any]:
        """The kind's implementation: statements, cases, live use."""
        return kind(self.kind)


def permission_model() -> type[OneKind]:
    """The ``Permission`` model: one optional field per discovered kind."""
    fields: dict[str, Any] = {name: (k.annotation | None, k.field) for name, k in kinds().items()}
    return create_model(
        "Permission",
        __base__=OneKind,
        __module__="generator.registry.model",
        __doc__=OneKind.__doc__,
        **fields,
    )
