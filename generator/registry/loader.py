"""Load a registry file: parse, validate against the model, run the cross checks."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.registry.checks import cross_checks
from generator.registry.errors import Path_, Problem, RegistryError, raise_if
from generator.registry.model import Permission, Registry
from generator.registry.source import Source, parse_text, read_source


@dataclass(frozen=True)
class LoadedRegistry:
    """A valid registry and where it came from (for line numbers in later findings)."""

    path: Path
    model: Registry
    source: Source


def _model_at(path: Path_) -> type[BaseModel] | None:
    """The pydantic model that owns the mapping at ``path`` (for suggesting known keys)."""
    model: Any = Registry
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            return None
        ann = field.annotation
        candidates = [ann, *getattr(ann, "__args__", ())]
        for arg in list(candidates):
            candidates.extend(getattr(arg, "__args__", ()))
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)
        if model is None:
            return None
    return model


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f'"{value}"'


def _message(err: dict[str, Any], path: Path_) -> str:
    kind = err["type"]
    value = err.get("input")
    if kind == "extra_forbidden":
        key = str(path[-1])
        owner = _model_at(path[:-1])
        known = list(owner.model_fields) if owner else []
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f'did you mean "{close[0]}"?' if close else f"known keys: {', '.join(known)}"
        if owner is Permission:
            hint = f"unknown permission kind; {hint}"
        return f'unknown key "{key}": {hint}'
    if kind == "missing":
        return "is required: add it"
    if kind == "string_type":
        if isinstance(value, int) and not isinstance(value, bool):
            return f'must be a string, got {_describe(value)}: quote it ("{value}") so YAML keeps every digit'
        return f"must be a string, got {_describe(value)}"
    if kind in ("int_type", "int_parsing"):
        return f"must be a whole number, got {_describe(value)}"
    if kind == "bool_type":
        return f"must be true or false, got {_describe(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {_describe(value)}: write it as a YAML list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping, got {_describe(value)}: write key: value pairs"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        if path == ("version",):
            return f"unsupported version {value!r}: this xacct reads version 1"
        return f"must be one of {expected}, got {_describe(value)}"
    if kind in ("greater_than_equal", "less_than_equal"):
        if path and path[-1] == "max_session_duration":
            return f"must be between 3600 and 43200 seconds (1-12 hours), got {value}"
        return err["msg"].lower()
    if kind == "too_short":
        return "must not be empty" if not value else err["msg"]
    if kind == "too_long":
        return err["msg"]
    return err["msg"].removeprefix("Value error, ")


def _clean_loc(loc: tuple[Any, ...]) -> Path_:
    """Drop pydantic's union/validator tags from an error location."""
    return tuple(p for p in loc if isinstance(p, int) or not (p.startswith(("function-", "list[", "str")) or p in (
        "dict[str,str]", "dict[str,union[list[str],str]]")))


def validate_source(src: Source) -> Registry:
    """Validate parsed data; raise :class:`RegistryError` listing every problem."""
    data = src.data
    if not isinstance(data, dict):
        raise RegistryError([src.problem((), f"the registry must be a mapping (version, partner, tenants), "
                                          f"got {_describe(data)}")])
    problems: list[Problem] = list(cross_checks(src))
    try:
        reg = Registry.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            path = _clean_loc(err["loc"])
            problems.append(src.problem(path, _message(err, path)))
        raise RegistryError(problems) from None
    raise_if(problems)
    return reg


def load_registry(path: Path | str) -> LoadedRegistry:
    """Read, parse and validate the registry at ``path``."""
    path = Path(path)
    src = read_source(path)
    return LoadedRegistry(path=path, model=validate_source(src), source=src)


def load_registry_text(text: str, file: str = "<string>") -> LoadedRegistry:
    """Parse and validate registry YAML given as text (tests, tools)."""
    src = parse_text(file, text)
    return LoadedRegistry(path=Path(file), model=validate_source(src), source=src)
