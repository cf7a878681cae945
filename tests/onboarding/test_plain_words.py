"""Permissions in plain words: the catalog's shapes read as sentences, anything else verbatim, and a
statement that only looks like a catalog shape is never described as one."""

from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from generator.permissions.discovery import kind
from generator.permissions.kinds.route53_records import Route53Records
from generator.permissions.kinds.s3_objects import S3Objects
from generator.permissions.kinds.sqs_queue import SqsQueue
from generator.policy.documents import Statement
from generator.render.plain_words import describe, describe_all

from .conftest import HOSTILE_STATEMENTS


def _spans(markdown: str) -> list[str]:
    (paragraph,) = [t for t in MarkdownIt("commonmark").parse(markdown) if t.type == "inline"]
    return [t.content for t in paragraph.children or [] if t.type == "code_inline"]


def _s3(access: str, listing: bool = False, prefix: str = "acme/") -> list[str]:
    perm = S3Objects(bucket="teamform-tenant-exchange", prefix=prefix, access=access, list=listing)
    return describe_all(tuple(kind("s3_objects").statements(perm, 1)))


def test_s3_objects() -> None:
    where = "`s3://teamform-tenant-exchange/acme/`"
    assert _s3("read") == [f"read (`s3:GetObject`) objects under {where}"]
    assert _s3("write") == [f"write (`s3:PutObject`) objects under {where}"]
    assert _s3("read-write", listing=True) == [
        f"read (`s3:GetObject`) and write (`s3:PutObject`) objects under {where}",
        f"list the object keys under {where} (`s3:ListBucket`)",
    ]


def test_route53_records() -> None:
    read = Route53Records(hosted_zone_ids=["Z8L2Y45GOT7LQT"], access="read")
    assert describe_all(tuple(kind("route53_records").statements(read, 1))) == [
        "list (`route53:ListResourceRecordSets`) the DNS record sets of hosted zone `Z8L2Y45GOT7LQT`"
    ]
    both = Route53Records(hosted_zone_ids=["Z1D633PJN98FT9", "Z3M3LMPEXAMPLE"], access="read-write")
    assert describe_all(tuple(kind("route53_records").statements(both, 1))) == [
        "list (`route53:ListResourceRecordSets`) and change (`route53:ChangeResourceRecordSets`) the DNS "
        "record sets of hosted zones `Z1D633PJN98FT9`, `Z3M3LMPEXAMPLE`",
        "see whether a record change has reached every Route 53 server (`route53:GetChange`)",
    ]


def test_sqs_queue() -> None:
    arn = "arn:aws:sqs:eu-west-1:111111111111:acme-in.fifo"
    send = SqsQueue(queue_arn=arn, access="send")
    assert describe_all(tuple(kind("sqs_queue").statements(send, 1))) == [
        "look up the queue's URL (`sqs:GetQueueUrl`) and send messages (`sqs:SendMessage`) "
        f"on the SQS queue `{arn}`"
    ]
    wider = Statement(sid="X", actions=("sqs:SendMessage", "sqs:DeleteQueue"), resources=(arn,))
    assert describe(wider).startswith("**Allow** actions")


def test_every_kind_describes_its_own_statements() -> None:
    """A kind's example entry reads as sentences, not as the verbatim fallback (raw statements aside)."""
    import yaml

    from generator.permissions.discovery import kinds

    for name, k in kinds().items():
        if k.open_ended:
            continue
        value = k.annotation.model_validate(yaml.safe_load(k.example)[name])
        lines = describe_all(tuple(k.statements(value, 1)))
        assert lines and not any(line.startswith("**") for line in lines), (name, lines)


def test_raw_statements_verbatim() -> None:
    """Every action, resource and condition value, as it is, in code spans (conditions as JSON)."""
    allow, deny = describe_all(HOSTILE_STATEMENTS)
    assert allow.startswith("**Allow** actions ")
    assert _spans(allow) == ["s3:GetObject", *HOSTILE_STATEMENTS[0].resources]  # type: ignore[misc]
    assert deny.startswith("**Deny** every action except ")
    spans = _spans(deny)
    assert spans[:2] == ["iam:*", "arn:aws:iam::*:role/keep"]
    assert json.loads(spans[2]) == HOSTILE_STATEMENTS[1].to_iam()["Condition"]  # the line break included


OBJECTS = Statement(actions=("s3:GetObject",), resources=("arn:aws:s3:::b/p/*",))
LISTING = Statement(
    actions=("s3:ListBucket",),
    resources=("arn:aws:s3:::b",),
    conditions={"StringLike": {"s3:prefix": ("p/*",)}},
)
ZONE = Statement(actions=("route53:ListResourceRecordSets",), resources=("arn:aws:route53:::hostedzone/Z1",))


@pytest.mark.parametrize(
    "near_miss",
    [
        OBJECTS.model_copy(update={"effect": "Deny"}),
        OBJECTS.model_copy(update={"actions": ("s3:GetObject", "s3:DeleteObject")}),
        OBJECTS.model_copy(update={"conditions": {"Bool": {"aws:SecureTransport": ("true",)}}}),
        OBJECTS.model_copy(update={"resources": ("arn:aws:s3:::b/p/*", "arn:aws:s3:::c/*")}),
        OBJECTS.model_copy(update={"resources": ("arn:aws:s3:::b/p/*/x",)}),
        OBJECTS.model_copy(update={"resources": ("arn:aws:s3:::b/${aws:username}/*",)}),  # a variable
        LISTING.model_copy(update={"conditions": {"StringLike": {"s3:prefix": ("${aws:userid}/*",)}}}),
        OBJECTS.model_copy(update={"resources": None, "not_resources": ("arn:aws:s3:::b/p/*",)}),
        LISTING.model_copy(update={"conditions": {"StringLike": {"s3:prefix": ("p/*", "q/*")}}}),
        LISTING.model_copy(update={"conditions": {"StringNotLike": {"s3:prefix": ("p/*",)}}}),
        LISTING.model_copy(update={"conditions": {"StringLike": {"s3:prefix": ("p/*",), "aws:x": ("y",)}}}),
        LISTING.model_copy(update={"conditions": {}}),
        ZONE.model_copy(update={"resources": ("arn:aws:route53:::hostedzone/*",)}),
        ZONE.model_copy(update={"actions": ("route53:*",)}),
        ZONE.model_copy(
            update={
                "conditions": {
                    "ForAllValues:StringEquals": {"route53:ChangeResourceRecordSetsRecordTypes": ("TXT",)}
                }
            }
        ),
        Statement(actions=("route53:GetChange",), resources=("*",)),
    ],
)
def test_a_near_miss_is_listed_verbatim(near_miss: Statement) -> None:
    """A statement that grants more, or other, than a catalog shape is not described as that shape."""
    line = describe(near_miss)
    assert line.startswith(f"**{near_miss.effect}**"), line


def test_prefix_without_a_slash_is_not_a_folder() -> None:
    assert _s3("read", prefix="acme/")[0].endswith("under `s3://teamform-tenant-exchange/acme/`")
    line = describe(OBJECTS.model_copy(update={"resources": ("arn:aws:s3:::b/rep*",)}))
    assert line == "read (`s3:GetObject`) objects whose keys start with `rep` in bucket `b`"
