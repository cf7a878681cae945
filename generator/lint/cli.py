"""``xacct lint``: the command-line front of the lint (the main CLI adds ``--registry``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.lint import all_rules
from generator.lint.engine import has_errors, ordered, run
from generator.lint.findings import Finding
from generator.lint.report import FORMATS, as_json, catalog, sarif, summary, text
from generator.lint.subjects import LintInput

EXIT_CLEAN, EXIT_ERRORS = 0, 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the lint options to ``parser`` (which already has ``--registry``)."""
    parser.add_argument(
        "--generated",
        metavar="DIR",
        action="append",
        default=[],
        help="also lint the Terraform files under DIR (a generated tree); repeatable",
    )
    parser.add_argument(
        "--plan-json",
        metavar="FILE",
        action="append",
        default=[],
        help="also lint a plan (`terraform show -json PLANFILE` output); repeatable",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )
    parser.add_argument("--list-rules", action="store_true", help="print the rule catalog and exit")


def collect(args: argparse.Namespace) -> list[Finding]:
    """Lint the registry, then each tree, then all plans together (external IDs are compared across plans)."""
    from generator.lint.from_hcl import hcl_input
    from generator.lint.from_plan import plan_input, read_plan
    from generator.lint.from_registry import registry_input
    from generator.policy.roles import build_roles
    from generator.registry import load_registry

    loaded = load_registry(args.registry)
    specs = build_roles(loaded.model)
    findings = run(registry_input(loaded, specs))
    for tree in args.generated:
        findings += run(hcl_input(Path(tree), loaded, specs))
    plans = LintInput()
    for file in args.plan_json:
        plan, plan_text = read_plan(file)
        found = plan_input(plan, file, plan_text, loaded)
        plans.roles += found.roles
        plans.external_ids += found.external_ids
    findings += run(plans)
    return ordered(findings)


def run_lint(args: argparse.Namespace) -> int:
    """Run ``xacct lint``; 1 when an error-level finding exists, else 0 (a bad registry raises)."""
    rules = all_rules()
    if getattr(args, "list_rules", False):
        sys.stdout.write(catalog(rules))
        return EXIT_CLEAN
    findings = collect(args)
    if args.format == "json":
        report = as_json(findings, rules)
    elif args.format == "sarif":
        report = sarif(findings, rules)
    else:
        report = text(findings)
    if args.output:
        Path(args.output).write_text(report, encoding="utf-8")
    else:
        sys.stdout.write(report)
    if args.format == "text" or args.output:
        sys.stderr.write(f"xacct lint: {summary(findings)}\n")
    return EXIT_ERRORS if has_errors(findings) else EXIT_CLEAN
