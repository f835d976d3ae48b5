"""The real server for end-to-end tests: ``samarkiv serve`` (uvicorn) and headless Chromium.

Each test module gives the server its own ``SAMARKIV_HOME``::

    env = server_env(home)
    run_samarkiv(env, "migrate")
    with serving(env) as base_url:
        ...

Browser modules call ``skip_without_chromium()`` at module level and open Chromium
with ``launch_chromium(playwright)``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.pg import free_port

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

SAMARKIV = Path(sys.executable).with_name("samarkiv")
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; Playwright's own build is not used
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOG_TAIL = 3000  # characters of a failing command's output shown in the failure


def skip_without_chromium() -> None:
    """Skip the calling test module when Chromium is missing, except on CI (it must run there)."""
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("needs /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


def server_env(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment without any SAMARKIV_/DJANGO_ setting, using ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMARKIV_", "DJANGO_"))}
    env["SAMARKIV_HOME"] = str(home)
    env.update(extra)
    return env


def run_samarkiv(
    env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``samarkiv *args`` to completion; fail with its stderr unless it exits 0."""
    done = subprocess.run(
        [str(SAMARKIV), *args],
        env=env,
        input=stdin,
        encoding="utf-8",
        capture_output=True,
        timeout=timeout,
    )
    assert done.returncode == 0, (
        f"samarkiv {' '.join(args)} exited with {done.returncode}:\n{done.stderr[-LOG_TAIL:]}"
    )
    return done


@contextmanager
def serving(env: dict[str, str], timeout: float = 60) -> Iterator[str]:
    """``samarkiv serve`` on a free loopback port until the block ends; yields its base URL.

    The server's output goes to ``$SAMARKIV_HOME/serve.log``.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(env["SAMARKIV_HOME"]) / "serve.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(SAMARKIV), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(base_url, proc, log_path, timeout)
            yield base_url
        finally:
            _stop(proc)


def launch_chromium(playwright: Playwright) -> Browser:
    """Headless Debian Chromium with the flags these tests need in containers and on CI."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )


def _wait_until_healthy(
    base_url: str, proc: subprocess.Popen, log_path: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"samarkiv serve exited with {proc.returncode}:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(
        f"samarkiv serve did not answer {base_url}/healthz within {timeout:g} s:\n{_tail(log_path)}"
    )


def _stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _tail(log_path: Path) -> str:
    return log_path.read_text(encoding="utf-8", errors="replace")[-LOG_TAIL:]
