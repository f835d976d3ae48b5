"""Issue 7's "done when", in a real browser against a real `samarkiv serve`.

The archive is built as an operator would: `samarkiv demo` (demo deliveries ingested,
indexed, the publication demo's rules and markings applied) and two staff accounts
made with `samarkiv users create`. Then:

1. a citizen searches the portal, opens a record and downloads its E-ARK DIP;
2. the citizen finds a hidden record of Hörby (a stub) and requests it, anonymously;
3. Hörby's archivist partially releases it: page 1 of the drawing masked, the parties
   masked in the metadata sheet;
4. the citizen follows the status link and downloads the masked copies via the
   expiring link: the masked text is gone, the rest is there;
5. Lund's archivist never sees the request (empty queue, 404 on its page).
"""

from __future__ import annotations

import io
import json
import re
import secrets
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pypdf
import pytest

from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()

OWNER = "arkivarie.horby.begaran"
OTHER = "arkivarie.lund.begaran"
GROUND = "18 kap. 8 § OSL"
DRAWING = "ritning fasad och plan.pdf"
DRAWING_TEXT = "Fasad mot söder"
PARTY = "Stenby Bygg AB"
AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def password() -> str:
    return secrets.token_urlsafe(18)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return server_env(tmp_path_factory.mktemp("requests-walkthrough-home"))


@pytest.fixture(scope="module")
def server(env: dict[str, str], password: str) -> Iterator[str]:
    run_samarkiv(env, "demo", timeout=600)
    for name, tenant in ((OWNER, "horby"), (OTHER, "lund")):
        run_samarkiv(
            env, "users", "create", name, "--tenant", tenant, "--role", "archivist",
            "--password-stdin", stdin=password,
        )  # fmt: skip
    with serving(env) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


def _context(browser):
    return browser.new_context(
        locale="sv-SE", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )


