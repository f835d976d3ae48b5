"""Smoke test of the tenancy pages in headless Chromium against `samarkiv serve`.

An archivist logs in, gives a business system an API token (shown once), adds an
agreement after correcting an error, and checks the audit log's chain.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import free_port
from tests.web.test_browser import CHROMIUM, CHROMIUM_ARGS, SAMARKIV, _wait_until_healthy

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "Rätt-häst-batteri-häftklammer-7"

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("needs /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)


def _run(env: dict, *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [str(SAMARKIV), *args],
        env=env,
        input=stdin,
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty archive with one archivist in Bjuv, served by uvicorn on loopback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SAMARKIV_", "DJANGO_"))}
    env["SAMARKIV_HOME"] = str(tmp_path_factory.mktemp("manage-browser-home"))
    _run(env, "migrate")
    _run(
        env,
        "users",
        "create",
        "bjuv.arkivarie",
        "--tenant",
        "bjuv",
        "--role",
        "archivist",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    port = free_port()
    log = (Path(env["SAMARKIV_HOME"]) / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(SAMARKIV), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_healthy(base_url, proc)
        yield base_url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="sv-SE")
        page = context.new_page()
        page.goto(f"{server}/staff/manage/members/")
        page.wait_for_url("**/staff/login/**")
        page.get_by_label("Användarnamn").fill("bjuv.arkivarie")
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.wait_for_url("**/staff/manage/members/")
        yield page
        browser.close()


def test_token_is_shown_once(server: str, page) -> None:
    assert page.get_by_role("heading", level=1).inner_text() == "Användare och roller"
    page.get_by_label("Systemets kontonamn").fill("diarium")
    page.get_by_role("button", name="Skapa systemkontot").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Systemkonto diarium").is_visible()

    page.get_by_label("Namn på nyckeln").fill("Diariet, produktion")
    page.get_by_label("Systemkonto", exact=True).select_option(label="diarium")
    page.get_by_role("button", name="Skapa nyckeln").click()
    page.wait_for_load_state()
    secret = page.get_by_label("API-nyckel", exact=True)
    assert re.fullmatch(r"sa_[0-9a-f]{12}_\S+", secret.input_value())
    assert page.get_by_text("den visas bara den här gången").is_visible()
    page.reload()
    assert page.get_by_label("API-nyckel", exact=True).count() == 0
    assert page.get_by_role("cell", name=re.compile(r"^sa_[0-9a-f]{12}_…$")).is_visible()


def test_agreement_form_shows_errors_then_saves(server: str, page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Överenskommelser").click()
    page.get_by_role("link", name="Ny leveransöverenskommelse").click()
    page.get_by_label("Kod", exact=True).fill("ks-diarium")
    page.get_by_label("Namn", exact=True).fill("Kommunstyrelsens diarium")
    page.get_by_role("button", name="Spara").click()
    summary = page.get_by_role("alert")
    assert "Välj minst en specifikation." in summary.inner_text()
    summary.get_by_role("link").first.click()  # jumps to the field group
    group = page.get_by_role("group", name="Tillåtna specifikationer")
    group.get_by_label(re.compile("E-ARK CSIP/SIP")).check()
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(re.compile(r"/staff/manage/agreements/(#.*)?$"))  # keeps the #fragment
    assert page.get_by_role("rowheader", name="Kommunstyrelsens diarium").is_visible()
    assert page.get_by_role("status").inner_text().startswith("Överenskommelsen")


def test_audit_log_lists_changes_and_checks_the_chain(server: str, page) -> None:
    page.get_by_role("navigation").get_by_role("link", name="Granskningslogg").click()
    table = page.get_by_role("table", name=re.compile(r"poster, senaste först$"))
    assert table.get_by_role("row").filter(has_text="Ändrad inställning").count() >= 1
    page.get_by_role("button", name="Kontrollera loggens kedja nu").click()
    page.wait_for_url(re.compile(r"/audit-log/verify/\??$"))
    assert page.get_by_text(re.compile("^Kedjan är hel")).is_visible()
