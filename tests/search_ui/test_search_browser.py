"""The search pages in a real browser: `samarkiv serve` (uvicorn) and headless Chromium.

The archive is set up through the CLI only, as an operator would: migrate, one staff
account, one ERMS delivery ingested, `samarkiv index`; then a person searches, narrows
by a facet, opens the case and asks to see the personal identity numbers.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from samarkiv.ingest.demo_erms import build_erms_sip
from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()

USER = "sok.arkivarie"
STENBY = "Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12"


@pytest.fixture(scope="module")
def password() -> str:
    return secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, password: str) -> Iterator[str]:
    home = tmp_path_factory.mktemp("search-browser-home")
    env = server_env(home)
    run_samarkiv(env, "migrate")
    run_samarkiv(
        env, "users", "create", USER, "--tenant", "horby", "--role", "archivist",
        "--password-stdin", stdin=password,
    )  # fmt: skip
    sip = build_erms_sip(tmp_path_factory.mktemp("sip"))
    run_samarkiv(env, "ingest", str(sip), "--tenant", "horby")
    run_samarkiv(env, "index")
    with serving(env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server: str, password: str) -> Iterator:
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server}/staff/login/")
    page.get_by_label("Användarnamn").fill(USER)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_url("**/staff/")
    yield page
    context.close()


def _count(page) -> int:
    """The hits the status line announces ("12 träffar för ”bygglov”")."""
    text = page.get_by_role("status").inner_text()
    found = re.fullmatch(r"(\d+) träffar? för ”bygglov”", text)
    assert found, text
    return int(found[1])


def test_search_narrow_open_and_reveal(page, tmp_path: Path) -> None:
    page.get_by_role("link", name="Sök", exact=True).click()
    page.wait_for_url("**/staff/search/")
    assert page.get_by_role("heading", level=1).inner_text() == "Sök i arkivet"

    box = page.get_by_role("searchbox", name="Sökord")
    box.fill("bygglov")
    box.press("Enter")
    page.wait_for_url("**/staff/search/?q=bygglov")
    everything = _count(page)
    assert page.get_by_role("link", name=STENBY).is_visible()
    mark = page.locator(".snippet mark").first
    assert mark.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(253, 230, 138)"

    kinds = page.get_by_role("group", name="Typ av post")
    kinds.get_by_role("checkbox", name=re.compile(r"^Ärende \(\d+\)$")).check()
    page.get_by_role("button", name="Använd filter").click()
    page.wait_for_url(re.compile(r".*kind=case.*"))
    assert page.get_by_role("link", name="Ta bort filtret Typ av post: Ärende").is_visible()
    assert 1 <= _count(page) < everything  # the documents are gone, the cases remain
    page.screenshot(path=str(tmp_path / "sok.png"), full_page=True)

    page.get_by_role("link", name=STENBY).click()
    page.wait_for_url("**/staff/records/*/")
    assert page.get_by_role("heading", level=1).inner_text() == STENBY
    parties = page.get_by_role("table", name="Parter i ärendet")
    assert parties.get_by_text("19121212-****").is_visible()
    page.get_by_role("button", name="Visa personnummer").click()
    page.wait_for_load_state()
    assert parties.get_by_text("19121212-1212").is_visible()
    assert page.get_by_text("Visningen har skrivits i granskningsloggen.").is_visible()
    page.screenshot(path=str(tmp_path / "arende.png"), full_page=True)
