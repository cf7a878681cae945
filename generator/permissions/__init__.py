"""Permission kinds: each registry kind (``route53_records``, ``s3_objects``, ...) is one file in ``kinds/``.

A kind file holds everything about its kind: the registry model, the IAM statements, the proof cases,
what the planned policy must name, its live setup and exercise on LocalStack, and its docs. Kinds are
found by being there (:func:`generator.permissions.discovery.kinds`); nothing keeps a list of them.
This package sits below the registry: it imports only helpers (``modelfields``, ``awsformats``).
"""
