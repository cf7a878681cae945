"""The terraform CLI config xacct writes for every terraform it runs (never the home folder's).

It reaches terraform only through ``TF_CLI_CONFIG_FILE``. :func:`default_cli_config` writes one (once per
content) into ``$XDG_CACHE_HOME/xacct/`` when ``XDG_CACHE_HOME`` is set, else into ``<tmpdir>/xacct-<uid>/``;
it uses the provider mirror from ``XACCT_PROVIDER_MIRROR`` (default ``/opt/tf-plugins``) and the optional
plugin cache from ``XACCT_PLUGIN_CACHE``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from generator.files import replace_file
from generator.render.hcl import quote

MIRROR_ENV = "XACCT_PROVIDER_MIRROR"
PLUGIN_CACHE_ENV = "XACCT_PLUGIN_CACHE"
DEFAULT_MIRROR = Path("/opt/tf-plugins")


def resolve_mirror(mirror: Path | str | None = None) -> Path | None:
    """The provider mirror directory: the argument, else ``$XACCT_PROVIDER_MIRROR``, else the default.

    An empty value or a directory that does not exist means "no mirror".
    """
    if mirror is None:
        mirror = os.environ.get(MIRROR_ENV, str(DEFAULT_MIRROR))
    if not str(mirror):
        return None
    path = Path(mirror)
    return path if path.is_dir() else None


def mirrored_providers(mirror: Path) -> list[str]:
    """Provider source addresses (``host/namespace/type``) present in a filesystem mirror."""
    return sorted(
        f"{host.name}/{namespace.name}/{provider.name}"
        for host in mirror.iterdir()
        if host.is_dir()
        for namespace in host.iterdir()
        if namespace.is_dir()
        for provider in namespace.iterdir()
        if provider.is_dir()
    )


def _hcl_list(values: Sequence[str]) -> str:
    return "[" + ", ".join(quote(v) for v in values) + "]"


def cli_config_text(mirror: Path | None, plugin_cache: Path | None) -> str:
    """The CLI config content; ``mirror`` must already be resolved (see :func:`resolve_mirror`).

    Providers found in the mirror are installed from it only; everything else comes from its registry.
    Without a mirror (or an empty one) there is no ``provider_installation`` block at all.
    """
    lines = ["# Written by xacct (generator/tfconfig.py); passed to terraform via TF_CLI_CONFIG_FILE."]
    providers = mirrored_providers(mirror) if mirror is not None else []
    if mirror is not None and providers:
        lines += [
            "provider_installation {",
            "  filesystem_mirror {",
            f"    path    = {quote(str(mirror))}",
            f"    include = {_hcl_list(providers)}",
            "  }",
            "  direct {",
            f"    exclude = {_hcl_list(providers)}",
            "  }",
            "}",
        ]
    if plugin_cache is not None:
        lines += [
            f"plugin_cache_dir = {quote(str(plugin_cache))}",
            "plugin_cache_may_break_dependency_lock_file = true",
        ]
    return "\n".join(lines) + "\n"


def write_cli_config(
    path: Path | str, mirror: Path | str | None = None, plugin_cache: Path | str | None = None
) -> Path:
    """Write a terraform CLI config file to ``path`` and return it.

    ``mirror``: the argument, else ``$XACCT_PROVIDER_MIRROR`` (default ``/opt/tf-plugins``); a missing
    directory means no mirror, so terraform uses its registry. ``plugin_cache`` is created if needed.
    """
    path = Path(path)
    cache = Path(plugin_cache).resolve() if plugin_cache is not None else None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
    resolved = resolve_mirror(mirror)
    text = cli_config_text(resolved.resolve() if resolved else None, cache)
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, text.encode("utf-8"))  # never through a link at a temporary name
    return path


def cache_dir() -> Path:
    """Per-user cache directory for files xacct writes for itself (never the home folder by default)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "xacct"
    return Path(tempfile.gettempdir()) / f"xacct-{os.getuid()}"


_default_configs: dict[tuple[str | None, str | None], Path] = {}


def default_cli_config() -> Path:
    """The CLI config for this process, written once (content-addressed, so concurrent writers agree)."""
    mirror = resolve_mirror()
    cache = os.environ.get(PLUGIN_CACHE_ENV) or None
    key = (str(mirror) if mirror else None, cache)
    if key not in _default_configs or not _default_configs[key].is_file():
        cache_path = Path(cache).resolve() if cache else None
        text = cli_config_text(mirror.resolve() if mirror else None, cache_path)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        path = cache_dir() / f"terraformrc-{digest}.tfrc"
        if not path.is_file():
            write_cli_config(path, mirror if mirror else "", cache_path)
        _default_configs[key] = path
    return _default_configs[key]
