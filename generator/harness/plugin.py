"""The xacct pytest plugin (entry point ``pytest11: xacct``).

Run it on any registry: ``pytest --xacct-registry tenants.yaml``. It adds the built-in suite
(`generator.harness.suite`) with one test per tenant, scenario and layer (ids like
``acme/partner_to_customer``), and offers the fixtures that suite uses to any other tests:
``xacct_registry``, ``xacct_roles``, ``xacct_generated``, ``xacct_terraform``, ``xacct_plan``,
``xacct_localstack_url``, ``xacct_live`` and ``xacct_aws_session``.

Options: ``--xacct-generated DIR`` tests an existing generated tree instead of generating into a
temporary folder; ``--xacct-plan-json FILE --xacct-tenant NAME`` judges a plan made elsewhere
(a Terraform Cloud run); ``--xacct-localstack-url URL`` (or ``XACCT_LOCALSTACK_URL``) names the
LocalStack of the live layer, which is never skipped silently: deselect it with ``-m "not live"``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.harness.options import given_path
from generator.harness.session_cache import registry_path as _registry_path
from generator.harness.session_cache import release
from generator.harness.session_cache import session_cache as _cache
from generator.policy import RoleSpec
from generator.registry import LoadedRegistry

pytest_plugins = ("generator.harness.prewarm_plugin",)  # the plan layer's init, started ahead

SUITE = Path(__file__).with_name("suite.py")
SUITES = (SUITE, Path(__file__).with_name("suite_live.py"))


def pytest_addoption(parser: pytest.Parser) -> None:
    from generator.harness.options import add_options

    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "live: needs LocalStack (the live layer)")
    config.addinivalue_line("markers", "terraform: runs the terraform CLI")
    config.addinivalue_line("markers", "xacct_layer(name): hcl, plan or live layer of the xacct suite")
    config.addinivalue_line("markers", "xdist_group(name): keep a role's live tests on one xdist worker")
    if _registry_path(config) and not config.getoption("--xacct-no-suite"):
        config.args += [str(path) for path in SUITES if str(path) not in config.args]
    _cache(config).shard()  # a bad --xacct-shard is a usage error before collection
    from generator.harness.options import check_counts

    check_counts(config)
    if _registry_path(config) and config.getoption("--xacct-proof-record"):
        from generator.harness.incremental import IncrementalPlugin

        config.pluginmanager.register(
            IncrementalPlugin(config, lambda: (_cache(config).loaded(), _cache(config).roles())),
            "xacct-incremental",
        )


def pytest_sessionstart(session: pytest.Session) -> None:
    """A registry the suite cannot load (no such file, invalid) or an unknown --xacct-tenant: a usage
    error in its own words before collection, not the same traceback in every collected module."""
    config = session.config
    if _registry_path(config) and not config.getoption("--xacct-no-suite"):
        from generator.registry import RegistryError

        try:
            _cache(config).roles()
        except RegistryError as exc:
            raise pytest.UsageError(f"the xacct registry: {exc}") from None


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Never look for tests in a generated tree (a folder with xacct's manifest) or terraform's working
    folders: with 10,000 tenants that walk alone took longer than proving one changed tenant."""
    if collection_path.name == ".terraform":
        return True
    if _registry_path(config) and collection_path.is_dir():
        from generator.output.manifest import MANIFEST

        if (collection_path / MANIFEST).is_file():
            return True
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that uses terraform (through ``xacct_terraform``: the plan layer) is marked ``terraform``;
    the offboarding proof is deselected when the registry has no offboarding role (not a skip)."""
    unused = [
        item
        for item in items
        if "xacct_offboarding" in getattr(item, "fixturenames", ()) and item.name.endswith("[NOTSET]")
    ]
    if unused:
        config.hook.pytest_deselected(items=unused)
        items[:] = [item for item in items if item not in unused]
    for item in items:
        if "xacct_terraform" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.terraform)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Say which roots the plan layer planned whole, and why (files xacct did not write); write the
    evidence report (--xacct-report)."""
    layer = getattr(config, "_xacct_plan_layer", None)
    notes = getattr(layer, "notes", None)
    if notes:
        terminalreporter.write_sep("-", "xacct plan layer")
        for note in notes:
            terminalreporter.write_line(note)
    if config.getoption("--xacct-report", None) and _registry_path(config):
        from generator.harness.report_hook import write_session_report

        write_session_report(config, _cache(config).loaded, terminalreporter)


