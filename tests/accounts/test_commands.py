"""`samarkiv users create|list` and the demo accounts of `samarkiv demo`."""

from __future__ import annotations

import io
import json
import stat
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from samarkiv.accounts import commands, demo
from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import user_scope
from samarkiv.auditlog.choices import AuditAction
from samarkiv.auditlog.models import AuditEntry
from samarkiv.cli import main

pytestmark = [pytest.mark.db, pytest.mark.django_db]
STRONG = "Korrekt-Häst-Batteri-47"


@pytest.fixture(autouse=True)
def no_migrate(monkeypatch) -> None:
    """The test database is migrated already; the commands would migrate first."""
    monkeypatch.setattr(commands, "_setup_django", lambda: None)


def test_role_names_of_the_parser_are_the_roles() -> None:
    assert tuple(Role.values) == commands.ROLE_NAMES


def test_users_create_with_a_password_on_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(STRONG + "\n"))
    argv = ["users", "create", "anna", "--tenant", "bjuv", "--role", "archivist"]
    assert main([*argv, "--email", "anna@bjuv.se", "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert out == "created anna: archivist in bjuv\n" and STRONG not in out
    user = get_user_model().objects.get(username="anna")
    assert user.check_password(STRONG) and user.email == "anna@bjuv.se"
    assert user_scope(user, "bjuv").roles == {Role.ARCHIVIST}
    actors = set(AuditEntry.objects.filter(action=AuditAction.ACCESS_GRANT).values_list("actor"))
    assert len(actors) == 1 and next(iter(actors))[0].startswith("cli:")


def test_users_create_generates_and_prints_a_password_once(capsys) -> None:
    assert main(["users", "create", "it.person", "--tenant", "lund", "--role", "it_archivist"]) == 0
    out = capsys.readouterr().out
    password = out.split("password (shown once): ")[1].strip()
    assert len(password) >= 20
    assert get_user_model().objects.get(username="it.person").check_password(password)


def test_users_create_refuses_host_roles_outside_the_host_and_creates_nothing(capsys) -> None:
    argv = ["users", "create", "fel", "--tenant", "bjuv", "--role", "platform_admin"]
    assert main(argv) == 2
    assert "värdkommunen" in capsys.readouterr().err
    assert not get_user_model().objects.filter(username="fel").exists()


def test_users_create_refuses_an_existing_name(capsys) -> None:
    main(["users", "create", "anna", "--tenant", "bjuv", "--role", "auditor"])
    assert main(["users", "create", "anna", "--tenant", "bjuv", "--role", "auditor"]) == 1
    assert "finns redan" in capsys.readouterr().err


def test_users_list(capsys) -> None:
    main(["users", "create", "anna", "--tenant", "bjuv", "--role", "auditor"])
    capsys.readouterr()
    assert main(["users", "list", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    anna = next(row for row in rows if row["username"] == "anna")
    assert anna["roles"] == [{"tenant": "bjuv", "role": "auditor"}] and anna["active"]
    assert main(["users", "list"]) == 0
    assert "anna\t-\tauditor@bjuv\n" in capsys.readouterr().out  # no e-mail given: "-"


# --------------------------------------------------------------------------- demo


def test_demo_users_get_random_passwords_in_a_private_file(home: Path) -> None:
    first = demo.load_demo_users()
    path = home / demo.CREDENTIALS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = demo.read_credentials(path)
    assert set(saved) == {d.username for d in demo.DEMO_USERS}
    assert len(set(saved.values())) == len(saved)  # all different
    for user_demo, password, changed in first:
        user = get_user_model().objects.get(username=user_demo.username)
        assert changed and user.check_password(password) and saved[user.username] == password
        for tenant, role in user_demo.roles:
            assert role in user_scope(user, tenant).roles
    source = Path(demo.__file__).read_text(encoding="utf-8")
    assert not any(password in source for password in saved.values())

    again = demo.load_demo_users()  # make run, the next day
    assert not any(changed for *_rest, changed in again)
    assert demo.read_credentials(path) == saved

    path.unlink()  # lost: new passwords, a new file
    third = demo.load_demo_users()
    assert all(changed for *_rest, changed in third)
    assert demo.read_credentials(path) != saved