def _log_in(browser, server: str, username: str, password: str):
    context = _context(browser)
    page = context.new_page()
    page.goto(f"{server}/staff/login/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_role("button", name="Logga in", exact=True).click()
    page.wait_for_url("**/staff/")
    return context, page


def _assert_accessible(page) -> None:
    """axe-core on the page as shown: WCAG 2.1 AA, 0 violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    found = [
        f"{v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
    assert not found, f"{page.url}: {found}"


def _download(page, link) -> bytes:
    with page.expect_download() as info:
        link.click()
    return Path(info.value.path()).read_bytes()


def _citizen_downloads_a_dip(page, server: str) -> None:
    page.goto(f"{server}/")
    box = page.get_by_label("Sökord", exact=True)
    box.fill("förskola")
    box.press("Enter")
    page.wait_for_url(re.compile(r".*q=f%C3%B6rskola.*"))
    page.get_by_role("link", name="Ansökan om bygglov för förskola").click()
    page.wait_for_url("**/handling/*/")
    dip = _download(page, page.get_by_role("link", name="Ladda ner alla filer (E-ARK DIP)"))
    with zipfile.ZipFile(io.BytesIO(dip)) as archive:
        names = archive.namelist()
    assert any(n.endswith("/METS.xml") or n == "METS.xml" for n in names)
    assert any(n.endswith("representations/rep1/data/ansökan förskola.docx") for n in names)


def _citizen_requests_the_stub(page, server: str) -> tuple[str, str]:
    page.goto(f"{server}/")
    page.get_by_label("Sökord", exact=True).fill("bygglov")
    page.locator("summary", has_text="Avancerad sökning").click()
    page.get_by_label("Visa även handlingar som måste begäras").check()
    page.get_by_role("button", name="Sök").first.click()
    row = page.locator(".stubs tbody tr", has_text="Hörby kommun").first
    row.get_by_role("link", name=re.compile("^Begär ut")).click()
    page.wait_for_url("**/begaran/?stub=*")
    body = page.locator("main").inner_text()
    assert "Hörby kommun" in body and "Fasadritning" not in body  # only the stub's fields
    _assert_accessible(page)
    page.get_by_label("Meddelande till kommunen (frivilligt)").fill("Gärna som PDF.")
    page.get_by_role("button", name="Skicka begäran").click()
    page.wait_for_url("**/begaran/kvitto/")
    number = re.search(r"BEG-\d{4}-\d{5}", page.locator("main").inner_text()).group(0)
    status_url = page.locator("#foljlank").get_attribute("href")
    _assert_accessible(page)
    page.reload()  # the receipt is shown once
    assert number not in page.locator("main").inner_text()
    return number, status_url


def _archivist_partially_releases(page, server: str, number: str) -> None:
    page.goto(f"{server}/staff/requests/")
    _assert_accessible(page)
    page.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/staff/requests/{number}/")
    _assert_accessible(page)
    main = page.locator("main")
    assert "Fasadritning och planritning" in main.inner_text()
    assert page.get_by_role("heading", name="Sekretessuppgifter").is_visible()
    page.get_by_label("Delvis bifall: lämnas ut med maskning").check()
    page.get_by_label("Sekretessgrund (OSL kapitel och paragraf)").fill(GROUND)
    page.get_by_label("Parter", exact=True).check()
    page.get_by_label(f"Sidor att maskera i {DRAWING}").fill("1")
    page.get_by_role("button", name="Fatta beslut").click()
    page.wait_for_url(f"**/staff/requests/{number}/")
    assert f"Beslutet om {number} är fattat." in main.inner_text()
    assert "Utlämnad" in main.inner_text()
    _assert_accessible(page)
    page.goto(f"{server}/staff/requests/statistik/")
    assert page.locator("svg.bar-chart").is_visible()
    _assert_accessible(page)


def _citizen_downloads_the_masked_copy(page, server: str, status_url: str) -> None:
    page.goto(status_url)
    text = page.locator("main").inner_text()
    assert "Delvis bifall" in text and GROUND in text and "kammarrätten" in text
    _assert_accessible(page)
    page.get_by_role("link", name="Till de utlämnade handlingarna").click()
    page.wait_for_url("**/begaran/hamta/*/")
    _assert_accessible(page)
    pdf = _download(page, page.get_by_role("link", name=DRAWING))
    masked_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert DRAWING_TEXT not in masked_text and f"Maskerad enligt {GROUND}" in masked_text
    sheet = _download(page, page.get_by_role("link", name="uppgifter om posten.txt"))
    sheet_text = sheet.decode("utf-8")
    assert PARTY not in sheet_text and "[maskerat]" in sheet_text
    assert "Fasadritning och planritning" in sheet_text and "BN 2023/145" in sheet_text
    dip = _download(page, page.get_by_role("link", name="Ladda ner alla filer (zip)"))
    with zipfile.ZipFile(io.BytesIO(dip)) as archive:
        inside = [n for n in archive.namelist() if n.endswith(f"/data/{DRAWING}")]
        assert len(inside) == 1 and archive.read(inside[0]) == pdf


def _other_archivist_never_sees_it(page, server: str, number: str) -> None:
    page.goto(f"{server}/staff/requests/")
    text = page.locator("main").inner_text()
    assert number not in text and "Inga begäranden." in text
    response = page.goto(f"{server}/staff/requests/{number}/")
    assert response.status == 404
    html = page.content()  # (the 404 page may repeat the URL typed, never the request)
    assert "Gärna som PDF" not in html and "Fasadritning" not in html


def _audit_trail(env: dict[str, str], number: str) -> list[str]:
    """The request's events in Hörby's exported (hash-chained) audit log, in order."""
    export = run_samarkiv(env, "audit-log", "export", "--tenant", "horby", "--format", "jsonl")
    entries = [json.loads(line) for line in export.stdout.splitlines() if line.strip()]
    return [e["detail"]["event"] for e in entries if e["detail"].get("number") == number]


def test_citizen_request_partial_release_and_isolation(browser, server, env, password):
    citizen = _context(browser)
    page = citizen.new_page()
    _citizen_downloads_a_dip(page, server)
    number, status_url = _citizen_requests_the_stub(page, server)

    owner, staff_page = _log_in(browser, server, OWNER, password)
    _archivist_partially_releases(staff_page, server, number)
    owner.close()

    _citizen_downloads_the_masked_copy(page, server, status_url)
    citizen.close()

    other, other_page = _log_in(browser, server, OTHER, password)
    _other_archivist_never_sees_it(other_page, server, number)
    other.close()

    trail = _audit_trail(env, number)
    assert trail[:3] == ["received", "opened", "decided"]
    assert trail.count("masked") == 2 and "link_created" in trail  # the page and the parties
    assert trail.count("downloaded") == 3  # the drawing, the metadata sheet, the DIP
