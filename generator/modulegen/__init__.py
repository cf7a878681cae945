"""The modules' generated files: the wrapper modules' `.tf` files and every module README's tables.

`make docs` runs `python -m generator.modulegen modules` (see :mod:`generator.modulegen.sync`).
"""
