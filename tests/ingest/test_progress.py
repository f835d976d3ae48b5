"""The ingest progress bar shows totals, not sums of totals."""

from __future__ import annotations

from samarkiv.ingest.progress import RichProgress


def test_cumulative_updates_show_the_latest_totals():
    bar = RichProgress()
    try:
        bar.start_bytes(29, 723_413)
        bar.update(10, 100_000)
        bar.update(29, 723_413)
        task = bar._bar.tasks[bar._task]
        assert task.completed == 723_413
        assert task.fields["files"] == 29
    finally:
        bar.close()
