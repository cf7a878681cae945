"""A tenant manifest's text is exactly ``json.dumps(indent=2, sort_keys=True)`` of its record."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.output.manifest import FORMAT, TenantManifest

text = st.text(max_size=12)


@settings(max_examples=300, deadline=None)
@given(
    tenant=text,
    key=st.none() | text,
    external_id=st.none() | text,
    files=st.dictionaries(text, text, max_size=5),
    next_id=st.none() | text,
)
def test_manifest_text_is_the_standard_json_layout(
    tenant: str, key: str | None, external_id: str | None, files: dict[str, str], next_id: str | None
) -> None:
    recorded = {f"{tenant}/{rel}": sha for rel, sha in files.items()}
    manifest = TenantManifest(tenant, key, external_id, recorded, next_external_id=next_id)
    record = {
        "generator": "xacct",
        "format": FORMAT,
        "tenant": tenant,
        "key": key,
        "external_id": external_id,
        "files": dict(sorted(files.items())),
    }
    if next_id is not None:  # only while a rotation is in progress
        record["next_external_id"] = next_id
    assert manifest.text() == json.dumps(record, indent=2, sort_keys=True) + "\n"
    assert json.loads(manifest.text()) == record
