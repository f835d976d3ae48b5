"""The plan's PDF (each chart drawn, checked as pixels with pdftoppm) and CSV."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from samarkiv.accounts.roles import Role
from samarkiv.accounts.scope import operator_scope, user_scope
from samarkiv.errors import AccessDeniedError
from samarkiv.planning import reports, service
from tests.factories import staff_user
from tests.planning.conftest import make_installation

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Chart colours (planning.charts): savings line blue, effort columns blue, coverage orange.
BLUE, ORANGE, RED = (0x1D, 0x4F, 0x91), (0xA4, 0x4A, 0x00), (0xB0, 0x00, 0x20)


def _plan() -> None:
    for n, tenant in enumerate(("bjuv", "ystad", "lund", "horby")):
        make_installation(tenant, "Public 360", licence_cost=150_000 + n, effort_hours=150)
        make_installation(tenant, "Heroma", licence_cost=300_000, effort_hours=250, pilot=n == 0)
    settings = service.plan_settings()
    settings.capacity_hours, settings.quarters = 500, 6
    settings.save()
    service.run_plan(operator_scope())


def _pages(pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm (poppler-utils) is needed to check the PDF")
    source = tmp_path / "plan.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(source), str(tmp_path / "p")], check=True)
    return [Image.open(p).convert("RGB") for p in sorted(tmp_path.glob("p-*.png"))]


def _count(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 30) -> int:
    flat = getattr(image, "get_flattened_data", None) or image.getdata
    return sum(
        1
        for pixel in flat()
        if all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))
    )


def test_the_pdf_draws_each_chart_on_its_page(tmp_path: Path) -> None:
    _plan()
    pdf = reports.plan_pdf(user_scope(staff_user(Role.IT_ARCHIVIST, "lund"), "lund"))
    assert pdf.startswith(b"%PDF-")
    pages = _pages(pdf, tmp_path)
    assert len(pages) >= 5  # summary, three charts, the table
    for page in pages:
        assert _count(page, (255, 255, 255), 0) < page.width * page.height, "blank page"
    savings, effort, coverage = pages[1:4]
    assert _count(savings, BLUE) > 200, "the savings line is missing"
    assert _count(effort, BLUE) > 2000, "the effort columns are missing"
    assert _count(effort, RED) > 50, "the capacity line is missing"
    assert _count(coverage, ORANGE) > 2000, "the coverage bars are missing"
    assert _count(pages[0], ORANGE) == 0  # the charts are not all on the summary page


def test_the_csv_lists_every_item_with_its_reasons_and_factors() -> None:
    _plan()
    data = reports.plan_csv(user_scope(staff_user(Role.PLATFORM_ADMIN, "lund"), "lund"))
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 8
    pilot = next(r for r in rows if r["pilot"] == "ja")
    assert pilot["kvartal"] == f"{service.plan_settings().start_year} K1"
    assert "Pilot" in pilot["förklaring"]
    assert "Arkivbehov" in pilot["faktorer"] and "Kostnadsbesparing" in pilot["faktorer"]


def test_municipal_staff_cannot_export_the_whole_plan() -> None:
    _plan()
    scope = user_scope(staff_user(Role.ARCHIVIST, "bjuv"), "bjuv")
    with pytest.raises(AccessDeniedError):
        reports.plan_pdf(scope)
    with pytest.raises(AccessDeniedError):
        reports.plan_csv(scope)
