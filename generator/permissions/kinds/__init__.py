"""One file per registry permission kind, each exposing ``KIND`` (see ``generator.permissions.kind``).

Adding a kind is adding a file here: discovery (``generator.permissions.discovery``) finds it.
"""
