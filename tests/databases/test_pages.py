"""The staff pages of archived databases: what an archivist sees, what others do not."""

from __future__ import annotations

import pytest
from django.urls import reverse

from samarkiv.accounts.roles import Role
from tests.databases.sample import PEOPLE, SECRET_PNR

pytestmark = pytest.mark.django_db


def index_of(db, name: str) -> int:
    return next(i for i, t in enumerate(db.metadata["tables"]) if t["name"] == name)


def body(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


def test_archivist_browses_searches_and_follows_keys(sample_db, staff_client) -> None:
    client = staff_client(Role.ARCHIVIST, "bjuv")
    listing = client.get(reverse("databases_ui:database_list"))
    assert listing.status_code == 200 and "kalla" in body(listing)
    tables = client.get(reverse("databases_ui:database_detail", kwargs={"pk": sample_db.pk}))
    assert f">{PEOPLE}<" in body(tables)
    t = index_of(sample_db, "person")
    url = reverse("databases_ui:table_rows", kwargs={"pk": sample_db.pk, "t": t})
    page = client.get(url, {"q": "åsa"})
    assert page.status_code == 200 and "Åsa Öberg" in body(page) and "Person 002" not in body(page)
    second = client.get(url, {"fran": 50})
    assert "Person 051" in body(second) and 'rel="prev"' in body(second)
    first = body(client.get(url))
    assert 'href="?efter=50" rel="next"' in first  # keyset paging in the archive's order
    after = body(client.get(url, {"efter": 50}))
    assert "Person 051" in after and "Person 050<" not in after and "Första sidan" in after
    cases = index_of(sample_db, "arende")
    follow = client.get(
        reverse(
            "databases_ui:follow_key", kwargs={"pk": sample_db.pk, "t": cases, "rowid": 1, "fk": 0}
        )
    )
    assert follow.status_code == 302
    row = client.get(follow["Location"])
    assert "Åsa Öberg" in body(row) and "Rader som hänvisar hit" in body(row)
    by_name = body(client.get(url, {"sortera": "namn", "ordning": "fallande"}))
    assert 'aria-sort="descending"' in by_name and "sortera=namn&amp;ordning=stigande" in by_name
    assert by_name.index("Åsa Öberg") < by_name.index("Person 120")
    bad = client.get(url, {"sortera": "finns_inte"})
    assert bad.status_code == 400


def test_masked_column_is_masked_on_every_page_and_in_csv(sample_db, staff_client) -> None:
    client = staff_client(Role.ARCHIVIST, "bjuv")
    t = index_of(sample_db, "person")
    masks = reverse("databases_ui:table_masks", kwargs={"pk": sample_db.pk, "t": t})
    saved = client.post(masks, {"kolumn": ["personnummer"], "skal": "OSL 26 kap. 1 §"})
    assert saved.status_code == 302
    rows = reverse("databases_ui:table_rows", kwargs={"pk": sample_db.pk, "t": t})
    for response in (
        client.get(rows),
        client.get(rows, {"q": "åsa"}),
        client.get(
            reverse("databases_ui:row_detail", kwargs={"pk": sample_db.pk, "t": t, "rowid": 1})
        ),
        client.get(reverse("databases_ui:table_csv", kwargs={"pk": sample_db.pk, "t": t})),
    ):
        text = body(response)
        assert response.status_code == 200 and SECRET_PNR not in text and "[maskerat]" in text
    probe = client.get(rows, {"kol": "personnummer", "op": "eq", "varde": SECRET_PNR})
    # probing a masked column is refused: no rows come back to confirm a guess
    assert probe.status_code == 400 and "Åsa Öberg" not in body(probe)


def test_who_may_do_what(sample_db, staff_client) -> None:
    t = index_of(sample_db, "person")
    masks = reverse("databases_ui:table_masks", kwargs={"pk": sample_db.pk, "t": t})
    auditor = staff_client(Role.AUDITOR, "bjuv")
    assert auditor.get(reverse("databases_ui:database_list")).status_code == 403
    assert auditor.post(masks, {"hela": "1"}).status_code == 403
    other = staff_client(Role.ARCHIVIST, "ystad")
    assert (
        other.get(reverse("databases_ui:database_detail", kwargs={"pk": sample_db.pk})).status_code
        == 404
    )
    assert other.post(masks, {"hela": "1"}).status_code == 404
    host = staff_client(Role.IT_ARCHIVIST)
    assert host.get(reverse("databases_ui:database_list")).status_code == 403


def test_a_lob_downloads_as_an_attachment_never_inline(home, staff_client) -> None:
    from pathlib import Path

    from tests.databases.conftest import archived

    database = archived(
        Path("/work/shared/corpus/siard/sfa-siard-SiardCmd/sample-datalink-2-2.siard")
    )
    t = index_of(database, "TSIMPLE")
    blob = [c["name"] for c in database.metadata["tables"][t]["columns"]].index("CBLOB")
    client = staff_client(Role.ARCHIVIST, "bjuv")
    rowid = 12345678  # the INTEGER primary key is the SQLite rowid
    row = client.get(
        reverse("databases_ui:row_detail", kwargs={"pk": database.pk, "t": t, "rowid": rowid})
    )
    link = reverse(
        "databases_ui:cell_download",
        kwargs={"pk": database.pk, "t": t, "rowid": rowid, "c": blob},
    )
    assert link in body(row)
    response = client.get(link)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert len(b"".join(response.streaming_content)) == int(response["Content-Length"]) > 0
