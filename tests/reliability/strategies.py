"""Hypothesis strategies for registries whose free-text fields hold hostile but AWS-valid text."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

from hypothesis import strategies as st

from generator import awsformats as aws

from .registries import PARTNER

# Pieces that mean something in HCL, JSON, YAML or comments; mixed into otherwise random text.
HOSTILE = [
    '"',
    "\\",
    "${",
    "%{",
    "$${",
    "%%{",
    "}",
    "{",
    "*/",
    "/*",
    "#",
    "//",
    "$",
    "%",
    "<<EOF",
    "\\n",
    "\\u0041",
    "${aws:username}",
    "'",
    ": ",
    "- ",
    "&a",
    "*a",
    "!!str",
]
HOSTILE_BLANK = ["\n", "\r\n", "\t", "\r", " "]
# What IAM accepts in a role description and in a policy document: Latin-1 printable, tab, LF, CR.
LATIN1 = "".join(chr(c) for c in [9, 10, 13, *range(0x20, 0x7F), *range(0xA1, 0x100)])
PRINTABLE_ASCII = "".join(chr(c) for c in range(0x21, 0x7F))
S3_PREFIX_CHARS = "ABCXYZabcxyz0189!_.'()=+,@:-"
TAG_PUNCTUATION = "_.:/=+-@ "


def _mix(pieces: list[str], alphabet: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    part = st.one_of(st.sampled_from(pieces), st.text(alphabet=alphabet, max_size=6))
    return st.lists(part, max_size=12).map("".join).filter(lambda s: len(s) <= max_size)


def description() -> st.SearchStrategy[str]:
    return _mix(HOSTILE + HOSTILE_BLANK, st.sampled_from(LATIN1), aws.ROLE_DESCRIPTION_MAX)


def condition_value() -> st.SearchStrategy[str]:
    return _mix(HOSTILE + HOSTILE_BLANK, st.sampled_from(LATIN1), 200)


def role_path() -> st.SearchStrategy[str]:
    inner = _mix([p for p in HOSTILE if " " not in p], st.sampled_from(PRINTABLE_ASCII), 100)
    return st.one_of(st.just("/"), inner.filter(bool).map(lambda s: f"/{s}/"))


def s3_prefix() -> st.SearchStrategy[str]:
    segment = st.text(alphabet=S3_PREFIX_CHARS, min_size=1, max_size=12).filter(
        lambda s: s not in (".", "..")
    )
    return st.lists(segment, min_size=1, max_size=4).map(lambda parts: "/".join(parts) + "/")


def _tag_text(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    # Unicode letters, digits and separators (astral ones too) as AWS allows; Terraform stores strings in
    # NFC, so only NFC text can read back unchanged (see test_validation_gaps.py).
    chars = st.one_of(
        st.characters(categories=["L", "N", "Zs", "Zl", "Zp"]), st.sampled_from(TAG_PUNCTUATION)
    )
    return st.text(chars, min_size=min_size, max_size=max_size).filter(
        lambda s: unicodedata.normalize("NFC", s) == s
    )


def tags() -> st.SearchStrategy[dict[str, str]]:
    key = _tag_text(1, 40).filter(lambda k: not k.lower().startswith(("aws:", "xacct:")))
    return st.dictionaries(key, _tag_text(0, 60), max_size=3)


def without_case_clashes(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the tag keys that differ only in case from another at their level or an outer
    one (partner, tenant, role): IAM tag keys ignore case, and the registry refuses them."""

    def keep(tags: dict[str, str], outer: dict[str, str]) -> dict[str, str]:
        seen = {k.lower(): k for k in outer}
        kept = {}
        for k, v in tags.items():
            if seen.setdefault(k.lower(), k) == k:
                kept[k] = v
        return kept

    partner = keep(data["partner"]["tags"], {})
    data["partner"]["tags"] = partner
    for tenant in data["tenants"]:
        tenant["tags"] = keep(tenant["tags"], partner)
        for scenario in ("partner_to_customer", "customer_to_partner"):
            if scenario in tenant:
                tenant[scenario]["tags"] = keep(tenant[scenario]["tags"], {**partner, **tenant["tags"]})
    return data


def resource() -> st.SearchStrategy[str]:
    tail = _mix([p for p in HOSTILE if " " not in p], st.sampled_from(PRINTABLE_ASCII), 100)
    return tail.map(lambda s: f"arn:aws:s3:::teamform-exchange/{s}")


def raw_statement(sid: str) -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from(["aws:PrincipalTag/team", "s3:prefix", "aws:SourceVpce", "aws:RequestTag/x y"])
    values = st.one_of(condition_value(), st.lists(condition_value(), min_size=1, max_size=3))
    conditions = st.dictionaries(
        st.sampled_from(["StringEquals", "StringLike", "StringNotEquals"]),
        st.dictionaries(keys, values, min_size=1, max_size=2),
        min_size=1,
        max_size=2,
    )
    return st.fixed_dictionaries(
        {
            "sid": st.just(sid),
            "actions": st.just(["s3:GetObject"]),
            "resources": st.lists(resource(), min_size=1, max_size=2),
            "conditions": conditions,
        }
    )


@st.composite
def role_settings(draw: st.DrawFn, scenario: str, index: int) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    if draw(st.booleans()):
        settings["description"] = draw(description())
    settings["role_path"] = draw(role_path())
    settings["tags"] = draw(tags())
    statements = [draw(raw_statement(f"Raw{index}N{j}")) for j in range(draw(st.integers(1, 2)))]
    permissions: list[dict[str, Any]] = [{"statements": statements}]
    if scenario == "customer_to_partner":
        permissions.append(
            {
                "s3_objects": {
                    "bucket": "teamform-exchange",
                    "prefix": draw(s3_prefix()),
                    "access": draw(st.sampled_from(["read", "write", "read-write"])),
                }
            }
        )
    else:
        permissions.append({"route53_records": {"hosted_zone_ids": ["Z8L2Y45GOT7LQT"]}})
    settings["permissions"] = permissions
    return settings


@st.composite
def registries(draw: st.DrawFn) -> dict[str, Any]:
    """A valid registry of 1-2 tenants whose free-text fields hold hostile text."""
    count = draw(st.integers(1, 2))
    ids = draw(st.lists(st.uuids(version=4), min_size=count, max_size=count, unique=True))
    tenants = []
    for i in range(count):
        entry: dict[str, Any] = {
            "name": f"tenant-{i}",
            "account_id": f"{222222222222 + i}",
            "external_id": str(ids[i]),
            "tags": draw(tags()),
        }
        for scenario in draw(
            st.sampled_from(
                [
                    ["partner_to_customer"],
                    ["customer_to_partner"],
                    ["partner_to_customer", "customer_to_partner"],
                ]
            )
        ):
            entry[scenario] = draw(role_settings(scenario, i))
            if scenario == "customer_to_partner":
                entry[scenario]["require_external_id"] = draw(st.booleans())
        tenants.append(entry)
    data = {"version": 1, "partner": {**PARTNER, "tags": draw(tags())}, "tenants": tenants}
    return without_case_clashes(data)


def is_uuid4(value: str) -> bool:
    try:
        return uuid.UUID(value).version == 4 and str(uuid.UUID(value)) == value
    except ValueError:
        return False
