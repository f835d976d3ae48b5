"""The real thing: `samarkiv demo` + `samarkiv serve` (uvicorn) driven by headless Chromium.

Every test logs in through the real login form with a demo account whose random
password `samarkiv demo` wrote to ``$SAMARKIV_HOME/demo-credentials.txt``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from samarkiv.ingest.demo_packages import archive, build_broken_sip
from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("browser-home")


@pytest.fixture(scope="module")
def credentials(server: str, home: Path) -> dict[str, str]:
    """{user name: password} of the demo accounts, read as a newcomer would."""
    path = home / "demo-credentials.txt"
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [line.split("\t") for line in lines if line and not line.startswith("#")]
    return {row[0]: row[1] for row in rows}


@pytest.fixture(scope="module")
def demo_output(home: Path) -> str:
    return run_samarkiv(server_env(home), "demo").stdout


@pytest.fixture(scope="module")
def demo_aips(demo_output: str) -> list[str]:
    """The AIP ids `samarkiv demo` printed, Lund's first."""
    return re.findall(r" AIP (\S+), ", demo_output)


@pytest.fixture(scope="module")
def server(home: Path, demo_output: str) -> Iterator[str]:
    """A production server (uvicorn) on a free loopback port, with its own home."""
    env = server_env(home)
    assert "Demo logins are in" in demo_output
    run_samarkiv(env, "audit", "--json")  # a fixity audit for the storage dashboard
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
def page(browser) -> Iterator:
    context = browser.new_context(locale="sv-SE")
    yield context.new_page()
    context.close()


@pytest.fixture
def login(server: str, page, credentials: dict[str, str]):
    """``login(user name)``: through the login form, the way a person does it."""

    def log_in(username: str, start: str = "/staff/") -> None:
        page.goto(f"{server}{start}")
        assert "/staff/login/" in page.url  # anonymous: sent to the login first
        assert page.get_by_role("heading", level=1).inner_text() == "Logga in"
        page.get_by_label("Användarnamn").fill(username)
        page.get_by_label("Lösenord").fill(credentials[username])
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.wait_for_url(f"**{start}")
        assert page.get_by_role("button", name="Logga ut").is_visible()

    return log_in


def test_a_wrong_password_is_refused_with_one_message(server: str, page) -> None:
    page.goto(f"{server}/staff/login/")
    page.get_by_label("Användarnamn").fill("arkivarie.lund")
    page.get_by_label("Lösenord").fill("gissning")
    page.get_by_role("button", name="Logga in", exact=True).click()
    assert page.get_by_role("alert").inner_text().endswith("Fel användarnamn eller lösenord.")
    assert "/staff/login/" in page.url


def test_demo_runs_are_listed_with_styles_served(server: str, page, login) -> None:
    login("arkivarie.lund")
    page.goto(f"{server}/staff/")
    assert page.url == f"{server}/staff/"
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.get_by_role("heading", level=1).inner_text() == "Valideringar"
    rows = page.locator("table tbody tr")
    assert rows.count() == 3
    assert page.get_by_role("link", name="sip-exempelby-trasigt-2024").is_visible()
    # the stylesheet came through whitenoise: the header has its brand colour
    header_bg = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_bg == "rgb(11, 61, 102)"