def pytest_unconfigure(config: pytest.Config) -> None:
    release(config)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    shard = _cache(metafunc.config).shard()
    part = None if shard is None else f"shard-{shard[0]}-of-{shard[1]}"
    if part and not {"xacct_role", "xacct_offboarding"} & set(metafunc.fixturenames):
        # a test of no one role runs in every shard, on that shard's part: its id says which, so that
        # the shards' JUnit files merge (xacct junit-merge) with each test case once
        metafunc.parametrize("xacct_shard_part", [part], ids=[part])
    if "xacct_role" in metafunc.fixturenames:
        roles = _cache(metafunc.config).roles()
        from generator.harness.incremental import unproven
        from generator.harness.selection import selected_by_marks

        marker = metafunc.definition.get_closest_marker("xacct_layer")
        if not selected_by_marks(metafunc):
            roles = []  # deselected by -m anyway: making 10,000 tests to drop them costs minutes
        roles = unproven(metafunc.config, roles, str(marker.args[0]) if marker else None)
        params = [pytest.param(r, id=r.key, marks=pytest.mark.xdist_group(r.key)) for r in roles]
        if not params and metafunc.config.pluginmanager.get_plugin("xacct-incremental"):
            why = pytest.mark.skip(reason="every role proven-unchanged (--xacct-proof-record)")
            params = [pytest.param(None, id="-".join(filter(None, ["proven-unchanged", part])), marks=why)]
        elif not params and part:  # not pytest's [NOTSET], the same id in every empty shard
            why = pytest.mark.skip(reason=f"no role of this layer in {part}")
            params = [pytest.param(None, id=f"no-role-{part}", marks=why)]
        metafunc.parametrize("xacct_role", params, scope="function")
    if "xacct_offboarding" in metafunc.fixturenames:
        retiring = _cache(metafunc.config).roles(retiring=True)
        params = [pytest.param(r, id=r.key, marks=pytest.mark.xdist_group(r.key)) for r in retiring]
        metafunc.parametrize("xacct_offboarding", params, scope="function")


def batch_arguments(
    config: pytest.Config, generated: Path, roles: list[RoleSpec]
) -> tuple[list[Any], dict[str, Any]]:
    """The generated roots of ``roles`` and the batching options given on the command line."""
    wanted = {r.key for r in roles}
    return [r for r in _cache(config).roots(generated) if r.key in wanted], batch_options(config)


def batch_options(config: pytest.Config) -> dict[str, Any]:
    """The batching options given on the command line."""
    return {
        "shard_size": config.getoption("--xacct-shard-size"),
        "jobs": config.getoption("--xacct-jobs"),
        "modules_dir": given_path(config, "--xacct-modules-dir"),
    }


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session", autouse=True)
def xacct_shard_part() -> str | None:
    """``shard-K-of-N`` under ``--xacct-shard K/N``, else None: a parameter of every test that is no one
    role's (see ``pytest_generate_tests``)."""
    return None


@pytest.fixture(scope="session")
def xacct_registry(request: pytest.FixtureRequest) -> LoadedRegistry:
    """The loaded, validated registry."""
    return _cache(request.config).loaded()


@pytest.fixture(scope="session")
def xacct_roles(request: pytest.FixtureRequest) -> list[RoleSpec]:
    """Every role of the registry (filtered by --xacct-tenant/--xacct-scenario/--xacct-shard, less the
    roles the proof record shows proven-unchanged)."""
    from generator.harness.incremental import pending

    return pending(request.config, _cache(request.config).roles())


