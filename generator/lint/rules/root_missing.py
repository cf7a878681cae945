"""ROOT-MISSING: every role of the registry has its root in the generated tree.

A tree that lacks a root the registry asks for is out of date (``generate`` was not run after the
registry changed) or had a root deleted: what is applied is not what the registry says. Checked
only when the linted folder is a whole tree (it holds ``<tenant>/<scenario>`` roots or the
``generate`` manifest), not when it is one tenant's folder or one root.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from generator.lint.findings import Finding, Location
from generator.lint.root_subjects import TreeSubject
from generator.lint.rule import Rule


class RootMissing(Rule):
    description = "Every role of the registry has its root in the generated tree"
    control = "IAM-006 (the deployed roles are the registry's roles)"
    help = "Run `xacct generate` to write the missing roots."

    def check_tree(self, tree: TreeSubject) -> Iterator[Finding]:
        if tree.loaded is None or not tree.whole:
            return
        present = {(r.tenant, r.scenario) for r in tree.roots}
        index = {t.name: i for i, t in enumerate(tree.loaded.model.tenants)}
        registry = tree.loaded.path.name
        for spec in tree.specs:
            if (spec.tenant, spec.scenario) in present:
                continue
            line = tree.loaded.source.problem(("tenants", index[spec.tenant], spec.scenario), "").line
            folder = os.path.join(tree.display, spec.tenant, spec.scenario)
            yield self.at(
                Location(folder, 1, "(root)"),
                f"the registry's role {spec.key} ({registry} line {line}) has no root in "
                f"{tree.display}: run `xacct generate`",
                tenant=spec.tenant,
                scenario=spec.scenario,
            )
