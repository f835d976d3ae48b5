"""The portal's database pages in a real browser: 0 axe-core violations, and a citizen
searches, sorts, pages and follows a key without JavaScript.

The sample database is ingested and published (one column masked, one table secret)
in the home of a real ``samarkiv serve`` (uvicorn); headless Chromium from Debian.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()

AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    home = tmp_path_factory.mktemp("portal-db-home")
    env = server_env(home)
    run_samarkiv(env, "migrate")
    done = subprocess.run(
        [sys.executable, "-m", "tests.portal_databases.publish_sample", str(home / "work")],
        env=env,
        cwd=REPO,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    pk = int(done.stdout.strip().splitlines()[-1])
    with serving(env) as base_url:
        yield base_url, pk


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run()")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_database_pages_have_no_axe_violations(served, browser) -> None:
    base, pk = served
    assert AXE.exists(), f"axe-core is missing at {AXE}"
    page = browser.new_context(locale="sv-SE").new_page()
    urls = [
        "/databaser/",
        f"/databaser/{pk}/",
        f"/databaser/{pk}/tabell/1/",
        f"/databaser/{pk}/tabell/1/?q=Stenby&sortera=areal&ordning=fallande",
        f"/databaser/{pk}/tabell/1/?q=finnsinte",
        f"/databaser/{pk}/tabell/1/?kol=nej&varde=1",
        f"/databaser/{pk}/tabell/0/rad/1/",
        f"/databaser/{pk}/tabell/9/",
    ]
    failures = []
    for url in urls:
        response = page.goto(base + url)
        assert response is not None and response.status in (200, 400, 404), url
        failures += [f"{url}: {v}" for v in _violations(page)]
    page.locator("main").evaluate("m => m.appendChild(document.createElement('img'))")
    assert any(v.startswith("image-alt") for v in _violations(page))  # the check can fail
    assert not failures, "\n".join(failures)


def test_a_citizen_browses_without_javascript(served, browser) -> None:
    base, pk = served
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/")
    page.get_by_role("link", name="Databaser").click()
    page.get_by_role("link", name="Bygglovsregistret").click()
    assert "main.tillsyn" not in page.content() and "personnummer" not in page.content()
    page.get_by_role("link", name="main.byggnad").click()
    page.get_by_label("Sök i texten").fill("Stenby")
    page.get_by_label("Sortera efter").select_option("areal")
    page.get_by_label("Ordning").select_option("fallande")
    page.get_by_role("button", name="Visa").click()
    page.wait_for_url("**q=Stenby**")
    assert page.locator("tbody tr").first.locator("td").last.inner_text() == "160"
    page.get_by_role("link", name="Nästa sida").click()
    assert page.locator("tbody tr").count() == 10
    page.locator("tbody a", has_text="Visa").first.click()
    page.locator("tbody td a").first.click()  # the owner, along the public key
    assert page.locator("h1").inner_text().endswith("main.agare")
    assert "19700101" not in page.content()  # the masked personal identity number
    context.close()
