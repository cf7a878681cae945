"""The permission catalog: each registry permission kind becomes IAM statements."""

from __future__ import annotations

from collections.abc import Iterator

from generator.policy.documents import Statement
from generator.registry.model import Permission, RawStatement, Route53Records, S3Objects

ROUTE53_READ = ("route53:ListResourceRecordSets",)
ROUTE53_WRITE = ("route53:ChangeResourceRecordSets",)
ROUTE53_GET_CHANGE = "route53:GetChange"
S3_READ = ("s3:GetObject",)
S3_WRITE = ("s3:PutObject",)


def route53_statements(perm: Route53Records, index: int) -> Iterator[Statement]:
    zones = tuple(f"arn:aws:route53:::hostedzone/{z}" for z in perm.hosted_zone_ids)
    if perm.access == "read":
        yield Statement(sid=f"Route53ReadRecords{index}", actions=ROUTE53_READ, resources=zones)
        return
    yield Statement(
        sid=f"Route53RecordSets{index}", actions=tuple(sorted(ROUTE53_WRITE + ROUTE53_READ)), resources=zones
    )
    # ChangeResourceRecordSets returns a change ID; waiting for INSYNC needs GetChange on it.
    yield Statement(
        sid=f"Route53GetChange{index}",
        actions=(ROUTE53_GET_CHANGE,),
        resources=("arn:aws:route53:::change/*",),
    )


def s3_statements(perm: S3Objects, index: int) -> Iterator[Statement]:
    actions: tuple[str, ...] = ()
    if perm.access in ("read", "read-write"):
        actions += S3_READ
    if perm.access in ("write", "read-write"):
        actions += S3_WRITE
    yield Statement(
        sid=f"S3Objects{index}", actions=actions, resources=(f"arn:aws:s3:::{perm.bucket}/{perm.prefix}*",)
    )
    if perm.list:
        yield Statement(
            sid=f"S3ListPrefix{index}",
            actions=("s3:ListBucket",),
            resources=(f"arn:aws:s3:::{perm.bucket}",),
            conditions={"StringLike": {"s3:prefix": (f"{perm.prefix}*",)}},
        )


def raw_statement(raw: RawStatement) -> Statement:
    conditions = {
        op: {key: (values,) if isinstance(values, str) else tuple(values) for key, values in block.items()}
        for op, block in raw.conditions.items()
    }

    def tup(values: list[str] | None) -> tuple[str, ...] | None:
        return tuple(values) if values is not None else None

    return Statement(
        sid=raw.sid,
        effect=raw.effect,
        actions=tup(raw.actions),
        not_actions=tup(raw.not_actions),
        resources=tup(raw.resources),
        not_resources=tup(raw.not_resources),
        conditions=conditions,
    )


def permission_statements(permissions: list[Permission]) -> tuple[Statement, ...]:
    """All statements of a role's permission list, in registry order."""
    out: list[Statement] = []
    for i, perm in enumerate(permissions, start=1):
        if perm.route53_records is not None:
            out.extend(route53_statements(perm.route53_records, i))
        elif perm.s3_objects is not None:
            out.extend(s3_statements(perm.s3_objects, i))
        elif perm.statements is not None:
            out.extend(raw_statement(s) for s in perm.statements)
    return tuple(out)
