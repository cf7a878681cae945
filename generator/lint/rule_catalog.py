"""The rule catalog: the rules of a package, one per module, their ids given by the module names."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable

from generator.lint.rule import Rule, rule_id


class CatalogError(Exception):
    """A rule module that does not define exactly one rule (a bug in xacct, said in one line)."""


def rule_classes(module_name: str) -> list[type[Rule]]:
    """The :class:`Rule` subclasses a module defines (not those it imports)."""
    module = importlib.import_module(module_name)
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module_name
    ]


def discover(package: str, path: Iterable[str]) -> tuple[Rule, ...]:
    """One instance of the rule of each module of ``package`` (found on ``path``), sorted by id."""
    rules: list[Rule] = []
    for info in pkgutil.iter_modules(list(path)):
        name = f"{package}.{info.name}"
        classes = rule_classes(name)
        if len(classes) != 1:
            defined = ", ".join(sorted(c.__name__ for c in classes)) or "none"
            raise CatalogError(
                f"{name}: a rule module defines exactly one Rule subclass, this one defines "
                f"{len(classes)} ({defined}); give each rule its own module named after its id"
            )
        rules.append(classes[0]())
    return tuple(sorted(rules, key=lambda r: r.id))


__all__ = ["CatalogError", "discover", "rule_classes", "rule_id"]
