"""The secrecy pages in a real browser, on the demo archive: no JavaScript needed, and
axe-core finds no WCAG problem on any of them.

An archivist of Hörby opens the overview and the rules, adds a rule, opens a building
permit case on the staff record page, reads its "Sekretess och publicering" section
and marks it secret; the section then shows the marking and the earliest release date.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()

AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"
USER, PASSWORD = "arkivarie.sekretess", "Arkiv-2026-test!"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    env = server_env(tmp_path_factory.mktemp("sekretess-home"))
    run_samarkiv(env, "demo", timeout=600)
    run_samarkiv(
        env, "users", "create", USER, "--tenant", "horby", "--role", "archivist",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    with serving(env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(locale="sv-SE", java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{server}/staff/secrecy/")
        page.get_by_label("Användarnamn").fill(USER)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.wait_for_url("**/staff/secrecy/")
        yield page
        context.close()
        browser.close()


def axe(page) -> list[str]:
    """WCAG problems axe-core finds on the page now showing. The person browses without
    JavaScript; axe needs it, so the same URL is opened, with the same session, in a
    second context that has it (styles and all, so contrast is checked too)."""
    context = page.context.browser.new_context(
        locale="sv-SE", storage_state=page.context.storage_state()
    )
    try:
        checker = context.new_page()
        checker.goto(page.url)
        checker.add_script_tag(path=str(AXE))
        result = checker.evaluate("axe.run()")
    finally:
        context.close()
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_archivist_works_the_secrecy_pages_without_javascript(page, server):
    assert page.get_by_role("heading", name="Sekretess och publicering", level=1).is_visible()
    assert "Publicerad" in page.content()
    assert axe(page) == []
    page.get_by_role("link", name="Publiceringsregler").click()
    assert "Ritningar publiceras först efter 10 år" in page.content()
    assert axe(page) == []
    page.get_by_role("link", name="Ny publiceringsregel").click()
    assert axe(page) == []
    page.get_by_label("Namn").fill("Aldrig kontrollplaner")
    page.get_by_label("Publicera aldrig").check()
    page.get_by_label("Handlingstyp innehåller").fill("kontrollplan")
    page.get_by_role("button", name="Spara").click()
    assert "Aldrig kontrollplaner" in page.content()
    assert axe(page) == []

    page.goto(f"{server}/staff/search/?q=Stenby")
    page.get_by_role(
        "link", name="Bygglov för nybyggnad av enbostadshus, Hörby Stenby 3:12"
    ).click()
    section = page.get_by_role("region", name="Sekretess och publicering")
    assert "Publiceras enligt regeln" in section.inner_text()
    assert axe(page) == []
    page.get_by_role("link", name="Lägg till sekretessmarkering").click()
    assert axe(page) == []
    page.get_by_label("Sekretessgrund").fill("21 kap. 1 § OSL")
    page.get_by_label("Skaderekvisit").select_option("omvant")
    page.get_by_label("Längsta sekretesstid (år)").fill("50")
    page.get_by_role("button", name="Spara").click()
    section = page.get_by_role("region", name="Sekretess och publicering")
    text = section.inner_text()
    assert "Sekretessprövas vid begäran" in text and "2073-06-20" in text
    assert axe(page) == []
