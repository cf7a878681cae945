"""ROOT-EXTRA-CONTENT: a generated root does nothing but call the xacct module once.

``generate`` writes a root whose only effect is ``module "role"``. Anything else that Terraform would
act on (a resource, a data source, a check block's data sources, an action, another module call, an
import/moved/removed block), an override
file (it changes the generated blocks without showing in them) or a variable file was added by hand,
but the two ``import`` blocks xacct writes for a role the registry adopts (``imports.tf``),
in whichever ``.tf`` / ``.tf.json`` file of the root it sits. IAM grants outside the module are named
for what they grant: the lint rebuilds the role from the module call alone and would not see them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from generator.lint.findings import Finding, Location
from generator.lint.root_subjects import ROLE_CALL, RootSubject, TfFile, TreeSubject
from generator.lint.rule import Rule
from generator.lint.subjects import Unresolved
from generator.render.terraform import import_ids

if TYPE_CHECKING:
    from generator.hclread import Block

GRANT = "the registry grants nothing but its permissions; remove it"
ONLY_CALL = 'a generated root holds only the role\'s module "role" call; remove it'
ACTIVE = {"resource", "data", "ephemeral", "module", "import", "moved", "removed", "check", "action"}
IDENTITIES = {
    "aws_iam_user": "creates the IAM user",
    "aws_iam_access_key": "creates an access key for the IAM user",
    "aws_iam_user_login_profile": "creates a console password for the IAM user",
    "aws_iam_user_policy": "adds an inline policy to the IAM user",
    "aws_iam_user_policy_attachment": "attaches a policy to the IAM user",
    "aws_iam_user_group_membership": "adds groups to the IAM user",
    "aws_iam_group": "creates the IAM group",
    "aws_iam_group_membership": "adds users to the IAM group",
    "aws_iam_group_policy": "adds an inline policy to the IAM group",
    "aws_iam_group_policy_attachment": "attaches a policy to the IAM group",
    "aws_iam_openid_connect_provider": "creates an OIDC identity provider",
    "aws_iam_saml_provider": "creates a SAML identity provider",
    "aws_iam_role": "creates another IAM role",
    "aws_iam_instance_profile": "creates an instance profile",
    "aws_iam_service_linked_role": "creates a service-linked role",
}


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "nothing"
    return str(value).removeprefix("${").removesuffix("}") if value is not None else "?"


def _role(value: Any, root: RootSubject) -> str:
    """The role a grant targets: the generated role's name when it refers to the module call."""
    text = _text(value)
    if text.startswith(f"module.{ROLE_CALL}."):
        name = root.spec.role_name if root.spec else root.call.get("role_name") if root.call else None
        return f"the role {name}" if isinstance(name, str) else f"the role ({text})"
    return f"the role {text}"


def grant(block: Block, root: RootSubject) -> str | None:
    """What an IAM resource outside the module grants, or None when it is not an IAM grant."""
    kind = block.labels[0]
    if kind == "aws_iam_role_policy_attachment":
        return f"attaches {_text(block.get('policy_arn'))} to {_role(block.get('role'), root)}"
    if kind == "aws_iam_policy_attachment":
        targets = [
            f"{what} {_text(block.get(what + 's'))}"
            for what in ("role", "user", "group")
            if block.get(what + "s")
        ]
        return f"attaches {_text(block.get('policy_arn'))} to " + ("; ".join(targets) or "?")
    if kind == "aws_iam_role_policy":
        return f"adds an inline policy to {_role(block.get('role'), root)}"
    if kind == "aws_iam_role_policies_exclusive":
        return f"sets the inline policies of {_role(block.get('role_name'), root)}"
    if kind == "aws_iam_role_policy_attachments_exclusive":
        arns = _text(block.get("policy_arns"))
        return f"sets the policies attached to {_role(block.get('role_name'), root)} to {arns}"
    if kind == "aws_iam_policy":
        return f"creates the managed policy {_text(block.get('name') or block.get('name_prefix'))}"
    if kind in IDENTITIES:
        return IDENTITIES[kind]
    return None


def adopting(block: Block, root: RootSubject) -> bool:
    """An import block xacct writes for a role the registry adopts: one of its two, with their IDs."""
    spec = root.spec
    if block.kind != "import" or spec is None or not spec.adopt or set(block.attributes) != {"to", "id"}:
        return False
    to = block.get("to")
    expected = import_ids(spec)
    return isinstance(to, Unresolved) and block.get("id") == expected.get(_text(to), object())


class RootExtraContent(Rule):
    description = "A generated root calls the xacct module once and holds nothing else Terraform acts on"
    control = "IAM-006 (least privilege: the role gets only what the registry grants)"
    help = "Remove what was added to the root; change the registry and run `xacct generate` instead."

    def check_tree(self, tree: TreeSubject) -> Iterator[Finding]:
        for root in tree.roots:
            if root.as_generated:
                continue  # holds only what generate writes (its import blocks included)
            for tf in root.files:
                if tf.is_override:
                    yield self._override(root, tf)
                    continue
                for block in tf.blocks:
                    if block.kind in ACTIVE and block is not root.call and not adopting(block, root):
                        yield self._block(root, tf, block)
            for path in root.stray_files:
                yield self.at(
                    Location(path, 1, "(file)"),
                    "a variable file in a generated root (the root takes no variables): remove it",
                    tenant=root.tenant,
                    scenario=root.scenario,
                )

    def _override(self, root: RootSubject, tf: TfFile) -> Finding:
        what = ", ".join(b.address for b in tf.blocks) or "nothing yet"
        return self.at(
            Location(tf.display, 1, "(file)"),
            f"an override file ({what}): Terraform merges it into the generated blocks, "
            f"changing them where nobody reads; remove it",
            tenant=root.tenant,
            scenario=root.scenario,
        )

    def _block(self, root: RootSubject, tf: TfFile, block: Block) -> Finding:
        address = block.address
        if block.kind == "resource" and len(block.labels) == 2:
            granted = grant(block, root)
            message = (
                f"{address} {granted}: {GRANT}"
                if granted
                else f"{address} creates a resource the registry does not ask for: {ONLY_CALL}"
            )
        elif block.kind == "module":
            message = f"{address} calls {_text(block.get('source'))}: {ONLY_CALL}"
        elif block.kind == "data":
            message = (
                f"{address} is read at every plan (a data source can run programs or fetch URLs): {ONLY_CALL}"
            )
        elif block.kind == "check":
            message = (
                f"{address} reads its data sources at every plan (a data source can run programs or fetch "
                f"URLs): {ONLY_CALL}"
            )
        elif block.kind == "action":
            message = (
                f"{address} runs a provider operation at apply (`terraform apply -invoke` or a resource's "
                f"action_trigger) that no resource change shows: {ONLY_CALL}"
            )
        elif block.kind == "ephemeral":
            message = (
                f"{address} is opened at plan and at apply (an aws_lambda_invocation runs code) and no plan "
                f"JSON shows it: {ONLY_CALL}"
            )
        else:
            message = f"this {block.kind} block changes what Terraform manages: {ONLY_CALL}"
        return self.at(
            Location(tf.display, block.line, address), message, tenant=root.tenant, scenario=root.scenario
        )
