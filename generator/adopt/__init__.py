"""``xacct import``: adopt hand-made cross-account roles into the registry (see ``command``)."""

from generator.adopt.command import add_arguments, run_import

__all__ = ["add_arguments", "run_import"]
