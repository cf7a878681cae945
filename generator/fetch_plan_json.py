"""``xacct fetch-plan-json``: a remote run's JSON plan from the HCP Terraform API, for plan-guard and pytest.

A remote plan (HCP Terraform's CLI-driven or VCS-driven workflow) leaves no local plan for
``terraform show -json``: its JSON plan is fetched from the run instead (:mod:`generator.hcp_api`). The
run is named by ``--run``, ``--plan`` or ``--saved-plan`` (the file ``terraform plan -out`` writes for a
remote run since terraform 1.6: ``{"remote_plan_format": 1, "run_id": ..., "hostname": ...}``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

from generator.console import err
from generator.files import path_value, read_bytes, replace_file
from generator.hcp_api import DEFAULT_HOSTNAME, HcpClient, HcpError, token_env

EXIT_OK, EXIT_BAD_INPUT = 0, 2
HOSTNAME_ENV = "TF_CLOUD_HOSTNAME"  # the cloud block's own variable for the host
API_URL_ENV = "XACCT_HCP_API_URL"

DESCRIPTION = (
    "Download the JSON plan (terraform show -json format) of a remote HCP Terraform run, for "
    "`xacct plan-guard` and `pytest --xacct-plan-json`; the token comes from TF_TOKEN_<hostname>."
)
EPILOG = f"""example:
  terraform -chdir=generated/acme/customer_to_partner plan -out=tfplan   # CLI-driven, remote plan
  xacct fetch-plan-json --saved-plan generated/acme/customer_to_partner/tfplan --out plan.json
  xacct fetch-plan-json --run run-CZcmD7eagjhyX0vN --out plan.json       # VCS-driven: the run's ID

token: {token_env(DEFAULT_HOSTNAME)} for {DEFAULT_HOSTNAME} (dots as underscores, hyphens as double
underscores, as terraform reads it); it needs admin access to the workspace

exit codes:
  0  written
  2  nothing written: no token, the token refused (401), no such run or plan (404), the plan not
     finished (204, see --wait), no answer (--timeout), an answer that is not JSON or not a plan, a
     saved plan that is not a remote one, --out not writable,
     or a usage error (an unknown flag, an empty path) or an internal error, said in one line
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--run", metavar="RUN_ID", help="the run (run-...): its plan is fetched")
    which.add_argument("--plan", metavar="PLAN_ID", help="the plan (plan-...)")
    which.add_argument(
        "--saved-plan",
        metavar="FILE",
        type=path_value,
        help="what `terraform plan -out FILE` wrote for a remote run",
    )
    p.add_argument("--out", required=True, type=path_value, help="where to write the JSON plan ('-': stdout)")
    p.add_argument(
        "--hostname",
        default=None,
        help=f"HCP Terraform or Enterprise host (default: ${HOSTNAME_ENV}, else {DEFAULT_HOSTNAME})",
    )
    p.add_argument(
        "--api-url",
        default=os.environ.get(API_URL_ENV) or None,
        help=f"base URL of the API if not https://HOSTNAME: a proxy, or a stand-in (default: ${API_URL_ENV})",
    )
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per request (default: 30)")
    p.add_argument(
        "--wait", type=float, default=0.0, help="seconds to wait for an unfinished plan (default: 0)"
    )


def _saved_run(path: str) -> tuple[str, str]:
    """The run ID and hostname of a saved remote plan."""
    try:
        data = json.loads(read_bytes(path, limit=64 * 1024))
    except OSError as exc:
        raise HcpError(f"--saved-plan {path}: cannot read it ({exc.strerror or exc})") from None
    except ValueError:
        data = None
    if not (
        isinstance(data, dict) and data.get("remote_plan_format") == 1 and isinstance(data.get("run_id"), str)
    ):
        raise HcpError(
            f"--saved-plan {path}: not a saved remote plan (a local plan's JSON comes from "
            "`terraform show -json FILE`)"
        )
    return data["run_id"], str(data.get("hostname") or "")


def fetch(args: argparse.Namespace) -> bytes:
    hostname = args.hostname or os.environ.get(HOSTNAME_ENV) or DEFAULT_HOSTNAME
    run = args.run
    if args.saved_plan:
        run, saved_host = _saved_run(args.saved_plan)
        hostname = args.hostname or saved_host or hostname
    if not (0 < args.timeout < math.inf and 0 <= args.wait < math.inf):
        raise HcpError("--timeout must be above 0 and --wait not below 0, both a finite number of seconds")
    client = HcpClient(hostname, api_url=args.api_url, timeout=args.timeout)
    plan_id = args.plan or client.plan_id_of_run(run)
    return client.plan_json(plan_id, wait=args.wait)


def run_fetch_plan_json(args: argparse.Namespace) -> int:
    try:
        body = fetch(args)
    except HcpError as exc:
        err.print(f"xacct fetch-plan-json: {exc}", markup=False)
        return EXIT_BAD_INPUT
    if args.out == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        return EXIT_OK
    try:
        replace_file(args.out, body)  # never through a link or file already at a temporary name
    except OSError as exc:
        err.print(
            f"xacct fetch-plan-json: --out {args.out}: cannot write it ({exc.strerror or exc})", markup=False
        )
        return EXIT_BAD_INPUT
    err.print(f"xacct fetch-plan-json: wrote {args.out} ({len(body):,} bytes)", markup=False)
    return EXIT_OK
