"""`wrapper.toml`: what makes a module a wrapper of the core module, and nothing else.

A wrapper module is its core module with some variables fixed: it holds the core's locals, resources
and outputs and declares every other core variable with the core's validations (see
:mod:`generator.modulegen.wrappers`). Its spec names the core, the comment at the top of its `main.tf`,
the values it fixes and, per variable, what differs from the core: the description, whether the
variable is required although the core gives it a default, and validations of its own (stricter rules,
checked after the core's).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SPEC_FILE = "wrapper.toml"


class WrapperSpecError(ValueError):
    """A wrapper spec that cannot be read or does not fit its core module."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Validation(_Strict):
    """A `validation` block the wrapper adds: an HCL condition and the message shown when it is false."""

    condition: str = Field(min_length=1)
    error_message: str = Field(min_length=1)


class VariableChange(_Strict):
    """How one passed-through variable differs from the core's."""

    description: str | None = None
    required: bool = False  # drop the core's default: callers must set it
    validation: tuple[Validation, ...] = ()


class WrapperSpec(_Strict):
    """A wrapper module, as `modules/<wrapper>/wrapper.toml` declares it."""

    core: str = Field(pattern=r"^[A-Za-z0-9_-]+$")  # the core module's folder, beside the wrapper's
    comment: str = Field(min_length=1)
    fixed: dict[str, str | bool | int | float] = {}
    variables: dict[str, VariableChange] = {}

    def check_against(self, core_variables: list[str], where: Path) -> None:
        """Refuse names the core does not declare, and changes to a variable the wrapper fixes."""
        for section, names in (("fixed", self.fixed), ("variables", self.variables)):
            for name in names:
                if name not in core_variables:
                    raise WrapperSpecError(
                        f"{where}: {section}.{name}: the core module {self.core!r} has no variable {name!r}; "
                        f"use one of {', '.join(core_variables)}"
                    )
        for name in set(self.fixed) & set(self.variables):
            raise WrapperSpecError(
                f"{where}: variables.{name}: {name!r} is fixed by the wrapper, so it has no variable "
                "to change; remove one of the two entries"
            )


def load_spec(path: Path) -> WrapperSpec:
    """The spec at `path`; raises :class:`WrapperSpecError` with one line naming the file and field."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise WrapperSpecError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise WrapperSpecError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return WrapperSpec.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(top level)"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise WrapperSpecError(f"{path}: {field}: {first['msg']}{more}") from exc
