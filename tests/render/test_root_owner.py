"""Each root runs where its owner applies it: Scenario A roots (the role is in the customer's account)
never name the partner's HCP Terraform organization, Scenario B roots (the partner's account) always do.
And every root pins the aws provider the way the registry says."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import hcl2
import pytest

from generator.policy.owners import owner_of, partner_applies
from generator.registry import load_registry_text
from generator.render.terraform import root_workspace

REPO = Path(__file__).resolve().parents[2]
TENANTS = (REPO / "tenants.yaml").read_text(encoding="utf-8")
CUSTOMER_CLOUD = "customer_terraform_cloud: {organization: acme-infra, workspace: teamform-access}"
ENTERPRISE = (
    "customer_terraform_cloud: {organization: acme-infra, workspace: w1, project: p-1, "
    'hostname: "tfe.acme.test"}'
)
PUBLISHED = TENANTS.replace(
    "  region: us-east-1\n",
    '  region: us-east-1\n  module_source: "git::https://x.test/xacct.git//modules/{module}?ref=v{version}"\n',
    1,
)


def _generate(tmp_path: Path, text: str) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "modules").symlink_to(REPO / "modules")
    registry = tmp_path / "tenants.yaml"
    registry.write_text(text, encoding="utf-8")
    out = tmp_path / "generated"
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "generate", "--registry", str(registry), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


def _text(value: str) -> str:
    """A string attribute as python-hcl2 gives it (with its quotes), unquoted."""
    return value[1:-1] if value.startswith('"') else value


def _cloud(root: Path) -> tuple[str, str] | None:
    """(organization, workspace name) of a root's cloud block, read as terraform would; None without."""
    found = None
    for tf in sorted(root.glob("*.tf")):
        for block in hcl2.loads(tf.read_text(encoding="utf-8")).get("terraform", []):
            for cloud in block.get("cloud", []):
                assert found is None, f"{root}: two cloud blocks"
                found = (_text(cloud["organization"]), _text(cloud["workspaces"][0]["name"]))
    return found


def test_owner_of_each_scenario() -> None:
    assert owner_of("partner_to_customer") == "customer" and not partner_applies("partner_to_customer")
    assert owner_of("customer_to_partner") == "partner" and partner_applies("customer_to_partner")
    with pytest.raises(ValueError, match="not a scenario"):
        owner_of("onboarding")


def test_each_root_runs_in_its_owners_organization(tmp_path: Path) -> None:
    """The example registry: acme names its own workspace, globex none; B roots use the partner's."""
    assert CUSTOMER_CLOUD in TENANTS
    out = _generate(tmp_path, TENANTS)
    roots = sorted(p.parent for p in out.glob("*/*/main.tf"))
    assert {r.name for r in roots} == {"partner_to_customer", "customer_to_partner"}
    for root in roots:
        cloud = _cloud(root)
        if owner_of(root.name) == "customer":
            assert cloud is None or cloud[0] != "teamform", (
                f"{root}: a customer's root in the partner's organization"
            )
        else:
            assert cloud == ("teamform", f"teamform-{root.parent.name}-{root.name}"), root
    assert _cloud(out / "acme" / "partner_to_customer") == ("acme-infra", "teamform-access")
    assert not (out / "globex" / "partner_to_customer" / "cloud.tf").exists()


def test_the_kit_points_at_the_ready_root(tmp_path: Path) -> None:
    out = _generate(tmp_path, PUBLISHED)
    acme = (out / "acme" / "onboarding" / "README.md").read_text(encoding="utf-8")
    assert (
        "`acme/partner_to_customer/`" in acme
        and "`teamform-access` of the\norganization `acme-infra`" in acme
    )
    globex = (out / "globex" / "onboarding" / "README.md").read_text(encoding="utf-8")
    assert "`globex/partner_to_customer/`" in globex and "names no HCP Terraform workspace" in globex


def test_customer_workspace_fields_reach_cloud_tf(tmp_path: Path) -> None:
    """A hostname and project of the customer's own (Terraform Enterprise) are written, escaped."""
    text = TENANTS.replace(
        CUSTOMER_CLOUD,
        ENTERPRISE,
    )
    out = _generate(tmp_path, text)
    cloud = hcl2.loads((out / "acme" / "partner_to_customer" / "cloud.tf").read_text(encoding="utf-8"))
    block = cloud["terraform"][0]["cloud"][0]
    assert (_text(block["organization"]), _text(block["hostname"])) == ("acme-infra", "tfe.acme.test")
    workspace = {k: _text(v) for k, v in block["workspaces"][0].items() if not k.startswith("__")}
    assert workspace == {"name": "w1", "project": "p-1"}


def test_no_partner_cloud_no_cloud_block_for_b(tmp_path: Path) -> None:
    text = TENANTS.replace("  terraform_cloud: {organization: teamform, project: cross-account}\n", "")
    loaded = load_registry_text(text)
    assert loaded.model.partner.terraform_cloud is None
    out = _generate(tmp_path, text)
    assert sorted(p.relative_to(out).as_posix() for p in out.glob("*/*/cloud.tf")) == [
        "acme/partner_to_customer/cloud.tf"
    ]