def test_upload_through_the_form_shows_the_report(server: str, page, login, tmp_path: Path) -> None:
    package = archive(build_broken_sip(tmp_path), tmp_path / "leverans-fran-socialtjansten.zip")
    login("arkivarie.lund")
    page.get_by_label("Paket", exact=True).set_input_files(str(package))
    page.get_by_label("Specifikation").select_option("csip-2.2")
    page.get_by_role("button", name="Validera").click()
    page.wait_for_url("**/staff/validations/*/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Valideringsrapport: leverans-fran-socialtjansten.zip"
    assert page.locator(".verdict").inner_text() == "Ogiltigt"
    assert page.get_by_role("heading", name="Storlek och kontrollsummor").is_visible()
    assert page.get_by_role("rowheader", name="FIXITY-CHECKSUM").count() >= 1

    page.get_by_role("link", name="Alla valideringar").click()
    assert page.get_by_role("link", name="leverans-fran-socialtjansten.zip").is_visible()


def test_language_switch_and_skip_link(server: str, page, login) -> None:
    login("granskare.bjuv")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till huvudinnehållet")
    assert skip.evaluate("e => e === document.activeElement")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Validations"


def test_aip_page_shows_files_and_the_format_chart(
    server: str, page, login, tmp_path: Path
) -> None:
    """`samarkiv demo` ingested the demo deliveries: browse from the list into one AIP."""
    page.set_viewport_size({"width": 1280, "height": 900})
    login("arkivarie.lund", "/staff/aips/")
    assert page.get_by_role("heading", level=1).inner_text() == "Arkivpaket"
    assert page.locator("table tbody tr").count() == 1  # Lund's one demo delivery
    page.get_by_role("link", name="sip-lund-ks-diarium-2023").click()
    page.wait_for_url("**/staff/aips/*/")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Arkivpaket: sip-lund-ks-diarium-2023"

    chart = page.get_by_role("img", name="Antal filer per format")
    assert chart.is_visible()
    assert chart.bounding_box()["height"] > 100
    assert chart.locator("rect.bar").count() >= 5
    formats = page.get_by_role("table", name="Filer per format (textversion av diagrammet)")
    pdf = formats.get_by_role("rowheader", name="Acrobat PDF 1.4 - Portable Document Format")
    assert pdf.is_visible()
    files = page.get_by_role("table", name=re.compile(r"^Filerna 1–\d+ av \d+"))
    assert files.get_by_role("row").filter(has_text="fmt/18").count() >= 3
    assert files.get_by_role("row").filter(has_text="application/pdf").first.is_visible()

    shot = tmp_path / "arkivpaket.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


def test_storage_dashboard_shows_locations_and_charts(
    server: str, page, login, demo_aips: list[str], tmp_path: Path
) -> None:
    """The demo archive after one audit: figures, both charts with their tables, no alert.

    The host's IT archivist sees every tenant's copies, and no AIP's content.
    """
    page.set_viewport_size({"width": 1280, "height": 900})
    login("it.arkivarie")
    page.get_by_role("link", name="Lagring", exact=True).click()
    page.wait_for_url("**/staff/storage/")
    assert page.get_by_role("heading", level=1).inner_text() == "Lagring"
    contents = page.get_by_role("table", name="Innehåll per lagringsplats")
    row = contents.get_by_role("row").filter(has=page.get_by_role("rowheader", name="primary"))
    # the five demo deliveries and the decommissioned demo database
    assert row.get_by_role("cell").nth(1).inner_text() == "6"
    assert page.get_by_text("Allt bevarat").is_visible()

    for name in ("Kontrollerad datamängd per fixitetskontroll", "Lagrad datamängd över tid"):
        chart = page.get_by_role("img", name=re.compile(f"^{name}"))
        assert chart.is_visible()
        assert chart.bounding_box()["height"] > 150
        assert chart.locator("path.marker").count() >= 1
    history = page.get_by_role("table", name=re.compile("^Fixitetskontroller, senaste först"))
    assert history.get_by_role("row").count() == 2  # header + the one audit
    growth = page.get_by_role("table", name=re.compile("^Tillkommen och sammanlagd datamängd"))
    assert growth.get_by_role("rowheader").count() >= 1

    shot = tmp_path / "lagring.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000

    # the same person may not open an AIP: its file names are a municipality's records
    assert page.get_by_role("link", name="Arkivpaket", exact=True).count() == 0
    assert "sip-lund-ks-diarium-2023" not in page.content()  # no package titles
    response = page.goto(f"{server}/staff/aips/{demo_aips[0]}/")
    assert response.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "Åtkomst nekad"


def test_switching_tenant_shows_the_other_municipalitys_packages(server: str, page, login) -> None:
    """An archivist shared by Hörby, Ystad and Klippan: one tenant at a time."""
    login("arkivarie.samverkan", "/staff/aips/")
    switcher = page.get_by_label("Kommun", exact=True)
    assert switcher.input_value() == "horby"  # the first of their tenants
    assert page.get_by_role("link", name="sip-horby-bmn-bygglov-2022").is_visible()
    assert page.get_by_role("link", name="sip-ystad-sn-bistand-2021").count() == 0

    switcher.select_option(label="Ystads kommun")
    page.get_by_role("button", name="Byt kommun").click()
    page.wait_for_load_state()
    assert page.url == f"{server}/staff/aips/"
    assert page.get_by_label("Kommun", exact=True).input_value() == "ystad"
    assert page.get_by_role("link", name="sip-ystad-sn-bistand-2021").is_visible()
    assert page.get_by_role("link", name="sip-horby-bmn-bygglov-2022").count() == 0
    assert page.locator("table tbody tr").count() == 1

    page.get_by_role("button", name="Logga ut").click()
    page.wait_for_url("**/staff/login/")
    page.goto(f"{server}/staff/aips/")
    assert "/staff/login/" in page.url
