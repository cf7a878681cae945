"""The offline state builder, kept here for the tests that import it: it lives in
:mod:`generator.harness.states` (the harness's offboarding proof builds state with it too)."""

from generator.harness.states import state_after, write_state

__all__ = ["state_after", "write_state"]
