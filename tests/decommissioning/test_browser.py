"""Done when: an archivist walks a real system's decommissioning to the certificate in a
real browser, then browses the archived tables with a masked column.

The live system is a PostgreSQL cluster (tests/pg.py) with a person register; the
server is ``samarkiv serve`` with its own home; the browser is headless Chromium.
"""

from __future__ import annotations

import io
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import pg
from tests.servers import launch_chromium, run_samarkiv, server_env, serving, skip_without_chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

skip_without_chromium()

AXE = Path(sys.prefix) / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SECRET = "19121212-1212"
PASSWORD = "Arkiv-2026-test!"
USER = "arkivarie.avveckling"


@pytest.fixture(scope="module")
def live_db() -> Iterator[str]:
    """A PostgreSQL database of the system being decommissioned: people and their cases."""
    import sqlalchemy as sa

    bindir = pg.find_bindir()
    if bindir is None:
        pytest.skip("needs PostgreSQL (initdb)")
    cluster = pg.start_cluster(bindir)
    url = cluster.url.replace("postgresql://", "postgresql+psycopg://")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE person (id integer PRIMARY KEY, namn varchar(100) NOT NULL, "
                "personnummer varchar(13), anteckning text)"
            )
        )
        conn.execute(
            sa.text(
                "CREATE TABLE arende (id integer PRIMARY KEY, person_id integer REFERENCES "
                "person(id), rubrik varchar(200), inkommet date, avgift numeric(10,2))"
            )
        )
        conn.execute(
            sa.text("INSERT INTO person VALUES (1, 'Åsa Öberg', :p, 'Ansökan 😀')"), {"p": SECRET}
        )
        conn.execute(
            sa.text(
                "INSERT INTO person SELECT g, 'Person ' || g, "
                "'19800101-' || lpad(g::text, 4, '0'), NULL FROM generate_series(2, 75) g"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO arende VALUES (1, 1, 'Bygglov för förråd', '2011-03-04', 1500.50), "
                "(2, 1, 'Strandskydd', '2012-06-01', 0), (3, 9, 'Garage', NULL, NULL)"
            )
        )
    engine.dispose()
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("avveckling-home")
    env = server_env(home)
    run_samarkiv(env, "migrate")
    run_samarkiv(
        env,
        "users",
        "create",
        USER,
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
        context = browser.new_context(locale="sv-SE", accept_downloads=True)
        page = context.new_page()
        page.goto(f"{server}/staff/databases/avveckling/")
        page.get_by_label("Användarnamn").fill(USER)
        page.get_by_label("Lösenord").fill(PASSWORD)
        page.get_by_role("button", name="Logga in", exact=True).click()
        page.wait_for_url("**/staff/databases/avveckling/")
        yield page
        context.close()
        browser.close()


def _wait_for_step(page, label: str, timeout: float = 90) -> None:
    """Reload (as a person would) until the background step has reached ``label``."""
    deadline = time.monotonic() + timeout
    while (
        f"{label} – nuvarande steg" not in page.locator("ol.steps").inner_text()
        or page.locator("#pagar").count()  # the step may save its state before it ends
    ):
        assert time.monotonic() < deadline, page.locator("main").inner_text()
        assert "Steget kunde inte göras" not in page.content()
        time.sleep(0.5)
        refresh = page.get_by_role("link", name="Uppdatera sidan")
        if refresh.count():
            refresh.click()
        else:
            page.reload()


def _axe(page) -> list[str]:
    """WCAG problems axe-core finds on the page as it is now (none expected)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run()")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def _download(page, link_name: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    return Path(info.value.path()).read_bytes()


def test_decommission_to_certificate_then_browse_masked(page, live_db: str) -> None:
    page.get_by_role("link", name="Ny avveckling").click()
    page.get_by_label("Nytt system: namn").fill("Bygglovsregistret")
    page.get_by_label("Leverantör").fill("Kommundata AB")
    page.get_by_role("button", name="Lägg upp avveckling").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Avveckling: Bygglovsregistret"
    assert "Inventerad – nuvarande steg" in page.locator("ol.steps").inner_text()

    page.get_by_label("Databasens adress (SQLAlchemy-URL)").fill(live_db)
    page.get_by_role("button", name="Ta ut databasen till SIARD").click()
    assert page.get_by_role("status").first.is_visible()  # started: the page says so
    _wait_for_step(page, "Kontrollerad")
    checks = page.get_by_role("table", name="Kontroll per tabell").inner_text()
    assert re.search(r"public\.person\s+75\s+75", checks) and "Avviker" not in checks
    assert _axe(page) == []

    page.get_by_label("Kommentar").fill("Stämmer med systemets egna rapporter.")
    page.get_by_role("button", name="Spara granskningen").click()
    page.get_by_role("button", name="Arkivera (skapa arkivpaket)").click()
    _wait_for_step(page, "Arkiverad")
    aip_id = page.locator("dt:has-text('AIP-id') + dd code").inner_text()
    assert len(aip_id) > 30
    page.get_by_role("button", name="Utfärda avvecklingsintyg").click()
    pdf = _download(page, "Ladda ner avvecklingsintyget (PDF)")
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    assert aip_id in text and "Avvecklingsintyg" in text

    page.get_by_label("Årlig besparing (kronor)").fill("185 000")
    page.get_by_role("button", name="Markera systemet som avvecklat").click()
    assert page.get_by_text("Systemet är avvecklat.").is_visible()

    # browse the archived tables; mark the identity numbers secret first
    page.get_by_role("link", name=re.compile("^Bläddra i")).click()
    assert _axe(page) == []
    page.get_by_role("link", name="Ändra sekretess för public.person").click()
    assert _axe(page) == []
    page.get_by_label("personnummer").check()
    page.get_by_label("Skäl (t.ex. paragraf i OSL)").fill("OSL 26 kap. 1 §")
    page.get_by_role("button", name="Spara").click()
    page.get_by_role("link", name="public.person", exact=True).click()
    assert "[maskerat]" in page.content() and SECRET not in page.content()
    page.get_by_label("Sök i texten").fill("Åsa")
    page.get_by_role("button", name="Visa").click()
    rows = page.get_by_role("table", name="Rader i public.person")
    assert rows.locator("tbody tr").count() == 1 and "Åsa Öberg" in rows.inner_text()
    assert SECRET not in page.content() and _axe(page) == []
    exported = _download(page, "Exportera urvalet som CSV").decode("utf-8-sig")
    assert "Åsa Öberg" in exported and "[maskerat]" in exported and SECRET not in exported
    rows.get_by_role("link", name=re.compile("^Visa")).first.click()
    assert "Rader som hänvisar hit" in page.content() and SECRET not in page.content()
    assert _axe(page) == []
    page.get_by_role("link", name="public.arende", exact=True).click()
    assert page.locator("tbody tr").count() == 2 and SECRET not in page.content()
