"""The lint rules, found in this folder: each module defines exactly one :class:`Rule` subclass.

A rule's id is its module's name upper-cased with ``_`` as ``-`` (``iam_006_escalation.py`` is
``IAM-006-ESCALATION``); :data:`ALL_RULES` is the catalog the engine runs, sorted by id. A module
that defines no rule, or more than one, stops the import with one line naming it.
"""

from __future__ import annotations

from generator.lint.rule_catalog import discover

ALL_RULES = discover(__name__, __path__)

__all__ = ["ALL_RULES"]
