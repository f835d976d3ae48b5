"""Progress reporting for long ingests, decoupled from how it is shown.

The pipeline calls a ``Progress``; the CLI passes a rich progress bar (files/s, MB/s),
the web worker passes nothing.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def step(self, name: str) -> None: ...
    def start_bytes(self, files: int, total_bytes: int) -> None: ...
    def update(self, files_done: int, bytes_done: int) -> None: ...
    def close(self) -> None: ...


class NoProgress:
    def step(self, name: str) -> None:
        pass

    def start_bytes(self, files: int, total_bytes: int) -> None:
        pass

    def update(self, files_done: int, bytes_done: int) -> None:
        pass

    def close(self) -> None:
        pass


class RichProgress:
    """A rich progress bar with files/s and MB/s, for the terminal."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TransferSpeedColumn,
        )

        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[files]} files"),
            TextColumn("{task.fields[rate]} files/s"),
            TransferSpeedColumn(),
            TimeElapsedColumn(),
            transient=False,
        )
        self._task = None
        self._bar.start()

    def step(self, name: str) -> None:
        if self._task is not None:
            self._bar.update(self._task, description=name)
        else:
            self._bar.console.print(f"· {name}")

    def start_bytes(self, files: int, total_bytes: int) -> None:
        self._task = self._bar.add_task("SHA-256", total=total_bytes, files=0, rate="0")

    def update(self, files_done: int, bytes_done: int) -> None:
        """Totals so far (not increments): the hashing pool reports cumulative counts."""
        if self._task is None:
            return
        task = self._bar.tasks[self._task]
        rate = files_done / (task.elapsed or 1e-9)
        self._bar.update(self._task, completed=bytes_done, files=files_done, rate=f"{rate:,.0f}")

    def close(self) -> None:
        self._bar.stop()
