"""`samarkiv serve`, `samarkiv demo` and `samarkiv migrate`, called by samarkiv.cli.

Django is imported lazily inside each function, so that `samarkiv validate` (which never
needs a database) starts fast and works without a SAMARKIV_HOME.
"""

from __future__ import annotations

import importlib
import os
import sys


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samarkiv.settings")
    import django

    django.setup()


def migrate() -> int:
    """Create or upgrade the catalogue (SQLite under SAMARKIV_HOME, or PostgreSQL)."""
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return 0


# Domain demo data loaded after the demo AIPs are indexed, in this order; each module's
# ``load_demo() -> int`` prints what it made and returns 1 on failure, else 0.
DEMO_STEPS = (
    "samarkiv.access.publication.demo",
    "samarkiv.access.requests.demo",
    "samarkiv.decommissioning.demo",
    "samarkiv.planning.demo",
)


def demo() -> int:
    """Migrate, build the demo packages under $SAMARKIV_HOME/demo, validate and ingest them.

    Exit 1 when a demo delivery was not preserved: `make run` should stop on a broken
    demo rather than serve an archive that looks empty.
    """
    migrate()
    from django.conf import settings

    from samarkiv.ingest.demo import load_demo_data, load_demo_deliveries

    for run in load_demo_data():
        verdict = "valid" if run.valid else "invalid"
        counts = f"{run.error_count} errors, {run.warning_count} warnings"
        print(f"{run.package_name}: {verdict} ({counts})")
    failed = 0
    for delivery, receipt in load_demo_deliveries():
        print(delivery_line(delivery.path.name, receipt))
        failed += not receipt.ok
    failed += index_demo()
    for module in DEMO_STEPS:
        failed += importlib.import_module(module).load_demo()
    print_demo_users()
    print(f"Demo data loaded into {settings.SAMARKIV_HOME}")
    return 1 if failed else 0


def index_demo() -> int:
    """Make the demo searchable now (the worker would, a moment later); 1 on failure."""
    from samarkiv.access.search.queue import process_pending

    summary = process_pending(ignore_backoff=True)
    print(f"Search index: {summary.indexed} AIPs, {summary.records} records indexed")
    for failure in summary.failures:
        print(f"  not indexed: {failure}")
    return 0 if summary.ok else 1


def print_demo_users() -> None:
    """Create the demo accounts; print new passwords once, else where they are."""
    from samarkiv.accounts.demo import credentials_path, load_demo_users

    users = load_demo_users()
    fresh = [(demo, password) for demo, password, changed in users if changed]
    if fresh:
        print("Demo accounts (user name, password; printed once):")
        for demo, password in fresh:
            roles = ", ".join(f"{role.value}@{tenant}" for tenant, role in demo.roles)
            print(f"  {demo.username}  {password}  ({roles})")
    print(f"Demo logins are in {credentials_path()} (log in at /staff/login/)")


def delivery_line(name: str, receipt) -> str:
    """One line per demo delivery: what the pipeline did with it."""
    head = f"{name} -> {receipt.tenant}: {receipt.state}"
    if receipt.state == "done":
        return f"{head}, AIP {receipt.aip_id}, {receipt.file_count} files, {receipt.bytes} bytes"
    if receipt.state == "duplicate":
        return f"{head}, already preserved as {receipt.duplicate_of or receipt.aip_id}"
    return f"{head}: {receipt.message}"


def collect_static() -> None:
    """Copy static files into $SAMARKIV_HOME/static; unchanged files are skipped."""
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def serve(host: str, port: int, workers: int = 1) -> int:
    """Serve the web app with uvicorn, a production ASGI server (not runserver).

    ``workers`` > 1 runs that many processes on one socket: Python executes one request
    at a time per process, so a portal under load needs about one worker per core.
    """
    if workers < 1:
        from samarkiv.errors import UsageError

        raise UsageError(f"--workers must be at least 1, not {workers}")
    migrate()
    collect_static()
    import uvicorn

    print(f"samarkiv at http://{host}:{port}/ (stop with Ctrl+C)", file=sys.stderr, flush=True)
    uvicorn.run(
        "samarkiv.asgi:application",
        host=host,
        port=port,
        workers=workers,
        lifespan="off",
        server_header=False,
        log_level=os.environ.get("SAMARKIV_LOG_LEVEL", "info").lower(),
    )
    return 0
