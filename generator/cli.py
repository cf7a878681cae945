"""The ``xacct`` command line."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator import __version__
from generator.console import err, out
from generator.files import path_value
from generator.registry import RegistryError

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_BUSY = 0, 1, 2, 3
Subparsers = Any  # argparse._SubParsersAction, private


def _report(exc: RegistryError) -> int:
    for problem in exc.problems:
        err.print(str(problem), markup=False)
    err.print(f"{len(exc.problems)} problem(s); nothing was written.", style="red", markup=False)
    return EXIT_BAD_INPUT


USAGE_EXIT = "a usage error (an unknown flag, an empty path) or an internal error, said in one line"
ASSIGN_EXITS = f"""exit codes:
  0  done, or nothing to do (--dry-run: what would change is listed, nothing is written)
  2  nothing was written: the registry has a problem other than missing IDs, or cannot be read or
     written, or {USAGE_EXIT}

example:
  xacct external-ids assign --registry tenants.yaml --dry-run   # see which tenants would get one
  xacct external-ids assign --registry tenants.yaml"""
EXTERNAL_IDS_EPILOG = f"""exit codes: those of the action (see xacct external-ids assign|rotate --help), and
  2  {USAGE_EXIT}

example:
  xacct external-ids assign --registry tenants.yaml
  xacct external-ids rotate --registry tenants.yaml acme"""


def cmd_assign(args: argparse.Namespace) -> int:
    from generator.external_ids import assign

    changed = assign(Path(args.registry), dry_run=args.dry_run)
    verb = "would assign" if args.dry_run else "assigned"
    for tenant in changed:
        out.print(f"{args.registry}: {verb} an external ID to tenant {tenant}", markup=False)
    if not changed:
        out.print(f"{args.registry}: every tenant that needs an external ID has one", markup=False)
    return EXIT_OK


def cmd_rotate(args: argparse.Namespace) -> int:
    from generator.external_id_rotation import run_rotate

    return run_rotate(args)


def cmd_lint(args: argparse.Namespace) -> int:
    from generator.lint.command import run_lint

    return run_lint(args)


def cmd_plan_guard(args: argparse.Namespace) -> int:
    from generator.plan_guard import run_guard

    return run_guard(args)


def cmd_audit(args: argparse.Namespace) -> int:
    from generator.audit import run_audit

    return run_audit(args)


def cmd_import(args: argparse.Namespace) -> int:
    from generator.adopt import run_import

    return run_import(args)


def cmd_report(args: argparse.Namespace) -> int:
    from generator.report.command import run_report

    return run_report(args)


def registry_arg(sp: argparse.ArgumentParser) -> None:
    sp.add_argument(
        "--registry",
        default=os.environ.get("XACCT_REGISTRY", "tenants.yaml"),
        type=path_value,
        help="registry YAML file (default: tenants.yaml)",
    )


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; with ``command``, a parser of that command alone (the same for its arguments
    and help): the other commands' modules are not imported (~0.15 s of a run's start-up)."""
    p = argparse.ArgumentParser(
        prog="xacct",
        description="Turn a registry of tenants (tenants.yaml) into Terraform for AWS cross-account IAM "
        "roles, and prove that every role trusts and allows exactly what the registry says.",
        epilog="exit codes: each command's --help lists its own (0 ok, 1 findings, 2 bad input, usage\n"
        "  error or internal error, 3 busy); no command prints a Python traceback\n\nexample:\n"
        "  xacct external-ids assign && xacct generate && xacct lint --generated generated",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"xacct {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    for name, add in COMMANDS.items():
        if command in (None, name):
            add(sub)
    return p


def _generate(sub: Subparsers) -> None:
    from generator.generate_cli import add_generate

    add_generate(sub, registry_arg)


def _validate(sub: Subparsers) -> None:
    from generator.validate_cli import add_validate

    add_validate(sub, registry_arg)


def _external_ids(sub: Subparsers) -> None:
    e = sub.add_parser(
        "external-ids",
        help="manage tenants' external IDs",
        description="Write the partner-generated external IDs into the registry file, keeping its\n"
        "comments and layout: assign the missing ones, or rotate one without a break.",
        epilog=EXTERNAL_IDS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    esub = e.add_subparsers(dest="action", required=True)
    a = esub.add_parser(
        "assign",
        help="generate missing external IDs in the registry file (keeps comments)",
        description="Give every tenant that needs one a new external ID, keeping the file's text.",
        epilog=ASSIGN_EXITS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    registry_arg(a)
    a.add_argument("--dry-run", action="store_true", help="say what would change, write nothing")
    a.set_defaults(func=cmd_assign)
    from generator import external_id_rotation as rotation

    r = esub.add_parser(
        "rotate",
        help="rotate a tenant's external ID without a break: both IDs work until --finish",
        description=rotation.DESCRIPTION,
        epilog=rotation.EXITS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    registry_arg(r)
    rotation.add_arguments(r)
    r.set_defaults(func=cmd_rotate)


def _lint(sub: Subparsers) -> None:
    from generator.lint.command import add_arguments as add_lint_arguments

    lint = sub.add_parser(
        "lint",
        help="least-privilege and FTR checks on the registry, HCL or a plan",
        description="Judge the registry, generated Terraform (--generated) and plan JSON (--plan-json)\n"
        "against the least-privilege and FTR rules (--list-rules prints them); the report goes to\n"
        "stdout (text, json or sarif) or --output, the summary to stderr.",
    )
    registry_arg(lint)
    add_lint_arguments(lint)
    lint.set_defaults(func=cmd_lint)


def _plan_guard(sub: Subparsers) -> None:
    from generator.plan_guard import add_arguments as add_guard_arguments

    guard = sub.add_parser(
        "plan-guard",
        help="fail on destructive or unrequested IAM changes in a plan",
        description="Account for every change of a plan JSON against the registry (the plan accounting\n"
        "of the pytest harness, without pytest): unknown roles, foreign grants, deletes without\n"
        "--allow-destroy and anything else the registry did not ask for are findings.",
    )
    registry_arg(guard)
    add_guard_arguments(guard)
    guard.set_defaults(func=cmd_plan_guard)


def _audit(sub: Subparsers) -> None:
    from generator.audit import add_arguments as add_audit_arguments

    audit = sub.add_parser(
        "audit",
        help="compare the roles deployed in an account with the registry (IAM-008)",
        description="Read the IAM roles deployed in one account (credentials of that account, read-only)\n"
        "and compare them with the registry: missing, drifted and unknown roles, with the\n"
        "evaluator's verdicts on the deployed trust and permissions.",
    )
    registry_arg(audit)
    add_audit_arguments(audit)
    audit.set_defaults(func=cmd_audit)


def _import(sub: Subparsers) -> None:
    from generator.adopt import add_arguments as add_import_arguments

    adopt = sub.add_parser(
        "import",
        help="adopt hand-made cross-account roles: registry entries and terraform import blocks",
        description="Read the IAM roles of one or more accounts and print (or --write) registry entries\n"
        "with adopt: for the hand-made cross-account roles xacct can express exactly; the next\n"
        "generate writes import blocks, so the first apply adopts each role instead of creating it.",
    )
    registry_arg(adopt)
    add_import_arguments(adopt)
    adopt.set_defaults(func=cmd_import)


def _report_command(sub: Subparsers) -> None:
    from generator.report.command import add_arguments as add_report_arguments

    report = sub.add_parser(
        "report",
        help="the evidence report for a security reviewer: report.html, report.md, report.json",
        description="Write the evidence report for a security reviewer into --out: each FTR control met,\n"
        "not met or not checked, with the cases, verdicts and inputs behind it.",
    )
    registry_arg(report)
    add_report_arguments(report)
    report.set_defaults(func=cmd_report)


def _junit_merge(sub: Subparsers) -> None:
    from generator.report import junit_merge

    merge = sub.add_parser(
        "junit-merge",
        help="merge the JUnit XML of sharded proof runs (pytest --xacct-shard K/N) into one",
        description=(junit_merge.__doc__ or "").split("\n\n")[0],
        epilog=junit_merge.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    junit_merge.add_arguments(merge)
    merge.set_defaults(func=junit_merge.run_junit_merge)


# The commands whose module holds all of them: DESCRIPTION, EPILOG, add_arguments and the run.
MODULE_COMMANDS = {
    "schema": (
        "schema_cli",
        "run_schema",
        "the registry's JSON Schema, for editor completion (yaml-language-server, VS Code)",
    ),
    "terraform-config": (
        "terraform_config",
        "run_terraform_config",
        "a CLI config for the provider mirror and local copies of roots to plan by hand",
    ),
    "changed-roots": ("changed_roots", "run_changed_roots", "list the roots to plan (a CI matrix)"),
    "fetch-plan-json": (
        "fetch_plan_json",
        "run_fetch_plan_json",
        "download a remote HCP Terraform run's JSON plan",
    ),
}


def _module_command(name: str) -> Callable[[Subparsers], None]:
    def add(sub: Subparsers) -> None:
        module_name, run, help_text = MODULE_COMMANDS[name]
        module = importlib.import_module(f"generator.{module_name}")
        command = sub.add_parser(
            name,
            help=help_text,
            description=module.DESCRIPTION,
            epilog=module.EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(command)
        command.set_defaults(func=getattr(module, run))

    return add


# each command's name and what adds its parser, in the order of `xacct --help`
COMMANDS: dict[str, Callable[[Subparsers], None]] = {
    "generate": _generate,
    "validate": _validate,
    "external-ids": _external_ids,
    "lint": _lint,
    "plan-guard": _plan_guard,
    "audit": _audit,
    "import": _import,
    "report": _report_command,
    "junit-merge": _junit_merge,
    **{name: _module_command(name) for name in MODULE_COMMANDS},
}


def _command(argv: list[str]) -> str | None:
    """The command ``argv`` names first, when it names one (else None: the whole parser)."""
    return argv[0] if argv and argv[0] in COMMANDS else None


# A run builds many small objects that live until it ends (models, statements, file texts) and almost
# no reference cycles; at the default thresholds the cycle collector re-scanned them ~2 s of a
# 10,000-tenant generate (bench/README.md). Collect far less often; a run is one short process.
GC_THRESHOLDS = (100_000, 50, 1000)


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the run is, so it unwinds (and cleans up) as Ctrl-C does."""


def _on_signal(signum: int, frame: object) -> None:
    from generator.output.tree import hold_signal

    if hold_signal(signum):  # a swap is under way: raised again as soon as it is done
        return
    raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt


def _interrupted(exc: KeyboardInterrupt) -> int:
    """Remove this run's staging folders and say where the output folder stands."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second signal must not stop the cleanup
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from generator.output.tree import committed, remove_stages

    remove_stages()
    how = "terminated (SIGTERM)" if isinstance(exc, Terminated) else "interrupted"
    where = "the new tree is in place" if committed() else "the output folder was left as it was"
    err.print(f"xacct: {how}; staging folders removed; {where}", markup=False)
    return 143 if isinstance(exc, Terminated) else 130


def _internal_error(args: argparse.Namespace, exc: Exception) -> int:
    """One line for an exception no command turned into a message (a bug in xacct): exit 2."""
    what = (str(exc).strip().splitlines() or [""])[0][:200]
    command = " ".join(filter(None, (args.command, getattr(args, "action", None))))
    err.print(
        f"xacct {command}: internal error ({type(exc).__name__}{': ' + what if what else ''}); this is a "
        "bug in xacct: please report it with the command line (XACCT_DEBUG=1 shows the traceback)",
        markup=False,
    )
    return EXIT_BAD_INPUT


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)
    argv = sys.argv[1:] if argv is None else argv
    args, extra = parser(_command(argv)).parse_known_args(argv)
    if extra:  # the whole parser refuses them, with the usage line that names every command
        args = parser().parse_args(argv)
    previous = {}
    if threading.current_thread() is threading.main_thread():  # only there may handlers be set
        previous = {signum: signal.signal(signum, _on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return args.func(args)
    except RegistryError as exc:
        return _report(exc)
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except OSError as exc:  # what a command did not say itself: one line, never a traceback
        from generator.output.errors import describe

        if exc.filename is None:  # no path: most likely the standard output (a full disk, a closed pipe)
            what = f"{exc.strerror or exc}: check where the output goes (a full disk? a closed pipe?) "
            what += "and run again"
            err.print(f"xacct: standard output (or a file without a name): {what}", markup=False)
        else:
            err.print(f"xacct: {describe(exc, tail='')}", markup=False)
        return EXIT_BAD_INPUT
    except Exception as exc:  # a bug: still one line, never a traceback (XACCT_DEBUG=1 shows it)
        if os.environ.get("XACCT_DEBUG"):
            raise
        return _internal_error(args, exc)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
