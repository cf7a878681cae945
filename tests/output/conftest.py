"""The output tests share the reliability tests' fixtures: workspaces, the xacct CLI, terraform's config."""

from tests.reliability.conftest import tf_cli_config, workspace, xacct  # noqa: F401
