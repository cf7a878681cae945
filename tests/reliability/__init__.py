"""Reliability: escaping, injection round-trips, determinism, atomic writes, locking, external IDs."""
