"""Benchmark of the IAM policy evaluator (`generator.iam`) on generator-style policies.

Policies: a cross-account trust policy (partner account, `StringEquals sts:ExternalId`) and a
permissions policy of three statements (read objects, list the bucket with a prefix condition, deny
deletes). Requests: a mix of allowed and denied trust and permission requests. Reports decisions per
second (wall clock, and per CPU second of the process, which is steadier on a busy host) as the
median of several runs, for precompiled policies (`compile_policies(...).evaluate`) and for the
convenience call `evaluate(policies, request)` (compiled once, cached by document text).

Whole calls (`generator.iam.evaluate_call`): the twelve calls of `bench/whole_calls.py` (every layer:
SCPs, RCPs, trust, bucket and key policies, boundary, session and endpoint policies; same- and
cross-account), as `Call` objects built once (`whole_call`: layers compiled on first use and kept with
the call) and as plain dicts (`whole_call_dicts`: a new `Call` per decision, layers found in the
compile cache by their text).

    python bench/bench_evaluator.py [--runs 7] [--seconds 0.5] [--json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from whole_calls import EXPECTED as WHOLE_EXPECTED
from whole_calls import calls as whole_calls

from generator.iam import Call, compile_policies, evaluate, evaluate_call

CUSTOMER = "111122223333"
PARTNER = "444455556666"
ROLE_ARN = f"arn:aws:iam::{CUSTOMER}:role/xacct/partner-access"
EXTERNAL_ID = "3f1c9a7e-5b2d-4e8f-9a61-0c7d2b4e8f13"

TRUST_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "TrustPartner",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{PARTNER}:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}},
        }
    ],
}
PERMISSIONS_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadReports",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectVersion"],
            "Resource": "arn:aws:s3:::acme-reports/*",
        },
        {
            "Sid": "ListReports",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::acme-reports",
            "Condition": {"StringLike": {"s3:prefix": ["exports/*", ""]}},
        },
        {
            "Sid": "NoDeletes",
            "Effect": "Deny",
            "Action": "s3:Delete*",
            "Resource": "*",
        },
    ],
}
POLICIES = [TRUST_POLICY, PERMISSIONS_POLICY]
SESSION = f"arn:aws:sts::{PARTNER}:assumed-role/partner-ops/session-1"


def _requests() -> list[dict[str, Any]]:
    trust = {"action": "sts:AssumeRole", "resource": ROLE_ARN}
    return [
        {**trust, "principal": f"arn:aws:iam::{PARTNER}:root", "context": {"sts:ExternalId": EXTERNAL_ID}},
        {**trust, "principal": SESSION, "context": {"sts:ExternalId": EXTERNAL_ID}},
        {**trust, "principal": SESSION, "context": {"sts:ExternalId": "wrong"}},
        {**trust, "principal": SESSION, "context": {}},
        {**trust, "principal": "arn:aws:iam::999988887777:root", "context": {"sts:ExternalId": EXTERNAL_ID}},
        {"action": "s3:GetObject", "resource": "arn:aws:s3:::acme-reports/2024/q1.csv", "principal": SESSION},
        {"action": "s3:GetObject", "resource": "arn:aws:s3:::other-bucket/q1.csv", "principal": SESSION},
        {
            "action": "s3:ListBucket",
            "resource": "arn:aws:s3:::acme-reports",
            "principal": SESSION,
            "context": {"s3:prefix": "exports/2024/"},
        },
        {
            "action": "s3:DeleteObject",
            "resource": "arn:aws:s3:::acme-reports/2024/q1.csv",
            "principal": SESSION,
        },
        {"action": "ec2:RunInstances", "resource": "*", "principal": SESSION},
    ]


EXPECTED = [True, True, False, False, False, True, False, True, False, False]


def _rate(decide: Callable[[Any], bool], requests: list[Any], seconds: float) -> tuple[float, float]:
    """Decisions per wall-clock second and per CPU second of this process (robust on a busy host)."""
    count = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    deadline = started + seconds
    while True:
        for request in requests:
            decide(request)
        count += len(requests)
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - started), count / max(time.process_time() - cpu_started, 1e-9)


def run(runs: int, seconds: float) -> dict[str, Any]:
    requests = _requests()
    compiled = compile_policies(POLICIES)
    verdicts = [compiled.evaluate(r).allowed for r in requests]
    if verdicts != EXPECTED:
        raise SystemExit(f"evaluator returned {verdicts}, expected {EXPECTED}")
    call_dicts = whole_calls()
    call_objects = [Call.from_mapping(call) for call in call_dicts]
    whole_verdicts = [evaluate_call(call).allowed for call in call_objects]
    if whole_verdicts != WHOLE_EXPECTED:
        raise SystemExit(f"evaluate_call returned {whole_verdicts}, expected {WHOLE_EXPECTED}")
    results: dict[str, Any] = {}
    cases: dict[str, tuple[Callable[[Any], bool], list[Any]]] = {
        "compiled": (lambda r: compiled.evaluate(r).allowed, requests),
        "evaluate_cached": (lambda r: evaluate(POLICIES, r).allowed, requests),
        "whole_call": (lambda c: evaluate_call(c).allowed, call_objects),
        "whole_call_dicts": (lambda c: evaluate_call(c).allowed, call_dicts),
    }
    for name, (decide, inputs) in cases.items():
        _rate(decide, inputs, seconds / 5)  # warm up caches
        samples = [_rate(decide, inputs, seconds) for _ in range(runs)]
        results[name] = {
            "decisions_per_second": round(statistics.median(wall for wall, _ in samples)),
            "decisions_per_cpu_second": round(statistics.median(cpu for _, cpu in samples)),
            "samples": [round(wall) for wall, _ in samples],
        }
    return {
        "benchmark": "iam_evaluator",
        "python": platform.python_version(),
        "runs": runs,
        "seconds_per_run": seconds,
        "requests_in_mix": len(requests),
        "whole_calls_in_mix": len(call_dicts),
        "goal_decisions_per_second": 50_000,
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="number of timed runs (median is reported)")
    parser.add_argument("--seconds", type=float, default=0.5, help="duration of each run")
    parser.add_argument("--json", action="store_true", help="print a machine-readable JSON result")
    args = parser.parse_args(argv)
    report = run(args.runs, args.seconds)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for name, result in report["results"].items():
        print(
            f"{name:16s} {result['decisions_per_second']:>10,} decisions/s "
            f"({result['decisions_per_cpu_second']:,} per CPU second; median of {args.runs} runs)"
        )
    print(f"goal             {report['goal_decisions_per_second']:>10,} decisions/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
