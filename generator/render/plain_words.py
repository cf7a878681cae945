"""A role's permissions in plain words, one Markdown line per statement, from its statements.

Statements of the catalog's shapes (S3 objects under a prefix, listing a prefix, Route 53 record
sets) read as sentences; any other statement (a raw one, or a catalog shape with anything more) is
listed verbatim: effect, actions, resources and the conditions as JSON. Every value is a code span.
"""

from __future__ import annotations

import re

from generator.jsontext import compact
from generator.policy.catalog import ROUTE53_GET_CHANGE, ROUTE53_READ, ROUTE53_WRITE, S3_READ, S3_WRITE
from generator.policy.documents import Statement
from generator.render.markdown import code

# Bucket names and key prefixes as the registry allows them: no wildcard, no policy variable (``${…}``).
BUCKET, PREFIX = r"([a-z0-9.-]+)", r"([A-Za-z0-9!_.'()/=+,@:-]*)"
S3_OBJECTS = re.compile(rf"arn:aws:s3:::{BUCKET}/{PREFIX}\*")
S3_BUCKET = re.compile(rf"arn:aws:s3:::{BUCKET}")
S3_PREFIX = re.compile(rf"{PREFIX}\*")
HOSTED_ZONE = re.compile(r"arn:aws:route53:::hostedzone/([A-Z0-9]+)")
VERBS = {
    S3_READ[0]: "read",
    S3_WRITE[0]: "write",
    ROUTE53_READ[0]: "list",
    ROUTE53_WRITE[0]: "change",
}


def _verbs(actions: tuple[str, ...]) -> str:
    parts = [f"{VERBS[a]} ({code(a)})" for a in actions]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + f" and {parts[-1]}"


def _plain_allow(st: Statement) -> bool:
    return st.effect == "Allow" and st.not_actions is None and st.not_resources is None and bool(st.actions)


def _s3_objects(st: Statement) -> str | None:
    if not _plain_allow(st) or st.conditions or not st.resources or len(st.resources) != 1:
        return None
    found = S3_OBJECTS.fullmatch(st.resources[0])
    assert st.actions is not None
    if not found or not set(st.actions) <= {*S3_READ, *S3_WRITE}:
        return None
    bucket, prefix = found.groups()
    if prefix == "" or prefix.endswith("/"):
        return f"{_verbs(st.actions)} objects under {code(f's3://{bucket}/{prefix}')}"
    return f"{_verbs(st.actions)} objects whose keys start with {code(prefix)} in bucket {code(bucket)}"


def _s3_list(st: Statement) -> str | None:
    if not _plain_allow(st) or st.actions != ("s3:ListBucket",) or not st.resources or len(st.resources) != 1:
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


def _route53(st: Statement) -> str | None:
    if not _plain_allow(st) or st.conditions or not st.resources:
        return None
    zones = [HOSTED_ZONE.fullmatch(r) for r in st.resources]
    assert st.actions is not None
    if st.actions == (ROUTE53_GET_CHANGE,) and st.resources == ("arn:aws:route53:::change/*",):
        return f"see whether a record change has reached every Route 53 server ({code(ROUTE53_GET_CHANGE)})"
    if not all(zones) or not set(st.actions) <= {*ROUTE53_READ, *ROUTE53_WRITE}:
        return None
    ordered = tuple(a for a in (*ROUTE53_READ, *ROUTE53_WRITE) if a in st.actions)
    names = ", ".join(code(z.group(1)) for z in zones if z)
    what = "hosted zone" if len(zones) == 1 else "hosted zones"
    return f"{_verbs(ordered)} the DNS record sets of {what} {names}"


def _values(values: tuple[str, ...]) -> str:
    return ", ".join(code(v) for v in values)


def verbatim(st: Statement) -> str:
    """The statement's elements as they are: effect, actions, resources, conditions (as JSON)."""
    parts = [f"**{st.effect}**"]
    if st.actions is not None:
        parts.append(f"actions {_values(st.actions)}")
    if st.not_actions is not None:
        parts.append(f"every action except {_values(st.not_actions)}")
    if st.resources is not None:
        parts.append(f"on {_values(st.resources)}")
    if st.not_resources is not None:
        parts.append(f"on every resource except {_values(st.not_resources)}")
    line = " ".join(parts)
    if st.conditions:
        line += f", only when {code(compact(st.to_iam()['Condition']))}"
    return line


def describe(st: Statement) -> str:
    """One Markdown line saying what ``st`` grants."""
    for shape in (_s3_objects, _s3_list, _route53):
        sentence = shape(st)
        if sentence is not None:
            return sentence
    return verbatim(st)


def describe_all(statements: tuple[Statement, ...]) -> list[str]:
    """One Markdown line per statement, in the policy's order."""
    return [describe(st) for st in statements]
