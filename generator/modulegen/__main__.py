"""`python -m generator.modulegen modules [--check]`."""

import sys

from generator.modulegen.sync import main

sys.exit(main())
