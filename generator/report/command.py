"""``xacct report``: write the evidence report (report.html, report.md, report.json) into ``--out``.

Exit codes: 0 written, every control met or not checked; 1 written, a control not met; 2 bad input
(an unreadable registry, plan or previous report, or a folder that cannot be written): one line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from generator.registry import LoadedRegistry

EXIT_OK, EXIT_NOT_MET, EXIT_BAD_INPUT = 0, 1, 2

EPILOG = """exit codes:
  0  written; every FTR control met or not checked
  1  written; a control is not met (see the summary)
  2  bad input, nothing written: the registry, a plan JSON, --previous or --out cannot be used; or
     a usage error (an unknown flag, an empty path) or an internal error, said in one line

example:
  xacct report --registry tenants.yaml --plan-json plan.json --generated generated \\
               --previous last/report.json --out reports
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--plan-json",
        metavar="FILE",
        action="append",
        default=[],
        help="judge the roles as this plan JSON has them (repeatable); else the registry's model",
    )
    p.add_argument(
        "--generated", metavar="DIR", help="the generated tree: lint it, check the onboarding kits"
    )
    p.add_argument("--previous", metavar="FILE", help="an earlier report.json: say what changed since")
    p.add_argument(
        "--out", metavar="DIR", required=True, help="folder for report.html, report.md, report.json"
    )
    p.add_argument(
        "--detail",
        choices=("auto", "full", "compact"),
        default="auto",
        help="every case's full explanation (full), or only failed ones' (compact); auto: full up "
        "to 1,000 roles",
    )
    p.epilog = EPILOG
    p.formatter_class = argparse.RawDescriptionHelpFormatter


class BadInput(Exception):
    """One line for the user; exit 2."""


def plan_evidence(loaded: LoadedRegistry, files: list[str]) -> Any:
    """Read and account for every plan file; a plan that cannot be read is :class:`BadInput`."""
    from generator.accounting import PlanFinding, PlanInputError, account_plan
    from generator.accounting.identity import shard_hint
    from generator.accounting.reader import plan_from_bytes, read_plan_bytes
    from generator.policy import build_roles
    from generator.report.build import PlanEvidence
    from generator.report.inputs import plan_input

    specs = build_roles(loaded.model)
    evidence = PlanEvidence(roles={}, where={}, findings=[], plans=[])
    for file in files:
        try:
            data = read_plan_bytes(file)  # read once: the bytes judged are the bytes hashed (a pipe ends)
            plan = plan_from_bytes(data, file)
            hint = shard_hint({s.key: s for s in specs}) if Path(file).name.startswith("shard-") else None
            result = account_plan(plan, specs, loaded.model, where=file, hint=hint)
        except PlanInputError as exc:
            raise BadInput(str(exc)) from None
        evidence.plans.append(plan_input(file, data, plan.raw))
        evidence.findings += result.findings  # type: ignore[operator]
        for key, role in result.roles.items():
            if key in evidence.roles:
                other = evidence.where[key]  # type: ignore[index]
                text = f"{role.role.address}: the role is also in {other}: two plans claim one role"
                evidence.findings.append(PlanFinding(key, role.role.address, text))  # type: ignore[attr-defined]
                continue
            evidence.roles[key] = role  # type: ignore[index]
            evidence.where[key] = file  # type: ignore[index]
    return evidence


def write_report(report: dict[str, Any], out: Path) -> list[Path]:
    """Write report.html, report.md and report.json into ``out`` (created if missing)."""
    import orjson

    from generator.files import replace_file
    from generator.report.html_page import render_html
    from generator.report.jsonform import json_form
    from generator.report.markdown import render_markdown

    out.mkdir(parents=True, exist_ok=True)
    files = {
        "report.json": orjson.dumps(json_form(report)),
        "report.html": render_html(report).encode("utf-8"),
        "report.md": render_markdown(report).encode("utf-8"),
    }
    paths = []
    for name, data in files.items():
        path = out / name
        replace_file(path, data)  # never through a link or file already at a temporary name
        paths.append(path)
    return paths


def make_report(
    loaded: LoadedRegistry,
    *,
    plans: Any = None,
    generated: Path | None = None,
    previous: Path | None = None,
    detail: str = "auto",
    built_by: str = "xacct report",
    lock_folders: list[Path] | None = None,
) -> dict[str, Any]:
    """Build the report (and compare it with ``previous``); raises :class:`BadInput`."""
    from generator.report.build import build_report
    from generator.report.changes import PreviousError, compare, read_previous
    from generator.report.inputs import locked_providers, registry_input

    before = None
    if previous is not None:
        try:
            before = read_previous(previous)
        except PreviousError as exc:
            raise BadInput(str(exc)) from None
    if generated is not None and not generated.is_dir():
        raise BadInput(f"{generated}: --generated is not a folder")
    inputs = registry_input(loaded, built_by)
    folders = [*(lock_folders or []), *([generated] if generated is not None else [])]
    inputs["locked_providers"] = locked_providers(folders)
    report = build_report(loaded, plans=plans, generated=generated, detail=detail, inputs=inputs)
    report["changes"] = compare(report, before, str(previous)) if before is not None else None
    return report


def run_report(args: argparse.Namespace) -> int:
    from generator.console import err, out
    from generator.registry import RegistryError, load_registry
    from generator.report.controls import exit_status

    try:
        loaded = load_registry(args.registry)
        plans = plan_evidence(loaded, args.plan_json) if args.plan_json else None
        report = make_report(
            loaded,
            plans=plans,
            generated=Path(args.generated) if args.generated else None,
            previous=Path(args.previous) if args.previous else None,
            detail=args.detail,
        )
        paths = write_report(report, Path(args.out))
    except RegistryError as exc:
        first = exc.problems[0] if exc.problems else "the registry is not valid"
        more = (
            f" (and {len(exc.problems) - 1} more problems: xacct validate lists them)"
            if len(exc.problems) > 1
            else ""
        )
        err.print(f"xacct report: {first}{more}", markup=False)
        return EXIT_BAD_INPUT
    except BadInput as exc:
        err.print(f"xacct report: {exc}", markup=False)
        return EXIT_BAD_INPUT
    except OSError as exc:
        err.print(f"xacct report: {args.out}: cannot write ({exc.strerror or exc})", markup=False)
        return EXIT_BAD_INPUT
    statuses = [c["status"] for c in report["controls"]]
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in ("met", "not met", "not checked"))
    out.print(f"xacct report: {paths[0].parent}/report.html ({counts})", markup=False)
    return exit_status(report["controls"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="xacct report")
    parser.add_argument("--registry", default="tenants.yaml")
    add_arguments(parser)
    return run_report(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
