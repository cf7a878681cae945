"""``s3_objects``: read and/or write the objects under one prefix of one bucket."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from generator.modelfields import Bucket, S3Prefix, Strict
from generator.permissions.case import Case
from generator.permissions.kind import ClientFactory, PermissionKind
from generator.permissions.statement import Statement
from generator.permissions.wording import Code, plain_allow, verbs

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

    def plain_words(self, st: Statement, code: Code) -> str | None:
        return plain_words(st, code)

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


# Bucket names and key prefixes as the registry allows them: no wildcard, no policy variable (``${…}``).
BUCKET, PREFIX = r"([a-z0-9.-]+)", r"([A-Za-z0-9!_.'()/=+,@:-]*)"
S3_OBJECTS = re.compile(rf"arn:aws:s3:::{BUCKET}/{PREFIX}\*")
S3_BUCKET = re.compile(rf"arn:aws:s3:::{BUCKET}")
S3_PREFIX = re.compile(rf"{PREFIX}\*")
VERBS = {READ[0]: "read", WRITE[0]: "write"}


def _objects(st: Statement, code: Code) -> str | None:
    if not plain_allow(st) or st.conditions or not st.resources or len(st.resources) != 1:
        return None
    found = S3_OBJECTS.fullmatch(st.resources[0])
    assert st.actions is not None
    if not found or not set(st.actions) <= {*READ, *WRITE}:
        return None
    bucket, prefix = found.groups()
    if prefix == "" or prefix.endswith("/"):
        return f"{verbs(st.actions, VERBS, code)} objects under {code(f's3://{bucket}/{prefix}')}"
    what = verbs(st.actions, VERBS, code)
    return f"{what} objects whose keys start with {code(prefix)} in bucket {code(bucket)}"


def _listing(st: Statement, code: Code) -> str | None:
    if not plain_allow(st) or st.actions != ("s3:ListBucket",) or not st.resources or len(st.resources) != 1:
        return None
    found = S3_BUCKET.fullmatch(st.resources[0])
    if not found or set(st.conditions) != {"StringLike"} or set(st.conditions["StringLike"]) != {"s3:prefix"}:
        return None
    prefixes = st.conditions["StringLike"]["s3:prefix"]
    if len(prefixes) != 1 or not S3_PREFIX.fullmatch(prefixes[0]):
        return None
    bucket, prefix, action = found.group(1), prefixes[0][:-1], code("s3:ListBucket")
    if prefix == "" or prefix.endswith("/"):
        return f"list the object keys under {code(f's3://{bucket}/{prefix}')} ({action})"
    return f"list the object keys that start with {code(prefix)} in bucket {code(bucket)} ({action})"


def plain_words(st: Statement, code: Code) -> str | None:
    """The sentence of a statement this kind writes, else None."""
    return _objects(st, code) or _listing(st, code)


KIND = S3ObjectsKind()
