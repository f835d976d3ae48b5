"""Long decommissioning steps (extraction, ingest) run beside the web request.

Why: extracting a large database takes minutes to hours; a page must not hang that
long, and the archivist should see how far it got. The step runs in a daemon thread of
the web process; the item's ``running`` and ``progress`` fields are what the page
shows. A step whose thread is gone (the server restarted) is marked as interrupted
the next time the page is opened, and can be started again. With the setting
``SAMARKIV_DECOMMISSIONING_INLINE`` (tests) the step runs inside the request.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from samarkiv.decommissioning.models import Decommissioning
from samarkiv.errors import ConflictError, SamarkivError

log = logging.getLogger(__name__)
PROGRESS_EVERY_SECONDS = 1.0

_threads: dict[int, threading.Thread] = {}
_guard = threading.Lock()


def inline() -> bool:
    return bool(getattr(settings, "SAMARKIV_DECOMMISSIONING_INLINE", False))


def start(pk: int, step: str, work: Callable[[], object]) -> bool:
    """Run ``work`` as step ``step`` of item ``pk``; True if it runs in the background.

    Refused (ConflictError) while another step of the same item runs. Inline, errors
    of ``work`` reach the caller; in the background they become the item's ``error``.
    """
    claimed = Decommissioning.objects.filter(pk=pk, running="").update(running=step, progress="")
    if not claimed:
        raise ConflictError(_("ett steg pågår redan för den här avvecklingen"))
    if inline():
        try:
            work()
        finally:
            _done(pk)
        return False
    thread = threading.Thread(target=_main, args=(pk, work), daemon=True, name=f"avveckling-{pk}")
    with _guard:
        _threads[pk] = thread
    thread.start()
    return True


def _main(pk: int, work: Callable[[], object]) -> None:
    try:
        work()
    except SamarkivError as exc:
        Decommissioning.objects.filter(pk=pk).update(error=exc.message[:2000])
    except Exception as exc:  # keep the reason for the page; the thread ends
        log.exception("decommissioning step of %s failed", pk)
        Decommissioning.objects.filter(pk=pk).update(error=f"{type(exc).__name__}: {exc}"[:2000])
    finally:
        _done(pk)
        with _guard:
            _threads.pop(pk, None)
        close_old_connections()


def _done(pk: int) -> None:
    Decommissioning.objects.filter(pk=pk).update(running="", progress="")


def is_alive(pk: int) -> bool:
    with _guard:
        thread = _threads.get(pk)
    return thread is not None and thread.is_alive()


def clear_abandoned(item: Decommissioning) -> Decommissioning:
    """A step marked running whose thread is gone was interrupted: say so, allow a retry."""
    if item.running and not is_alive(item.pk):
        message = gettext("Steget avbröts (servern startades om); starta det igen.")
        Decommissioning.objects.filter(pk=item.pk, running=item.running).update(
            running="", progress="", error=message
        )
        item.refresh_from_db()
    return item


class ExtractProgress:
    """The extractor's progress callbacks, written to the item at most once a second."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.table = ""
        self.total: int | None = None
        self.rows = 0
        self.last = 0.0

    def start_table(self, schema: str, table: str, total: int | None) -> None:
        self.table, self.total, self.rows = f"{schema}.{table}", total, 0
        self._save(force=True)

    def advance(self, rows: int) -> None:
        self.rows += rows
        self._save()

    def end_table(self) -> None:
        self._save(force=True)

    def _save(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY_SECONDS:
            return
        self.last = now
        total = f" av {self.total}" if self.total is not None else ""
        text = f"{self.table}: {self.rows}{total} rader"
        Decommissioning.objects.filter(pk=self.pk).update(progress=text[:300])
