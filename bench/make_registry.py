"""Write a synthetic registry of N tenants: `python bench/make_registry.py N [--out FILE] [--seed S]`.

A third of the tenants have both scenarios, a third Scenario A only, a third Scenario B only;
external IDs are deterministic UUID4s from the seed, so runs are reproducible.
"""

from __future__ import annotations

import argparse
import random
import uuid
from pathlib import Path

HEADER = """version: 1
partner:
  name: teamform
  account_id: "111111111111"
  region: us-east-1
  principal_arn: arn:aws:iam::111111111111:role/teamform-integration
  tags:
    owner: platform-team
tenants:
"""


def tenant_yaml(i: int, rng: random.Random) -> str:
    name = f"tenant-{i:05d}"
    account = f"{200000000000 + i:012d}"
    external_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    zone = "Z" + "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(13))
    a = (
        f"    partner_to_customer:\n      permissions:\n"
        f"        - route53_records: {{hosted_zone_ids: [{zone}]}}\n"
    )
    b = (
        f"    customer_to_partner:\n      permissions:\n"
        f"        - s3_objects: {{bucket: teamform-tenant-exchange, prefix: {name}/, access: read-write}}\n"
    )
    kind = i % 3
    body = (a if kind in (0, 1) else "") + (b if kind in (0, 2) else "")
    return f'  - name: {name}\n    account_id: "{account}"\n    external_id: "{external_id}"\n{body}'


def make_registry(n: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    return HEADER + "".join(tenant_yaml(i, rng) for i in range(n))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("n", type=int, help="number of tenants")
    parser.add_argument("--out", type=Path, default=None, help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    text = make_registry(args.n, args.seed)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
