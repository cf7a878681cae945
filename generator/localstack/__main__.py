"""``python -m generator.localstack``: see `generator.localstack.supervisor`."""

import sys

from generator.localstack.supervisor import main

sys.exit(main())
