"""ROOT-MODULE-SOURCE: a root's module call uses the module xacct ships, unchanged.

The lint (and the harness) rebuild a role from the module call's arguments, which says what the role
is only when the module is xacct's: a call of an edited copy can create anything. A local source is
compared file by file (content hashes) with the xacct modules; a remote one (git, a registry) cannot
be compared offline and gets a warning, once per source.
"""

from __future__ import annotations

from collections.abc import Iterator

from generator.lint.findings import Finding, Location
from generator.lint.root_subjects import RootSubject, TreeSubject
from generator.lint.rule import Rule
from generator.lint.subjects import Unresolved

SCENARIO_MODULE = {"partner_to_customer": "customer-role", "customer_to_partner": "partner-role"}


def _source_location(root: RootSubject) -> Location:
    root.read()  # a root skipped as generated is parsed for the line
    assert root.call is not None and root.call_file is not None
    attribute = root.call.attributes.get("source")
    line = attribute.line if attribute else root.call.line
    return Location(root.call_file.display, line, f"{root.call.address}.source")


class RootModuleSource(Rule):
    description = "A root calls the xacct module for its scenario, and the module's files are xacct's"
    control = "IAM-006 (the role is what the reviewed module builds)"
    help = "Point the source at the xacct modules (run `xacct generate`); change the modules upstream."

    def check_tree(self, tree: TreeSubject) -> Iterator[Finding]:
        unverified: dict[str, list[RootSubject]] = {}
        for root in tree.roots:
            if root.call is None and not root.as_generated:
                continue  # ROOT-DRIFT reports the missing call
            check = root.module
            if check is None:
                source = root.call.get("source")
                shown = str(source) if isinstance(source, Unresolved) else "no source"
                yield self._on(root, f'module "role" has {shown}: a root calls the xacct module by its path')
            elif check.verdict == "unverified":
                unverified.setdefault(check.source, []).append(root)
            elif check.verdict == "missing":
                yield self._on(root, f"module source {check.source} does not exist ({check.detail})")
            elif check.verdict == "differs":
                yield self._on(root, f"module source {check.source} is not the xacct module ({check.detail})")
            else:
                want = root.spec.module if root.spec else SCENARIO_MODULE.get(root.scenario)
                if want and check.module != want:
                    yield self._on(
                        root,
                        f"module source {check.source} is the xacct module {check.module}; "
                        f"a {root.scenario} role uses {want}",
                    )
        for source, roots in unverified.items():
            assert roots[0].module is not None
            others = f" (and {len(roots) - 1} other roots)" if len(roots) > 1 else ""
            yield self._on(
                roots[0],
                f"module source {source}{others} was not verified: {roots[0].module.detail}, so its "
                "files cannot be compared offline with the xacct modules",
                severity="warning",
            )

    def _on(self, root: RootSubject, message: str, severity: str | None = None) -> Finding:
        return self.at(
            _source_location(root),
            message,
            tenant=root.tenant,
            scenario=root.scenario,
            severity="warning" if severity == "warning" else None,
        )
