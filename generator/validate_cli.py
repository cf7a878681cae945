"""``xacct validate``: the registry judged as ``generate`` and ``lint`` judge it, nothing written."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.console import err, out
from generator.files import path_value
from generator.registry import Problem, RegistryError, load_registry

EXIT_OK, EXIT_FINDINGS = 0, 1

DESCRIPTION = """Check the registry without writing anything: the model and its cross checks, what
generate would refuse (policy sizes, the module source), and every registry-level lint rule.
Lint findings are printed as `xacct lint` prints them, one line each on stderr:
  FILE:LINE: path: SEVERITY RULE-ID: message [tenant/scenario]
SEVERITY is error, warning, or accepted (a finding accepted under lint.accept, its reason at the end).

example:
  $ xacct validate --registry tenants.yaml
  tenants.yaml:27: tenants[0].partner_to_customer.permissions[1].statements[0].actions: warning \
IAM-006-UNKNOWN-ACTION: 's3:GetObjekt': s3 has no such action (did you mean s3:GetObject?) \
[acme/partner_to_customer]
  tenants.yaml: valid (3 tenants, 4 roles; 0 error(s), 1 warning(s))"""

USAGE_EXIT = "a usage error (an unknown flag, an empty path)\n     or an internal error, said in one line"
EXITS = f"""exit codes:
  0  the registry is valid; lint warnings and accepted findings may be listed
  1  the registry is well-formed but lint finds an error-level finding not accepted under lint.accept
     (xacct lint exits 1 and generate refuses it too): fix it, or accept it with a reason
  2  the registry is refused (every problem listed as FILE:LINE: field: what is wrong, what to do; an
     acceptance naming an unknown rule or tenant too), cannot be read (missing, a folder, a named
     pipe or device, not UTF-8, too big), or {USAGE_EXIT}"""


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate, lint the whole registry, and render without writing (``--out`` is only read)."""
    from generator.generate import generate
    from generator.lint import all_rules, has_errors, lint_registry
    from generator.lint.acceptance import check, unused
    from generator.lint.report import summary
    from generator.policy.roles import build_roles

    loaded = load_registry(args.registry)
    check(loaded, all_rules())
    roles = build_roles(loaded.model)
    findings = lint_registry(loaded, roles)  # every tenant: generate lints only those it renders
    lines: list[Problem] = [f.as_problem() for f in findings] + unused(findings, loaded)
    role_count = len(roles)
    try:
        role_count = generate(loaded, Path(args.out), check=True, guard=False).plan.role_count
    except RegistryError as exc:
        said = {str(p) for p in lines}
        refusals = [p for p in exc.problems if str(p) not in said]
        if refusals:  # not the lint's: the registry is refused (exit 2), everything listed
            raise RegistryError([*refusals, *lines]) from None
    for line in sorted(lines, key=lambda p: (p.file, p.line, p.path, p.message)):
        err.print(str(line), markup=False)
    if has_errors(findings):
        err.print(
            f"{args.registry}: {summary(findings)}: fix each error, or accept it with a reason under "
            "lint.accept (see the README, Lint rules)",
            markup=False,
        )
        return EXIT_FINDINGS
    said = f"; {summary(findings)}" if findings else ""
    counts = f"{len(loaded.model.tenants)} tenants, {role_count} roles{said}"
    out.print(f"{args.registry}: valid ({counts})", markup=False)
    return EXIT_OK


def add_validate(sub: Any, registry_arg: Callable[[argparse.ArgumentParser], None]) -> None:
    """The ``validate`` subcommand on the CLI's subparsers."""
    v = sub.add_parser(
        "validate",
        help="validate and lint the registry without writing (exit 1 on lint errors)",
        description=DESCRIPTION,
        epilog=EXITS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    registry_arg(v)
    v.add_argument("--out", default="generated", type=path_value, help=argparse.SUPPRESS)
    v.set_defaults(func=cmd_validate)
