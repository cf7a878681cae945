"""``python -m generator.audit``: the audit on its own (``xacct audit`` is the same command)."""

import sys

from generator.audit.command import main

sys.exit(main())
