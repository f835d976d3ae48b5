"""SAMARKIV_HOME holds all state, settings layer TOML under env, and the DB is the one asked for."""

from __future__ import annotations

import json
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from samarkiv.settings import database_from_url
from tests.pg import wants_postgresql

SAMARKIV = Path(sys.executable).with_name("samarkiv")

PRINT_SETTINGS = """
import json
from samarkiv import settings as s
print(json.dumps({
    "debug": s.DEBUG, "hosts": s.ALLOWED_HOSTS, "key": s.SECRET_KEY, "tz": s.TIME_ZONE,
    "engine": s.DATABASES["default"]["ENGINE"], "db": str(s.DATABASES["default"]["NAME"]),
    "hasher": s.PASSWORD_HASHERS[0], "language": s.LANGUAGE_CODE,
}))
"""


def _settings_in(env: dict[str, str], **extra: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        env={**env, **extra},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _demo(env: dict[str, str]) -> None:
    subprocess.run([str(SAMARKIV), "demo"], env=env, check=True, capture_output=True, timeout=300)


def _runs(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "catalogue.sqlite3") as db:
        return sorted(db.execute("SELECT package_name, source FROM ingest_validationrun"))


@pytest.mark.slow
def test_two_homes_never_share_state(subprocess_env: dict[str, str], tmp_path: Path) -> None:
    home_a, home_b = tmp_path / "kommun-a", tmp_path / "kommun-b"
    _demo({**subprocess_env, "SAMARKIV_HOME": str(home_a)})
    _demo({**subprocess_env, "SAMARKIV_HOME": str(home_b)})
    _demo({**subprocess_env, "SAMARKIV_HOME": str(home_a)})  # idempotent: no duplicates

    for home in (home_a, home_b):
        assert (home / "catalogue.sqlite3").is_file()
        assert (home / "demo" / "sip-exempelby-protokoll-2024" / "METS.xml").is_file()
        for folder in ("storage", "workspaces", "tmp"):
            assert (home / folder).is_dir()
        assert len(_runs(home)) == 3
        assert {source for _name, source in _runs(home)} == {"demo"}
    assert (home_a / "secret_key").read_text() != (home_b / "secret_key").read_text()


def test_default_home_is_var_under_the_working_directory(
    subprocess_env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in subprocess_env.items() if k != "SAMARKIV_HOME"}
    result = subprocess.run(
        [sys.executable, "-c", "from samarkiv import settings; print(settings.SAMARKIV_HOME)"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(result.stdout.strip()) == (tmp_path / "var").resolve()


def test_secret_key_is_generated_once_and_private(subprocess_env: dict[str, str]) -> None:
    first = _settings_in(subprocess_env)["key"]
    second = _settings_in(subprocess_env)["key"]
    key_file = Path(subprocess_env["SAMARKIV_HOME"]) / "secret_key"
    assert first == second and len(first) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _settings_in(subprocess_env, SAMARKIV_SECRET_KEY="from-env")["key"] == "from-env"


def test_safe_defaults(subprocess_env: dict[str, str]) -> None:
    values = _settings_in(subprocess_env)
    assert values["debug"] is False
    assert values["hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert values["hasher"].endswith("Argon2PasswordHasher")
    assert values["language"] == "sv"
    assert values["db"] == str(Path(subprocess_env["SAMARKIV_HOME"]) / "catalogue.sqlite3")


def test_toml_file_is_read_and_environment_wins(subprocess_env: dict[str, str]) -> None:
    home = Path(subprocess_env["SAMARKIV_HOME"])
    (home / "samarkiv.toml").write_text(
        'debug = true\nallowed_hosts = ["arkiv.example.se"]\ntime_zone = "UTC"\n',
        encoding="utf-8",
    )
    from_toml = _settings_in(subprocess_env)
    assert (from_toml["debug"], from_toml["hosts"], from_toml["tz"]) == (
        True,
        ["arkiv.example.se"],
        "UTC",
    )
    overridden = _settings_in(
        subprocess_env, SAMARKIV_DEBUG="0", SAMARKIV_ALLOWED_HOSTS="a.example.se, b.example.se"
    )
    assert overridden["debug"] is False
    assert overridden["hosts"] == ["a.example.se", "b.example.se"]


def test_database_url_selects_postgresql(subprocess_env: dict[str, str]) -> None:
    url = "postgresql://arkiv:hemligt%21@127.0.0.1:5433/samarkiv?sslmode=disable"
    assert _settings_in(subprocess_env, SAMARKIV_DATABASE_URL=url)["engine"].endswith("postgresql")
    parsed = database_from_url(url, Path("/unused"))
    assert parsed["NAME"] == "samarkiv"
    assert (parsed["USER"], parsed["PASSWORD"]) == ("arkiv", "hemligt!")
    assert (parsed["HOST"], parsed["PORT"]) == ("127.0.0.1", "5433")
    assert parsed["OPTIONS"] == {"sslmode": "disable"}


def test_database_url_rejects_unknown_schemes() -> None:
    with pytest.raises(ValueError, match="mysql"):
        database_from_url("mysql://root@localhost/db", Path("/unused"))


@pytest.mark.django_db
def test_catalogue_runs_on_the_requested_database() -> None:
    """The PostgreSQL run (SAMARKIV_TEST_DB=postgresql) must really use PostgreSQL."""
    expected = "postgresql" if wants_postgresql() else "sqlite"
    assert connection.vendor == expected