@pytest.fixture(scope="session")
def xacct_generated(
    request: pytest.FixtureRequest, xacct_registry: LoadedRegistry, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The generated tree under test: --xacct-generated, or a fresh one in a temp folder."""
    out = given_path(request.config, "--xacct-generated")
    if out is None:
        from generator.generate import generate
        from generator.registry import RegistryError

        out = tmp_path_factory.mktemp("xacct") / "generated"
        try:
            generate(xacct_registry, out)
        except RegistryError as exc:  # e.g. no modules/ beside the registry: its one-line reason
            pytest.fail(f"cannot generate the tree under test: {exc}", pytrace=False)
    request.config._xacct_generated_tree = out  # type: ignore[attr-defined]  # for --xacct-report
    return out


@pytest.fixture(scope="session")
def xacct_terraform(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], Any]:
    """A factory of terraform runners: ``xacct_terraform(folder)``, sharing one CLI config."""
    from generator.harness.prewarm_plugin import terraform_factory

    return terraform_factory(tmp_path_factory)


@pytest.fixture(scope="session")
def xacct_plan(
    request: pytest.FixtureRequest,
    xacct_registry: LoadedRegistry,
    xacct_generated: Path,
    xacct_roles: list[RoleSpec],
    xacct_terraform: Callable[[Path], Any],
    tmp_path_factory: pytest.TempPathFactory,
    xacct_prewarm: Any,
) -> Any:
    """The plan layer (:class:`generator.harness.planlayer.PlanLayer`): accounted roles by
    ``tenant/scenario`` and every finding, from --xacct-plan-json or the roots planned offline."""
    from generator.harness.planlayer import plan_layer
    from generator.terraform_runner import TerraformError

    given = request.config.getoption("--xacct-plan-json")
    if given:
        layer = _given_plan(request.config, given, xacct_registry, xacct_roles)
        request.config._xacct_plan_layer = layer  # type: ignore[attr-defined]
        return layer
    options = batch_options(request.config)
    config = request.config
    shard = _cache(config).shard()
    filtered = bool(config.getoption("--xacct-tenant") or config.getoption("--xacct-scenario"))
    filtered = filtered or (shard is not None and shard[0] != 1)  # shard 1 also reports foreign roots
    work = xacct_prewarm.work if xacct_prewarm is not None else tmp_path_factory.mktemp("plan")
    config._xacct_plan_work = work  # type: ignore[attr-defined]  # its lock files: --xacct-report
    try:
        layer = plan_layer(
            xacct_registry,
            xacct_roles,
            xacct_generated,
            work,
            xacct_terraform,
            whole_tree=not filtered,
            plan_out=given_path(config, "--xacct-plan-out"),
            everyone=_cache(config).everyone(),
            roots=lambda: _cache(config).roots(xacct_generated),  # walked while terraform plans
            prewarm=xacct_prewarm,
            **options,
        )
    except (ValueError, TerraformError) as exc:  # a root the harness cannot plan: its reason, no traceback
        pytest.fail(f"the plan layer cannot plan the generated roots: {exc}", pytrace=False)
    config._xacct_plan_layer = layer  # type: ignore[attr-defined]
    return layer


def _given_plan(config: pytest.Config, given: str, loaded: LoadedRegistry, roles: list[RoleSpec]) -> Any:
    """The plan layer of a plan JSON made elsewhere: read, checked and accounted for like plan-guard's."""
    from generator.accounting import PlanInputError, account_plan, read_plan
    from generator.harness.planlayer import PlanLayer, root_hint

    path = given_path(config, "--xacct-plan-json")
    try:
        plan = read_plan(path)
        accounts = {r.account_id for r in roles}
        hint = root_hint(roles[0]) if len(accounts) == 1 else None
        everyone = _cache(config).everyone()
        expected = [r.key for r in roles]
        result = account_plan(plan, everyone, loaded.model, where=given, expected=expected, hint=hint)
    except PlanInputError as exc:
        pytest.fail(f"--xacct-plan-json: {exc}", pytrace=False)
    layer = PlanLayer(roles=result.roles, findings=result.findings, notes=result.notes, plans=[plan])
    return layer


@pytest.fixture(scope="session")
def xacct_localstack_url(request: pytest.FixtureRequest) -> str:
    """The LocalStack of the live layer; a missing one fails the live tests (never a silent skip)."""
    from generator.localstack import check_local_url, is_healthy

    url = request.config.getoption("--xacct-localstack-url") or os.environ.get("XACCT_LOCALSTACK_URL")
    if not url:
        pytest.fail(
            "the live layer needs LocalStack: run `make test` (it starts one), pass "
            "--xacct-localstack-url, or deselect the layer with -m 'not live'",
            pytrace=False,
        )
    url = check_local_url(url)
    if not is_healthy(url):
        pytest.fail(f"LocalStack at {url} is not healthy (see `make localstack-up`)", pytrace=False)
    return url


def _worker_index(request: pytest.FixtureRequest) -> int:
    """The xdist worker's number, or ``XACCT_LIVE_WORKER`` (a nested run's own accounts)."""
    if os.environ.get("XACCT_LIVE_WORKER", "").isdigit():
        return int(os.environ["XACCT_LIVE_WORKER"])
    worker = getattr(request.config, "workerinput", {}).get("workerid", "gw0")
    return int(worker.removeprefix("gw") or 0)


@pytest.fixture(scope="session")
def xacct_live(
    request: pytest.FixtureRequest,
    xacct_registry: LoadedRegistry,
    xacct_generated: Path,
    xacct_localstack_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    """The live registry on LocalStack (zones and buckets created, roots generated); roles left
    applied by failed tests are destroyed at the end of the session."""
    from generator.harness.live import prepare
    from generator.harness.roots import find_roots, modules_dir_of

    roots = find_roots(xacct_generated)
    modules = given_path(request.config, "--xacct-modules-dir") or modules_dir_of(roots[0])[0]
    live = prepare(
        xacct_registry,
        xacct_localstack_url,
        tmp_path_factory.mktemp("live"),
        modules,
        worker=_worker_index(request),
    )
    live.applied = {}  # type: ignore[attr-defined]
    yield live
    for tf in list(live.applied.values()):  # type: ignore[attr-defined]
        try:
            tf.destroy()
        except Exception as exc:  # report, but keep cleaning up the others
            print(f"xacct: could not destroy {tf.workdir}: {exc}")


@pytest.fixture(scope="session")
def xacct_aws_session(xacct_live: Any) -> Callable[[str], Any]:
    """boto3 sessions on LocalStack: ``xacct_aws_session(account_id)`` (fake keys only)."""
    return xacct_live.session
