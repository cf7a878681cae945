"""Writing generated trees: atomic swaps, a lock, and the comparison behind ``--check``."""
