"""What each role must allow and deny, and how a set of documents is judged against it.

The engine's proof layer, below every front end: the harness (pytest), ``xacct plan-guard`` and
``xacct lint --plan-json`` (through the plan accounting) and ``xacct audit`` all judge with these.
"""
