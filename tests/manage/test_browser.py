"""Smoke test of the tenancy pages in headless Chromium against `samarkiv serve`.

An archivist logs in, gives a business system an API token (shown once), adds an
agreement after correcting an error, and checks the audit log's chain.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "Rätt-häst-batteri-häftklammer-7"

skip_without_chromium()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty archive with one archivist in Bjuv, served by uvicorn on loopback."""
    env = server_env(tmp_path_factory.mktemp("manage-browser-home"))
    run_samarkiv(env, "migrate")
    run_samarkiv(
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
    with serving(env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
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
