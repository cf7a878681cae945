"""``route53_records``: list (and, for read-write, change) the record sets of named hosted zones."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from generator.modelfields import Strict, ZoneId
from generator.permissions.case import Case
from generator.permissions.kind import ClientFactory, PermissionKind
from generator.permissions.statement import Statement
from generator.permissions.wording import Code, plain_allow, verbs

READ = ("route53:ListResourceRecordSets",)
WRITE = ("route53:ChangeResourceRecordSets",)
GET_CHANGE = "route53:GetChange"
OTHER_ZONE = "ZOTHERZONE0000"


class Route53Records(Strict):
    """List (and, for read-write, change) the record sets of named hosted zones."""

    hosted_zone_ids: list[ZoneId] = Field(min_length=1, max_length=100)
    access: Literal["read", "read-write"] = "read-write"


def _zone_arn(zone: str) -> str:
    return f"arn:aws:route53:::hostedzone/{zone}"


class Route53RecordsKind(PermissionKind[Route53Records]):
    name = "route53_records"
    annotation = Route53Records
    field = Field(default=None)
    summary = (
        "`hosted_zone_ids` (no wildcards), `access: read` (`ListResourceRecordSets`)\n"
        "  or `read-write` (default; adds `ChangeResourceRecordSets`, and `GetChange` on\n"
        "  `arn:aws:route53:::change/*` so a caller can wait for `INSYNC`)."
    )
    example = "route53_records: {hosted_zone_ids: [Z8L2Y45GOT7LQT], access: read-write}"
    live_services = ("route53",)

    def statements(self, value: Route53Records, index: int) -> Iterator[Statement]:
        zones = tuple(_zone_arn(z) for z in value.hosted_zone_ids)
        if value.access == "read":
            yield Statement(sid=f"Route53ReadRecords{index}", actions=READ, resources=zones)
            return
        yield Statement(sid=f"Route53RecordSets{index}", actions=tuple(sorted(WRITE + READ)), resources=zones)
        # ChangeResourceRecordSets returns a change ID; waiting for INSYNC needs GetChange on it.
        yield Statement(
            sid=f"Route53GetChange{index}",
            actions=(GET_CHANGE,),
            resources=("arn:aws:route53:::change/*",),
        )

    def cases(self, value: Route53Records) -> list[Case]:
        cases = []
        writes = value.access == "read-write"
        for zone in value.hosted_zone_ids:
            arn = _zone_arn(zone)
            cases.append(
                Case("list records in the tenant's zone", "route53:ListResourceRecordSets", arn, True)
            )
            cases.append(
                Case(
                    "change records in the tenant's zone" if writes else "change records (read-only grant)",
                    "route53:ChangeResourceRecordSets",
                    arn,
                    writes,
                )
            )
            cases.append(Case("delete the tenant's zone", "route53:DeleteHostedZone", arn, False))
            cases.append(Case("change the zone's settings", "route53:UpdateHostedZoneComment", arn, False))
        other = _zone_arn(OTHER_ZONE)
        cases += [
            Case("change records in another zone", "route53:ChangeResourceRecordSets", other, False),
            Case("list records in another zone", "route53:ListResourceRecordSets", other, False),
            Case("create a hosted zone", "route53:CreateHostedZone", "*", False),
        ]
        if writes:
            cases.append(
                Case(
                    "wait for a change (GetChange)",
                    "route53:GetChange",
                    "arn:aws:route53:::change/C2682N5HXP0BZ4",
                    True,
                )
            )
        return cases

    def plain_words(self, st: Statement, code: Code) -> str | None:
        return plain_words(st, code)

    def planned_resources(self, value: Route53Records) -> list[str]:
        return [_zone_arn(z) for z in value.hosted_zone_ids]

    def live_setup(self, data: Any, clients: ClientFactory) -> dict[str, str]:
        """Zone IDs cannot be chosen on LocalStack: a zone is created for each, and its ID substituted."""
        route53 = clients("route53")
        zones = data["hosted_zone_ids"]
        live = [create_zone(route53, z) for z in zones]
        data["hosted_zone_ids"] = live
        return dict(zip(zones, live, strict=True))

    def live_exercise(
        self, value: Route53Records, role: ClientFactory, owner: ClientFactory, where: str
    ) -> None:
        route53 = role("route53")
        for zone in value.hosted_zone_ids:
            records = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
            zone_name = next(r["Name"] for r in records if r["Type"] == "SOA")
            if value.access != "read-write":
                continue
            record = f"_xacct-live.{zone_name}"
            txt = {"Name": record, "Type": "TXT", "TTL": 60, "ResourceRecords": [{"Value": '"xacct"'}]}
            change = route53.change_resource_record_sets(
                HostedZoneId=zone, ChangeBatch={"Changes": [{"Action": "UPSERT", "ResourceRecordSet": txt}]}
            )
            route53.get_change(Id=change["ChangeInfo"]["Id"])
            after = route53.list_resource_record_sets(HostedZoneId=zone)["ResourceRecordSets"]
            assert any(r["Name"] == record and r["Type"] == "TXT" for r in after), (
                f"{where}: the record written through the role is not in zone {zone}"
            )


HOSTED_ZONE = re.compile(r"arn:aws:route53:::hostedzone/([A-Z0-9]+)")
VERBS = {READ[0]: "list", WRITE[0]: "change"}


def plain_words(st: Statement, code: Code) -> str | None:
    """The sentence of a statement this kind writes, else None."""
    if not plain_allow(st) or st.conditions or not st.resources:
        return None
    zones = [HOSTED_ZONE.fullmatch(r) for r in st.resources]
    assert st.actions is not None
    if st.actions == (GET_CHANGE,) and st.resources == ("arn:aws:route53:::change/*",):
        return f"see whether a record change has reached every Route 53 server ({code(GET_CHANGE)})"
    if not all(zones) or not set(st.actions) <= {*READ, *WRITE}:
        return None
    ordered = tuple(a for a in (*READ, *WRITE) if a in st.actions)
    names = ", ".join(code(z.group(1)) for z in zones if z)
    what = "hosted zone" if len(zones) == 1 else "hosted zones"
    return f"{verbs(ordered, VERBS, code)} the DNS record sets of {what} {names}"


def create_zone(route53: Any, zone_id: str) -> str:
    """A hosted zone standing in for ``zone_id``; returns its LocalStack ID."""
    name = f"{zone_id.lower()}.xacct.test"
    zone = route53.create_hosted_zone(Name=name, CallerReference=f"xacct-{uuid.uuid4()}")["HostedZone"]
    return zone["Id"].rsplit("/", 1)[-1]


KIND = Route53RecordsKind()
