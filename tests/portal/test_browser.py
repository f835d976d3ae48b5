"""The portal in a real browser: the demo deliveries ingested, the publication refresh,
`samarkiv serve` (uvicorn) and headless Chromium.

axe-core checks every portal page (start, search with results and facets, advanced
search, hidden records, record, stub, explanation, not found, and the request pages
when installed) in Swedish and in English: 0 violations. A citizen also searches by
typing and pressing Enter, opens a record, views a PDF and downloads the E-ARK DIP.
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()

AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo deliveries, ingested and published by the real refresh, served by uvicorn."""
    home = tmp_path_factory.mktemp("portal-home")
    env = server_env(home)
    run_samarkiv(env, "migrate")
    done = subprocess.run(
        [sys.executable, "-m", "tests.portal.publish_demo"],
        env=env,
        cwd=REPO,
        capture_output=True,
        encoding="utf-8",
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    with serving(env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


def _json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def targets(server: str) -> dict[str, str]:
    """A record with a PDF, a hidden record and a search word, found as a citizen would."""
    found = _json(f"{server}/api/v1/public/search?q=bygglov&per_page=50")
    assert found["total"] > 0
    record_with_pdf = ""
    for hit in found["hits"]:
        record = _json(f"{server}/api/v1/public/records/{hit['record_id']}")
        if any(f["mime"] == "application/pdf" for f in record["files"]):
            record_with_pdf = hit["record_id"]
            break
    assert record_with_pdf, "the demo has no published PDF"
    return {"record": record_with_pdf, "word": "bygglov"}


def _pages(base: str, page, targets: dict[str, str]) -> list[str]:
    """Every portal page as URLs (the stub page is reached through its link)."""
    page.goto(f"{base}/sok/?dolda=1")
    stub_link = page.locator("a[href^='/dold/']").first
    stub_url = base + stub_link.get_attribute("href")
    urls = [
        f"{base}/",
        f"{base}/sok/?q={targets['word']}",
        f"{base}/sok/?q={targets['word']}&kommun=horby&period=2020",
        f"{base}/sok/?fastighet=Stenby&fran=2000&till=2030",
        f"{base}/sok/?q=finnsintealls",
        f"{base}/sok/?q={targets['word']}&dolda=1",
        f"{base}/handling/{targets['record']}/",
        stub_url,
        f"{base}/varfor-visas-inte-allt/",
        f"{base}/handling/00000000-0000-4000-8000-000000000000/",
    ]
    stub_id = stub_url.rstrip("/").rsplit("/", 1)[-1]
    with contextlib.suppress(NoReverseMatch):  # the request pages may not be installed yet
        urls.append(f"{base}{reverse('requests_public:new')}?stub={stub_id}")
    return urls


def _violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run()")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_portal_page_has_no_axe_violations(server, browser, targets, language) -> None:
    assert AXE.exists(), f"axe-core is missing at {AXE}"
    context = browser.new_context(locale="sv-SE")
    page = context.new_page()
    page.goto(f"{server}/")
    if language == "en":  # the language switch, as a visitor uses it
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    failures = []
    for url in _pages(server, page, targets):
        response = page.goto(url)
        assert response is not None and response.status in (200, 404), url
        assert page.locator("html").get_attribute("lang") == language, url
        failures += [f"{url}: {v}" for v in _violations(page)]
    page.goto(f"{server}/sok/?q={targets['word']}")
    page.locator("summary").click()  # the advanced search, opened
    failures += [f"advanced (open): {v}" for v in _violations(page)]
    # The check can fail: an image without a text alternative is caught on the same page.
    page.evaluate("document.querySelector('main').appendChild(document.createElement('img'))")
    assert any(v.startswith("image-alt") for v in _violations(page))
    context.close()
    assert not failures, "\n".join(failures)


def test_a_citizen_searches_opens_a_record_and_downloads_the_dip(server, browser) -> None:
    context = browser.new_context(locale="sv-SE", accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server}/")
    page.get_by_label("Sökord").fill("bygglov")
    page.get_by_label("Sökord").press("Enter")
    page.wait_for_url("**/sok/?q=bygglov**")
    assert "hittades" in page.locator("#traffar").inner_text()
    # Narrow with a facet checkbox and the "Använd filter" button (no script needed).
    page.locator("input[name='kommun'][value='horby']").check()
    page.get_by_role("button", name="Använd filter").click()
    page.wait_for_url("**kommun=horby**")
    page.locator("ol.hits a").first.click()
    page.wait_for_url("**/handling/**")
    assert page.locator("h1").inner_text()
    if page.locator("a", has_text="Ladda ner alla filer (E-ARK DIP)").count() == 0:
        page.locator("ul.children a").first.click()  # a case: open one of its documents
        page.wait_for_url("**/handling/**")
    with page.expect_download() as info:
        page.get_by_role("link", name="Ladda ner alla filer (E-ARK DIP)").click()
    download = info.value
    data = Path(download.path()).read_bytes()
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(name.endswith("METS.xml") for name in names)
    # A hidden record: tick "visa även ...", then its "Begär ut" button.
    page.goto(f"{server}/")
    page.locator("summary").click()
    page.get_by_label("Visa även handlingar som måste begäras").check()
    page.locator("details.advanced button[type=submit]").click()
    page.wait_for_url("**dolda=1**")
    button = page.locator("section.stubs a.button").first
    href = button.get_attribute("href")
    assert href.startswith("/begaran/") and "stub=" in href
    response = page.request.get(server + href)
    assert response.status in (200, 404)  # 404 only while the request pages are missing
    context.close()


def test_images_are_shown_inline_and_tiff_is_downloaded(server) -> None:
    """The demo's scanned drawings and photos, as the live server sends them."""
    seen: dict[str, dict] = {}
    found = _json(f"{server}/api/v1/public/search?per_page=100")
    for hit in found["hits"]:
        for f in _json(f"{server}/api/v1/public/records/{hit['record_id']}")["files"]:
            seen.setdefault(f["mime"], f)
    assert {"image/png", "image/jpeg", "image/tiff"} <= set(seen)
    for mime, disposition in (
        ("image/png", "inline"),
        ("image/jpeg", "inline"),
        ("image/tiff", "attachment"),
    ):
        url = seen[mime]["download_url"].rstrip("/") + "/visa/"
        with urllib.request.urlopen(url, timeout=10) as response:
            data = response.read()
            headers = response.headers
        assert headers["Content-Disposition"].startswith(disposition), mime
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"].startswith("sandbox;")
        assert len(data) == seen[mime]["size"]
