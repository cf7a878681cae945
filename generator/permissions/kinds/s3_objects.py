"""``s3_objects``: read and/or write the objects under one prefix of one bucket."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from generator.modelfields import Bucket, S3Prefix, Strict
from generator.permissions.case import Case
from generator.permissions.kind import ClientFactory, PermissionKind
from generator.permissions.statement import Statement

READ = ("s3:GetObject",)
WRITE = ("s3:PutObject",)
OTHER_BUCKET = "xacct-some-other-bucket"


class S3Objects(Strict):
    """Read and/or write the objects under one prefix of one bucket."""

    bucket: Bucket
    prefix: S3Prefix
    access: Literal["read", "write", "read-write"]
    list: bool = False


def _sibling_prefix(prefix: str) -> str:
    """A prefix that shares the tenant's as a string but is another tenant's (acme/ -> acmecorp/)."""
    return prefix[:-1] + "corp/"


class S3ObjectsKind(PermissionKind[S3Objects]):
    name = "s3_objects"
    annotation = S3Objects
    field = Field(default=None)
    summary = (
        "`bucket`, `prefix` (must end in `/`, so `acme/` never matches `acmecorp/`; no\n"
        "  leading `/`, no `..`, no wildcards), `access: read | write | read-write`, and `list: true` to\n"
        "  add `s3:ListBucket` restricted by `s3:prefix`."
    )
    example = "s3_objects: {bucket: partner-bucket-name, prefix: acme/, access: read-write, list: false}"
    live_services = ("s3",)

    def statements(self, value: S3Objects, index: int) -> Iterator[Statement]:
        actions: tuple[str, ...] = ()
        if value.access in ("read", "read-write"):
            actions += READ
        if value.access in ("write", "read-write"):
            actions += WRITE
        yield Statement(
            sid=f"S3Objects{index}",
            actions=actions,
            resources=(f"arn:aws:s3:::{value.bucket}/{value.prefix}*",),
        )
        if value.list:
            yield Statement(
                sid=f"S3ListPrefix{index}",
                actions=("s3:ListBucket",),
                resources=(f"arn:aws:s3:::{value.bucket}",),
                conditions={"StringLike": {"s3:prefix": (f"{value.prefix}*",)}},
            )

    def cases(self, value: S3Objects) -> list[Case]:
        bucket, prefix = value.bucket, value.prefix
        obj = f"arn:aws:s3:::{bucket}/{prefix}"
        read, write = value.access in ("read", "read-write"), value.access in ("write", "read-write")
        sibling = _sibling_prefix(prefix)
        return [
            Case("get an object under the tenant's prefix", "s3:GetObject", obj + "report.csv", read),
            Case("get a nested object under the prefix", "s3:GetObject", obj + "a/b/c.json", read),
            Case("put an object under the tenant's prefix", "s3:PutObject", obj + "upload.csv", write),
            Case("delete an object under the prefix", "s3:DeleteObject", obj + "report.csv", False),
            Case("change an object's ACL", "s3:PutObjectAcl", obj + "report.csv", False),
            Case(
                "get an object of another tenant's prefix",
                "s3:GetObject",
                f"arn:aws:s3:::{bucket}/{sibling}report.csv",
                False,
            ),
            Case(
                "put an object of another tenant's prefix",
                "s3:PutObject",
                f"arn:aws:s3:::{bucket}/{sibling}x",
                False,
            ),
            Case(
                "get an object at the bucket root", "s3:GetObject", f"arn:aws:s3:::{bucket}/other.csv", False
            ),
            Case(
                "get an object of another bucket, same prefix",
                "s3:GetObject",
                f"arn:aws:s3:::{OTHER_BUCKET}/{prefix}report.csv",
                False,
            ),
            Case("the bucket ARN itself (GetObject)", "s3:GetObject", f"arn:aws:s3:::{bucket}", False),
            Case("list the bucket without a prefix", "s3:ListBucket", f"arn:aws:s3:::{bucket}", False),
            Case(
                "list the tenant's prefix",
                "s3:ListBucket",
                f"arn:aws:s3:::{bucket}",
                value.list,
                context={"s3:prefix": prefix},
            ),
            Case("change the bucket policy", "s3:PutBucketPolicy", f"arn:aws:s3:::{bucket}", False),
            Case("delete the bucket", "s3:DeleteBucket", f"arn:aws:s3:::{bucket}", False),
        ]

    def planned_resources(self, value: S3Objects) -> list[str]:
        return [f"arn:aws:s3:::{value.bucket}/{value.prefix}*"]

    def live_names(self, value: S3Objects, worker: int) -> dict[str, str]:
        """Bucket names are global: each worker gets its own."""
        return {value.bucket: f"{value.bucket[:55]}-w{worker}"}

    def live_setup(self, data: Any, clients: ClientFactory) -> dict[str, str]:
        s3 = clients("s3")
        with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou, s3.exceptions.BucketAlreadyExists):
            s3.create_bucket(Bucket=data["bucket"])
        return {}

    def live_exercise(self, value: S3Objects, role: ClientFactory, owner: ClientFactory, where: str) -> None:
        s3 = role("s3")
        key = f"{value.prefix}xacct-live.txt"
        body = f"written for {where}".encode()
        if value.access in ("write", "read-write"):
            s3.put_object(Bucket=value.bucket, Key=key, Body=body)
        else:
            owner("s3").put_object(Bucket=value.bucket, Key=key, Body=body)
        if value.access in ("read", "read-write"):
            assert s3.get_object(Bucket=value.bucket, Key=key)["Body"].read() == body, (
                f"{where}: the object read through the role is not the one written"
            )
        else:
            held = owner("s3").get_object(Bucket=value.bucket, Key=key)["Body"].read()
            assert held == body, f"{where}: the object written through the role is not in {value.bucket}"


KIND = S3ObjectsKind()
