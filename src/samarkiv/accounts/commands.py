"""`samarkiv users create|list`, called by samarkiv.cli.

The person at the server's shell acts with the operator scope (every tenant) and is
recorded in the audit log under their OS account. Passwords never appear on the command
line (where ``ps`` and the shell history would keep them): one comes on standard input
with ``--password-stdin``, or a random one is generated and printed once.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
from typing import TextIO

from samarkiv.errors import SamarkivError

PASSWORD_BYTES = 15  # 20 URL-safe characters
# accounts.roles.Role values, spelled out so that parsing argv imports no Django
# (tests/accounts checks the two agree).
ROLE_NAMES = ("platform_admin", "it_archivist", "archivist", "registrar", "auditor", "system")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """``users create`` and ``users list``."""
    users = sub.add_parser(
        "users",
        help="staff accounts and their roles",
        description="Create staff accounts and list them with their roles per tenant. "
        "Acts as the operator at the shell (every tenant); recorded in the audit log.",
    )
    actions = users.add_subparsers(dest="users_command", required=True)
    create = actions.add_parser(
        "create",
        help="create an account with its first role in a tenant",
        description="Create an account and grant it one role in one tenant. The password "
        "is read from standard input with --password-stdin; otherwise a random one is "
        "generated and printed once. Exit code 0: created; 1: refused (the name exists, "
        "the role does not fit the tenant); 2: usage error.",
    )
    create.add_argument("username", metavar="USERNAME")
    create.add_argument("--tenant", required=True, help="tenant code, e.g. bjuv")
    create.add_argument("--role", required=True, choices=ROLE_NAMES)
    create.add_argument("--email", default="", help="e-mail (links single sign-on logins)")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    lst = actions.add_parser("list", help="every account with its roles")
    lst.add_argument("--json", action="store_true", help="one JSON object per account")


def run(args: argparse.Namespace) -> int:
    if args.users_command == "create":
        return create_command(
            args.username, args.tenant, args.role, args.email, args.password_stdin
        )
    return list_command(args.json)


def generate_password() -> str:
    return secrets.token_urlsafe(PASSWORD_BYTES)


def _setup_django() -> None:
    from samarkiv.web.commands import migrate

    migrate()


def create_command(
    username: str,
    tenant: str,
    role: str,
    email: str = "",
    password_stdin: bool = False,
    stdin: TextIO | None = None,
) -> int:
    """Create the account and grant its first role, together; exit 0, or 1/2 on errors."""
    _setup_django()
    from django.db import transaction

    from samarkiv.accounts import users
    from samarkiv.accounts.scope import operator_scope

    stdin = stdin or sys.stdin
    password = stdin.readline().rstrip("\r\n") if password_stdin else generate_password()
    if password_stdin and not password:
        print("samarkiv users create: empty password on standard input", file=sys.stderr)
        return 2
    scope = operator_scope()
    try:
        with transaction.atomic():
            user = users.create_user(scope, username, email, password)
            users.grant_role(scope, user, tenant, role)
    except SamarkivError as exc:
        print(f"samarkiv users create: {exc.message}", file=sys.stderr)
        return exc.exit_code
    print(f"created {user.get_username()}: {role} in {tenant}")
    if not password_stdin:
        print(f"password (shown once): {password}")
    return 0


def list_command(as_json: bool = False) -> int:
    """Every account with its roles per tenant; one JSON object per user with --json."""
    _setup_django()
    from django.contrib.auth import get_user_model

    from samarkiv.accounts.models import Membership

    roles: dict[int, list[dict]] = {}
    for row in Membership.objects.order_by("tenant_id", "role"):
        roles.setdefault(row.user_id, []).append({"tenant": row.tenant_id, "role": row.role})
    for user in get_user_model().objects.order_by("username"):
        item = {
            "username": user.get_username(),
            "email": user.email,
            "active": user.is_active,
            "password": user.has_usable_password(),
            "roles": roles.get(user.pk, []),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
        if as_json:
            sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
        else:
            held = ", ".join(f"{r['role']}@{r['tenant']}" for r in item["roles"]) or "-"
            state = "" if user.is_active else " (inactive)"
            print(f"{item['username']}{state}\t{item['email'] or '-'}\t{held}")
    return 0
