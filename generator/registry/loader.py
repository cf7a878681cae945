"""Load a registry file: parse, validate against the model, run the cross checks."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.registry.checks import cross_checks
from generator.registry.errors import Path_, Problem, RegistryError, raise_if
from generator.registry.model import Permission, Registry
from generator.registry.source import Source, SourceError, parse_text, read_source


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
    if isinstance(value, bytes):
        return "binary data (!!binary)"
    if not isinstance(value, str):
        return f"a {type(value).__name__} ({value})"
    return f'"{value}"'


def _quote_hint(value: Any, written: str | None) -> str:
    """Tell the user to quote a scalar that YAML read as something other than text."""
    text = written if written is not None else str(value).lower() if isinstance(value, bool) else str(value)
    return f'quote it ("{text}") so YAML reads it as text'


def _message(err: dict[str, Any], path: Path_, written: str | None = None) -> str:
    """What is wrong and what to do, for one pydantic error; ``written`` is the scalar as typed."""
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
        if isinstance(value, list | dict) or value is None:
            return f"must be a string, got {_describe(value)}: write a single text value"
        if isinstance(value, int) and not isinstance(value, bool) and written is not None:
            got = (
                _describe(value)
                if written == str(value)
                else f"{written}, which YAML reads as the number {value}"
            )
            return f'must be a string, got {got}: quote it ("{written}") so YAML keeps every digit'
        return f"must be a string, got {_describe(value)}: {_quote_hint(value, written)}"
    if kind in ("int_type", "int_parsing"):
        if isinstance(value, str) and value.strip().isdigit():
            return f"must be a whole number, got the text {_describe(value)}: write {value.strip()} unquoted"
        return f"must be a whole number, got {_describe(value)}: write digits only, e.g. 3600"
    if kind == "bool_type":
        return f"must be true or false, got {_describe(value)}: write true or false"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list, got {_describe(value)}: write it as a YAML list"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"must be a mapping, got {_describe(value)}: write key: value pairs"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        if path == ("version",):
            if isinstance(value, str) and value.strip() == "1":
                return f'is the text "{value}": write `version: 1` without quotes'
            return f"unsupported version {value!r}: this xacct reads version 1; write `version: 1`"
        hint = "use one of those" if isinstance(value, str | list | dict) else _quote_hint(value, written)
        return f"must be one of {expected}, got {_describe(value)}: {hint}"
    if kind in ("greater_than_equal", "less_than_equal"):
        if path and path[-1] == "max_session_duration":
            return f"must be between 3600 and 43200 seconds (1-12 hours), got {value}: pick one in that range"
        return err["msg"].lower()
    if kind == "too_short":
        if not value:
            return "must not be empty: list at least one, or remove the key"
        return f"{err['msg'].lower()}: add more"
    if kind == "too_long":
        return f"{err['msg'].lower()}: split it up or shorten it"
    return err["msg"].removeprefix("Value error, ")


_TAG = re.compile(r"str|int|bool|\[key\]|(function-\w+|list|dict|tuple|union|literal)\[.*\]")


def _clean_loc(loc: tuple[Any, ...], data: Any) -> Path_:
    """Drop pydantic's union and validator tags (``str``, ``[key]``, ...) from ``loc``.

    A part that is a key or index of the data is kept even if it looks like a tag (a tag named "str").
    """
    out: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)):
            out.append(part)
            node = node[part] if isinstance(node, dict) or part < len(node) else None
        elif isinstance(part, str) and _TAG.fullmatch(part):
            continue
        else:
            out.append(part)
            node = None
    return tuple(out)


def _problems(src: Source, exc: ValidationError) -> list[Problem]:
    """One problem per location: a value that fits no member of a union gets one combined message."""
    by_path: dict[Path_, list[dict[str, Any]]] = {}
    for err in exc.errors():
        by_path.setdefault(_clean_loc(err["loc"], src.data), []).append(err)
    problems = []
    for path, errs in by_path.items():
        written = src.scalars.get(path)
        kinds = {e["type"] for e in errs}
        if len(errs) > 1 and kinds <= {"list_type", "string_type"}:
            value = errs[0].get("input")
            message = (
                f"must be a string or a list of strings, got {_describe(value)}: "
                f"{_quote_hint(value, written)}"
            )
            problems.append(src.problem(path, message))
            continue
        problems.extend(src.problem(path, _message(err, path, written)) for err in errs)
    return problems


def validate_source(src: Source) -> Registry:
    """Validate parsed data; raise :class:`RegistryError` listing every problem."""
    data = src.data
    if not isinstance(data, dict):
        raise RegistryError(
            [
                src.problem(
                    (),
                    f"the registry must be a mapping, got {_describe(data)}: write version, partner, tenants",
                )
            ]
        )
    problems: list[Problem] = list(cross_checks(src))
    try:
        reg = Registry.model_validate(data)
    except ValidationError as exc:
        problems.extend(_problems(src, exc))
        raise RegistryError(problems) from None
    raise_if(problems)
    return reg


def _under(path: str, parent: str) -> bool:
    return parent == "(document)" or path == parent or path.startswith((f"{parent}.", f"{parent}["))


def _with_the_rest(exc: SourceError) -> RegistryError:
    """``exc``'s problems plus those of the rest of the document (not under a value already reported)."""
    try:
        validate_source(exc.source)
    except RegistryError as more:
        bad = {p.path for p in exc.problems}
        rest = [p for p in more.problems if not any(_under(p.path, b) for b in bad)]
        return RegistryError([*exc.problems, *rest])
    return exc


def _validated(src: Source) -> Registry:
    """Validate; a fast-path document with problems is read again by the full path, for its messages."""
    try:
        return validate_source(src)
    except RegistryError:
        if not src.fast:
            raise
    try:
        full = parse_text(src.file, src.text, fast=False)
    except SourceError as exc:
        raise _with_the_rest(exc) from None
    return validate_source(full)


def load_registry(path: Path | str) -> LoadedRegistry:
    """Read, parse and validate the registry at ``path``."""
    path = Path(path)
    try:
        src = read_source(path)
    except SourceError as exc:
        raise _with_the_rest(exc) from None
    return LoadedRegistry(path=path, model=_validated(src), source=src)


def load_registry_text(text: str, file: str = "<string>") -> LoadedRegistry:
    """Parse and validate registry YAML given as text (tests, tools)."""
    try:
        src = parse_text(file, text)
    except SourceError as exc:
        raise _with_the_rest(exc) from None
    return LoadedRegistry(path=Path(file), model=_validated(src), source=src)
