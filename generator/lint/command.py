"""``xacct lint``: the command-line front of the lint (the main CLI adds ``--registry``)."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from generator.files import path_value, write_text
from generator.lint import all_rules
from generator.lint.engine import has_errors, ordered, run
from generator.lint.findings import Finding
from generator.lint.report import FORMATS, as_json, catalog, sarif, summary, text
from generator.lint.subjects import LintInput
from generator.policy import RoleSpec
from generator.registry import LoadedRegistry

EXIT_CLEAN, EXIT_ERRORS = 0, 1
EPILOG = """exit codes:
  0  no error-level finding (warnings may be listed)
  1  error-level findings
  2  nothing was judged: the registry is refused, a --plan-json file or --generated tree cannot be
     read (missing, a named pipe nothing writes to, not UTF-8, not a plan, not valid HCL), --output
     cannot be written or names a file lint reads, or a usage error (an unknown flag, an empty path)
     or an internal error, said in one line

example:
  xacct lint --registry tenants.yaml
  xacct lint --generated generated --plan-json plan.json --format sarif --output lint.sarif
  xacct lint --list-rules"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the lint options to ``parser`` (which already has ``--registry``)."""
    parser.add_argument(
        "--generated",
        metavar="DIR",
        type=path_value,
        action="append",
        default=[],
        help="also lint the Terraform files under DIR (a generated tree); repeatable",
    )
    parser.add_argument(
        "--plan-json",
        metavar="FILE",
        type=path_value,
        action="append",
        default=[],
        help="also lint a plan (`terraform show -json PLANFILE` output); repeatable",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--output",
        metavar="FILE",
        type=path_value,
        help="write the report to FILE instead of standard output",
    )
    parser.add_argument("--list-rules", action="store_true", help="print the rule catalog and exit")
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def collect(args: argparse.Namespace, loaded: LoadedRegistry | None = None) -> list[Finding]:
    """Lint the registry, then each tree, then all plans together (external IDs are compared across
    plans); the findings the registry's ``lint.accept`` accepts carry the reason."""
    from generator.lint.acceptance import accept, check
    from generator.lint.from_hcl import hcl_input
    from generator.lint.from_plan import plan_input, plan_line, read_plan
    from generator.lint.from_registry import registry_input
    from generator.lint.two_cores import run_beside
    from generator.policy.roles import build_roles
    from generator.registry import load_registry

    loaded = loaded or load_registry(args.registry)
    check(loaded, all_rules())
    specs = build_roles(loaded.model)

    def trees() -> list[Finding]:
        return [f for tree in args.generated for f in run(hcl_input(Path(tree), loaded, specs))]

    roles_judged = len(specs) if args.generated else 0  # the registry alone: nothing to run beside it
    findings = run_beside(lambda: run(registry_input(loaded, specs)), trees, roles_judged)
    plans = LintInput()
    roles = build_roles(loaded.model) if args.plan_json else specs  # built once when no plan is read
    for file in args.plan_json:
        raw = plan_bytes(file)  # read once: a pipe (--plan-json <(terraform show -json tfplan)) ends
        accounted = accounting_findings(file, raw, loaded, roles)
        plan, plan_text = read_plan(file, raw)
        findings += [replace(f, line=plan_line(plan_text, f.path)) for f in accounted]
        found = plan_input(plan, file, plan_text, loaded)
        plans.roles += found.roles
        plans.external_ids += found.external_ids
    findings += run(plans)
    return accept(ordered(findings), loaded)


def plan_bytes(file: str) -> bytes:
    """The bytes of a plan file; one it cannot read is a bad-input problem (exit 2)."""
    from generator.accounting.reader import PlanInputError, read_plan_bytes
    from generator.registry import Problem, RegistryError

    try:
        return read_plan_bytes(file)
    except PlanInputError as exc:
        raise RegistryError([Problem(file, 1, "(plan)", str(exc).removeprefix(f"{file}: "))]) from None


def accounting_findings(
    file: str, raw: bytes, loaded: LoadedRegistry, roles: list[RoleSpec]
) -> list[Finding]:
    """The plan accounting's findings for one plan file (its bytes ``raw``), as PLAN-ACCOUNTING
    findings; a plan it cannot read is a bad-input problem (exit 2)."""
    from generator.accounting import PlanInputError, account_plan
    from generator.accounting.reader import plan_from_bytes
    from generator.lint.findings import Location
    from generator.lint.rules.plan_accounting import PlanAccounting
    from generator.registry import Problem, RegistryError

    try:
        result = account_plan(plan_from_bytes(raw, file), roles, loaded.model, where=file)
    except PlanInputError as exc:
        raise RegistryError([Problem(file, 1, "(plan)", str(exc).removeprefix(f"{file}: "))]) from None
    rule = PlanAccounting()
    found = []
    for finding in result.findings:
        tenant, _, scenario = (finding.key or "").partition("/")
        location = Location(file, 1, finding.address)
        found.append(rule.at(location, finding.text, tenant=tenant or None, scenario=scenario or None))
    return found


def _overwrites_input(args: argparse.Namespace) -> str | None:
    """What lint reads that ``--output`` names (the report would replace it), if anything."""
    import os

    inputs = [("is the registry", args.registry)] + [("is a --plan-json file", p) for p in args.plan_json]
    inputs += [("is a --generated file", g) for g in args.generated]
    for what, path in inputs:
        try:
            if os.path.samefile(args.output, path):
                return what
        except (OSError, ValueError):
            continue
    return None


def run_lint(args: argparse.Namespace) -> int:
    """Run ``xacct lint``; 1 when an error-level finding exists, else 0 (a bad registry raises)."""
    rules = all_rules()
    if getattr(args, "list_rules", False):
        sys.stdout.write(catalog(rules))
        return EXIT_CLEAN
    if args.output and (problem := _overwrites_input(args)):
        sys.stderr.write(f"xacct lint: --output {args.output}: {problem}; pass another file\n")
        return 2
    from generator.lint.acceptance import unused
    from generator.registry import load_registry

    loaded = load_registry(args.registry)
    findings = collect(args, loaded)
    notes = unused(findings, loaded)
    for note in notes:
        sys.stderr.write(f"{note}\n")
    if args.format == "json":
        report = as_json(findings, rules)
    elif args.format == "sarif":
        report = sarif(findings, rules, notes=notes)
    else:
        report = text(findings)
    if args.output:
        write_text(args.output, report)
    else:
        sys.stdout.write(report)
    if args.format == "text" or args.output:
        where = f" (report in {args.output})" if args.output else ""
        sys.stderr.write(f"xacct lint: {summary(findings)}{where}\n")
    return EXIT_ERRORS if has_errors(findings) else EXIT_CLEAN
