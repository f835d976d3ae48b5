"""The storage dashboard (/staff/storage/) and the storage parts of the AIP page.

The archive of these tests stores every AIP twice, ``primary`` and ``offsite`` on disk,
as a municipality with geographically separate copies would; AIPs come from the real
ingest service (demo deliveries), audits from ``run_audit`` as the CLI runs it, and
damage is done to the stored bytes behind the archive's back.

``client`` is the host's IT archivist (the dashboard's user: every tenant's copies, no
content); ``archivist`` an archivist of Lund and Hörby, for the AIP pages.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.utils import timezone, translation

from samarkiv.ingest.demo_sips import SPECS, build_delivery
from samarkiv.ingest.pipeline import IngestRequest, ingest
from samarkiv.preservation.audit import run_audit
from samarkiv.preservation.choices import AipState
from samarkiv.preservation.locations import location
from samarkiv.preservation.models import Aip, StoredCopy
from samarkiv.web.charts import _step, count_label, time_chart
from tests.factories import log_in, staff_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(staff_client) -> Client:
    return staff_client("it_archivist")


@pytest.fixture
def archivist(db) -> Client:
    user = staff_user("archivist", "lund", also=(("horby", "archivist"),))
    return log_in(Client(), user, "lund")


def _act_in(client: Client, tenant: str) -> Client:
    assert client.post("/staff/tenant/", {"tenant": tenant}).status_code == 302
    return client


LUND, HORBY = SPECS[0], SPECS[1]


@pytest.fixture
def archive(home: Path, settings) -> Path:
    """Two locations on disk and a policy that wants both for every tenant."""
    settings.SAMARKIV_STORAGE = {
        "locations": {
            "primary": {"type": "local", "path": str(home / "storage" / "primary")},
            "offsite": {"type": "local", "path": str(home / "offsite-disk")},
        },
        "policies": {"default": ["primary", "offsite"]},
    }
    return home


@pytest.fixture
def aips(archive: Path, tmp_path: Path) -> dict[str, Aip]:
    """The Lund and Hörby demo deliveries, ingested with both copies."""
    result = {}
    for spec in (LUND, HORBY):
        delivery = build_delivery(tmp_path / "deliveries", spec)
        receipt = ingest(IngestRequest(delivery.path, delivery.tenant_code))
        assert receipt.state == "done", receipt.message
        result[spec.tenant] = Aip.objects.get(pk=receipt.aip_id)
    assert set(Aip.objects.values_list("state", flat=True)) == {AipState.PRESERVED}
    assert StoredCopy.objects.count() == 4
    return result


def _page(client: Client) -> str:
    response = client.get("/staff/storage/")
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, marker: str, start: int = 0) -> str:
    """The table row that contains ``marker`` (searching from ``start``)."""
    at = html.index(marker, start)
    begin = html.rindex("<tr", 0, at)
    return html[begin : html.index("</tr>", at)]


def _section(html: str, heading_id: str) -> str:
    start = html.index(f'id="{heading_id}"')
    return html[start : html.index("</section>", start)]


def _damage_both_copies(aip: Aip) -> str:
    """Flip a byte of one data file in both copies; returns its content path."""
    primary, offsite = location("primary"), location("offsite")
    manifest = primary.inventory(aip.id)["manifest"]
    content = sorted(p[0] for p in manifest.values() if len(p) == 1 and "/data/" in p[0])[0]
    for store in (primary, offsite):
        path = store.object_dir(aip.id) / content
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    return content


# --------------------------------------------------------------------------- figures


def test_dashboard_shows_figures_per_location_and_tenant(client: Client, aips) -> None:
    run = run_audit()
    assert run.healthy
    html = _page(client)
    assert "<h1>Lagring</h1>" in html
    assert '<a href="/staff/storage/" aria-current="page">Lagring</a>' in html  # no alert badge
    total = sum(aip.bytes for aip in aips.values())
    contents = _section(html, "platser-rubrik")
    for name, kind in (("primary", "Lokal disk"), ("offsite", "Lokal disk")):
        row = _row(contents, f'<th scope="row">{name}<br>')
        cells = re.findall(r'<td class="num">([^<]*)</td>', row)
        assert cells == ["2", filesizeformat(total), "2", "0", "0", "0"], (name, cells)
        assert f"<td>{kind}</td>" in row
    audits = contents[contents.index("Fixitetskontroller per lagringsplats") :]
    row = _row(audits, '<th scope="row">primary</th>')
    assert "fullständig" in row and '<span class="badge badge-ok">Inga fel</span>' in row
    assert "Fullständig var 182:e dag, stickprov 5 % var 30:e dag" in row

    tenants = _section(html, "kommuner-rubrik")
    lund = _row(tenants, '<th scope="row">Lunds kommun</th>')
    assert "<td>primary, offsite</td>" in lund
    assert '<td class="num">1</td>' in lund
    assert f'<td class="num">{filesizeformat(aips["lund"].bytes)}</td>' in lund
    assert '<td class="num">2 av 2</td>' in lund
    assert "Ystads kommun</th>" not in tenants  # no AIPs: named once, in a sentence
    assert re.search(r"<p>Kommuner utan arkivpaket: [^<]*Ystads kommun", tenants)
    assert 'badge-ok">Allt bevarat</span>' in html
    assert "Inga öppna larm." in html
    assert "<dt>Arkivpaket</dt><dd>2</dd>" in html


def test_a_failed_audit_shows_the_damaged_aip_and_its_open_findings(
    client: Client, archivist: Client, aips
) -> None:
    lund = aips["lund"]
    content = _damage_both_copies(lund)
    run = run_audit()
    assert (run.unrepairable, run.damaged_aips) == (2, 1)

    html = _page(client)
    assert '<span class="nav-alert">2 larm</span>' in html
    alarm = _section(html, "atgard-rubrik")
    assert "SKADAT: 1 arkivpaket saknar en frisk kopia av minst en fil." in alarm
    row = _row(alarm, f"<code>{lund.pk}</code>")
    assert '<span class="badge badge-bad">Skadad</span>' in row
    assert "<td>primary, offsite</td>" in row  # copies exist, both damaged
    alerts = _section(html, "larm-rubrik")
    assert "Öppna larm (2)" in alerts
    for name in ("primary", "offsite"):
        row = _row(alerts, f"<td>{name}</td>")
        assert f"<code>{lund.pk}</code>" in row and "Lunds kommun" in row
        assert '<span class="badge badge-bad">Kan inte repareras</span>' in row
    # no content on the platform-wide page: no file names, no package titles, no links
    assert content.split("/")[-1] not in html and "/data/" not in html
    assert LUND.name not in html and "/staff/aips/" not in html
    kinds = {"Skadad", "Fel storlek"}
    assert any(f"<td>{kind}</td>" in alerts for kind in kinds)
    contents = _section(html, "platser-rubrik")
    assert '<span class="badge badge-bad">1</span>' in _row(contents, '<th scope="row">primary<br>')
    history = _section(html, "historik-rubrik")
    assert '<td class="num"><span class="badge badge-bad">2</span></td>' in history
    assert "<dt>Skadade</dt><dd>1</dd>" in html and 'class="stat-bad"' in html

    assert client.get(f"/staff/aips/{lund.pk}/").status_code == 403  # IT: no content
    detail = archivist.get(f"/staff/aips/{lund.pk}/").content.decode()
    assert '<span class="badge badge-bad">Skadad</span>' in detail
    assert "SKADAT: ingen lagringsplats har en frisk kopia" in detail
    findings = _section(detail, "avvikelser-rubrik")
    assert findings.count("Kan inte repareras</span>") == 2
    assert content.split("/")[-1] in findings or "representations/rep1/data/" in findings
    other = _act_in(archivist, "horby").get(f"/staff/aips/{aips['horby'].pk}/").content.decode()
    assert "Inga avvikelser har hittats i arkivpaketets kopior." in other


def test_repairs_are_listed_and_raise_no_alert(client: Client, aips) -> None:
    lund = aips["lund"]
    manifest = location("primary").inventory(lund.id)["manifest"]
    content = sorted(p[0] for p in manifest.values() if "/data/" in p[0])[0]
    (location("offsite").object_dir(lund.id) / content).unlink()
    assert run_audit().repaired == 1
    html = _page(client)
    assert "nav-alert" not in html
    repairs = _section(html, "reparationer-rubrik")
    assert '<span class="badge badge-ok">Reparerad</span>' in repairs
    assert '<span class="muted">från primary</span>' in repairs
    assert "<td>Saknas</td>" in repairs
    # the run covered both locations and tenants; each row shows its own part of it
    audits = _section(html, "platser-rubrik")
    audits = audits[audits.index("Fixitetskontroller per lagringsplats") :]
    assert 'badge-ok">Inga fel</span>' in _row(audits, '<th scope="row">primary</th>')
    assert 'badge-ok">1 fel reparerat</span>' in _row(audits, '<th scope="row">offsite</th>')
    tenants = _section(html, "kommuner-rubrik")
    assert 'badge-ok">1 fel reparerat</span>' in _row(tenants, "Lunds kommun</th>")
    assert 'badge-ok">Inga fel</span>' in _row(tenants, "Hörby kommun</th>")


def test_an_aip_without_every_policy_copy_is_shown_incomplete(
    client: Client, archivist: Client, aips
) -> None:
    horby = aips["horby"]
    StoredCopy.objects.filter(aip=horby, location="offsite").delete()
    Aip.objects.filter(pk=horby.pk).update(state=AipState.INCOMPLETE)
    html = _page(client)
    alarm = _section(html, "atgard-rubrik")
    assert "KOPIOR SAKNAS: 1 arkivpaket har inte alla kopior" in alarm
    row = _row(alarm, f"<code>{horby.pk}</code>")
    assert '<span class="badge badge-warn">Kopior saknas</span>' in row
    assert "<td>primary</td>\n              <td>offsite</td>" in row
    offsite = _row(_section(html, "platser-rubrik"), '<th scope="row">offsite<br>')
    assert '<span class="badge badge-warn">1 av 2</span>' in offsite
    detail = _act_in(archivist, "horby").get(f"/staff/aips/{horby.pk}/").content.decode()
    missing = _row(detail, 'class="missing-copy"')
    assert '<th scope="row">offsite</th>' in missing and "Kopia saknas" in missing
    assert "Lagringspolicy: primary, offsite." in detail
    listing = archivist.get("/staff/aips/").content.decode()
    assert '<span class="badge badge-warn">Kopior saknas</span>' in listing


# --------------------------------------------------------------------------- charts


def test_charts_have_accessible_text_alternatives(client: Client, aips) -> None:
    run_audit("primary")
    run_audit("offsite", sample_pct=50)
    html = _page(client)
    charts = re.findall(r"<svg class=\"time-chart\" role=\"img\"[^>]*>.*?</svg>", html, re.S)
    assert len(charts) == 3  # bytes checked, problems, growth
    for chart, chart_id in zip(charts, ("kontrolldiagram", "feldiagram", "tillvaxtdiagram")):
        assert f'aria-labelledby="{chart_id}-titel {chart_id}-beskrivning"' in chart
        title = re.search(rf'<title id="{chart_id}-titel">([^<]+)</title>', chart).group(1)
        desc = re.search(rf'<desc id="{chart_id}-beskrivning">([^<]+)</desc>', chart).group(1)
        assert title.strip() and "primary:" in desc and "offsite:" in desc
    assert "Kontrollerad datamängd per fixitetskontroll" in charts[0]
    assert charts[0].count('class="marker"') == 2  # one run per location
    assert charts[2].count('class="marker"') == 2  # one day per location
    # the legend names the series in text; the figure points at the table
    assert html.count('<li><svg class="swatch series-0"') == 3
    assert re.search(r'aria-hidden="true" focusable="false">.*?</svg>primary</li>', html)
    assert html.count('<a href="#kontrolltabell">Samma uppgifter som tabell.</a>') == 2
    assert '<table id="kontrolltabell">' in html and '<table id="tillvaxttabell">' in html
    table = html[html.index('<table id="kontrolltabell">') :]
    assert "stickprov 50 %" in _row(table, "<td>offsite</td>")
    growth = html[html.index('<table id="tillvaxttabell">') :]
    today = timezone.localdate().isoformat()
    assert today in _row(growth, "<td>primary</td>")


def test_time_chart_layout() -> None:
    start = timezone.make_aware(datetime(2026, 1, 1, 12, 0))
    data = {
        "primary": [(start, 0), (start + timedelta(days=10), 3)],
        "offsite": [(start + timedelta(days=5), 1)],
    }
    chart = time_chart(data, count_label, notes=lambda v: str(int(v)) if v else "")
    labels = ["2026-01-01", "2026-01-04", "2026-01-08", "2026-01-11"]
    assert [t.label for t in chart.x_ticks] == labels
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3"]
    primary, offsite = chart.series
    assert (primary.style, offsite.style) == (0, 1)
    assert primary.points[0].x == chart.left and primary.points[-1].x == chart.right
    assert primary.points[-1].y == chart.top and primary.points[-1].note == "3"
    assert primary.path.startswith(f"M{chart.left}.0 {chart.bottom}.0L")
    assert primary.points[0].shape != offsite.points[0].shape  # not colour alone
    with translation.override("sv"):
        chart = time_chart(data, count_label)
    summary = "primary: 2 värden från 2026-01-01 12:00 till 2026-01-11 12:00, högst 3, senast 3."
    assert summary in chart.description
    days = {"primary": [(date(2026, 1, 1), 5), (date(2026, 1, 3), 9)]}
    stair = time_chart(days, count_label, step=True, styles={"offsite": 0, "primary": 1})
    assert stair.series[0].path.endswith(f"H{stair.right}.0") and stair.series[0].style == 1
    assert [t.label for t in stair.x_ticks] == ["2026-01-01", "2026-01-02", "2026-01-03"]
    minute = time_chart({"primary": [(start, 1), (start + timedelta(seconds=60), 2)]}, count_label)
    assert [t.label for t in minute.x_ticks] == ["12:00:00", "12:00:20", "12:00:40", "12:01:00"]
    single = time_chart({"primary": [(start, 1)]}, count_label)
    assert single.series[0].path == "" and len(single.x_ticks) == 1
    assert time_chart({}, count_label).series == []
    assert _step(3 * 2**30, binary=True) == 2**30  # 1 GB steps for 3 GB
    assert _step(7, binary=False) == 2 and _step(0, binary=False) == 1


# --------------------------------------------------------------------------- states


def test_an_empty_archive_renders_without_charts(client: Client, archive) -> None:
    html = _page(client)
    assert "Inga fixitetskontroller har körts ännu." in html
    assert "Inga lagrade arkivpaket ännu." in html
    assert '<span class="badge badge-warn">Aldrig kontrollerad</span>' in html
    assert "time-chart" not in html


def test_english_switch_shows_the_dashboard_in_english(
    client: Client, archivist: Client, aips
) -> None:
    _damage_both_copies(aips["lund"])
    run_audit()
    client.post("/i18n/setlang/", {"language": "en", "next": "/staff/storage/"})
    html = _page(client)
    assert '<html lang="en">' in html
    assert "<h1>Storage</h1>" in html
    assert '<span class="nav-alert">2 alerts</span>' in html
    for text in (
        "Open alerts (2)",
        "DAMAGED: 1 archival package has no healthy copy of at least one file.",
        '<span class="badge badge-bad">Damaged</span>',
        '<span class="badge badge-bad">Cannot be repaired</span>',
        "Storage locations",
        "Municipalities",
        "Audit history",
        "Storage growth",
        "Local disk",
        "Data checked per fixity audit",
        "full",
    ):
        assert text in html, text
    assert "Lagringsplatser" not in html and "Kan inte repareras" not in html
    archivist.post("/i18n/setlang/", {"language": "en", "next": "/staff/aips/"})
    detail = archivist.get(f"/staff/aips/{aips['lund'].pk}/").content.decode()
    assert "Findings of fixity audits" in detail and "Storage policy: primary, offsite." in detail