def _constraints(out: Path) -> set[str]:
    found = set()
    for main in out.glob("*/*/main.tf"):
        for block in hcl2.loads(main.read_text(encoding="utf-8"))["terraform"]:
            found.add(_text(block["required_providers"][0]["aws"]["version"]))
    return found


def test_provider_pinned_as_the_registry_says(tmp_path: Path) -> None:
    assert _constraints(_generate(tmp_path / "default", TENANTS)) == {"~> 5.100"}
    pin = '  region: us-east-1\n  aws_provider_version: "= 5.100.0"\n'
    out = _generate(tmp_path / "pinned", PUBLISHED.replace("  region: us-east-1\n", pin, 1))
    assert _constraints(out) == {"= 5.100.0"}
    kit = (out / "acme" / "onboarding" / "README.md").read_text(encoding="utf-8")
    assert '      version = "= 5.100.0"' in kit  # the kit's module snippet pins it too


def test_root_workspace_never_gives_a_customer_root_the_partners_cloud() -> None:
    """The pure rule other code (the pipeline lister) relies on, over every role of the example."""
    from generator.policy.roles import build_roles

    loaded = load_registry_text(TENANTS)
    partner = loaded.model.partner.terraform_cloud
    assert partner is not None
    for spec in build_roles(loaded.model):
        workspace = root_workspace(spec, partner)
        if partner_applies(spec.scenario):
            assert workspace is not None and workspace.organization == partner.organization
        else:
            assert workspace is None or workspace.organization != partner.organization


@pytest.mark.terraform
@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform not installed")
def test_cloud_tf_is_fmt_clean(tmp_path: Path) -> None:
    text = TENANTS.replace(
        CUSTOMER_CLOUD,
        ENTERPRISE,
    )
    out = _generate(tmp_path, text)
    done = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "-no-color", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "theirs",
    [
        "{organization: teamform, workspace: w}",
        "{organization: teamform, workspace: w, hostname: app.terraform.io}",  # the default, spelt out
        "{organization: TeamForm, workspace: w}",  # HCP Terraform names ignore case
        "{organization: teamform, workspace: w, hostname: APP.Terraform.IO}",
        "{organization: teamform, workspace: w, hostname: 'app.terraform.io.'}",
        "{organization: teamform, workspace: w, hostname: 'app.terraform.io:443'}",
    ],
)
def test_the_partners_organization_is_refused_however_spelt(theirs: str) -> None:
    """A Scenario A root never reaches the partner's organization through a variant of its name or
    host: the same organization on the same host is refused, whatever the case or the default."""
    from generator.registry import RegistryError

    with pytest.raises(RegistryError, match=r"customer_terraform_cloud\.organization: is the partner's own"):
        load_registry_text(TENANTS.replace(CUSTOMER_CLOUD, f"customer_terraform_cloud: {theirs}"))


def test_the_partners_organization_on_another_host_is_the_customers() -> None:
    """The same organization name on another Terraform Enterprise host is another organization."""
    other = "customer_terraform_cloud: {organization: teamform, workspace: w, hostname: tfe.acme.test}"
    text = TENANTS.replace(CUSTOMER_CLOUD, other)
    assert load_registry_text(text).model.tenants[0].customer_terraform_cloud is not None


@pytest.mark.parametrize(
    "host",
    ["https://app.terraform.io", "app.terraform.io/app", " app.terraform.io", 'a b\\"c', "x.", "tfe_1.test"],
)
@pytest.mark.parametrize("where", ["partner", "customer"])
def test_a_cloud_hostname_is_a_host_name(host: str, where: str) -> None:
    """The cloud block's hostname is a host alone: a URL, a path or a space would reach cloud.tf (and
    slip past the partner-organization check) only to fail terraform init."""
    from generator.registry import RegistryError

    if where == "partner":
        text = TENANTS.replace(
            "terraform_cloud: {organization: teamform, project: cross-account}",
            f'terraform_cloud: {{organization: teamform, project: cross-account, hostname: "{host}"}}',
        )
        field = r"partner\.terraform_cloud\.hostname"
    else:
        text = TENANTS.replace(
            CUSTOMER_CLOUD, f'customer_terraform_cloud: {{organization: o, workspace: w, hostname: "{host}"}}'
        )
        field = r"tenants\[0\]\.customer_terraform_cloud\.hostname"
    with pytest.raises(RegistryError, match=field + ": .* is not a host name"):
        load_registry_text(text)


@pytest.mark.parametrize("workspace", ["teamform-access", "TeamForm-Access"])
def test_two_tenants_cannot_share_a_customer_workspace(workspace: str) -> None:
    """One workspace holds one state: globex's root in acme's workspace would destroy acme's role."""
    from generator.registry import RegistryError

    shared = f"customer_terraform_cloud: {{organization: ACME-infra, workspace: {workspace}}}"
    text = TENANTS.replace(
        "    partner_to_customer:\n      permissions:",
        f"    {shared}\n    partner_to_customer:\n      permissions:",
        1,
    )
    assert text.count("customer_terraform_cloud") == 2
    with pytest.raises(
        RegistryError, match=r"tenants\[1\]\.customer_terraform_cloud\.workspace: is also the"
    ):
        load_registry_text(text)
    other = text.replace(shared, shared.replace(workspace, "teamform-access-2"))
    assert load_registry_text(other).model.tenants[1].customer_terraform_cloud is not None
