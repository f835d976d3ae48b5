"""The staff search page against a fake search service: what it asks, what it shows."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from tests.factories import log_in, staff_user

pytestmark = pytest.mark.django_db

URL = "/staff/search/"


@pytest.fixture
def client(staff_client) -> Client:
    return staff_client("archivist", "lund")


def _page(fake_search) -> None:
    """Two hits and a sidebar, as the service would answer "bygglov"."""
    fake_search.set(
        total=2,
        hits=[
            fake_search.hit(
                "Bygglov för enbostadshus",
                registration_number="BN 2019/123",
                date_start=date(2019, 3, 1),
                date_end=date(2019, 6, 30),
                highlights=["ansökan om <mark>bygglov</mark> för enbostadshus &amp; garage"],
            ),
            fake_search.hit("Ritning", kind="document", highlights=[]),
        ],
        facets={
            "records_creator": [fake_search.facet("bn", 2, "Byggnadsnämnden")],
            "classification": [fake_search.facet("3.4.2", 1, "3.4.2 Handlägga bygglov")],
            "period": [fake_search.facet("2010", 2, "2010–2019")],
            "document_type": [fake_search.facet("Beslut", 1)],
            "format": [fake_search.facet("fmt/95", 1, "PDF/A-1b")],
            "kind": [fake_search.facet("case", 1, "case"), fake_search.facet("document", 1, "")],
            "tenant": [fake_search.facet("lund", 2, "Lunds kommun")],
        },
    )


def _html(response) -> str:
    return response.content.decode()


def test_empty_page_offers_the_search_box_without_searching(client: Client, fake_search) -> None:
    response = client.get(URL)
    html = _html(response)
    assert response.status_code == 200
    assert fake_search.calls == []
    assert '<label for="sok-fraga">Sökord</label>' in html
    assert 'aria-describedby="sok-hjalp"' in html
    assert 'placeholder="ord &quot;fras&quot; prefix* fuzzy~"' in html
    assert 'role="search"' in html
    assert "Skriv ett sökord ovan för att söka." in html


def test_hits_and_facets_are_shown_with_highlights(client: Client, fake_search) -> None:
    _page(fake_search)
    html = _html(client.get(URL, {"q": "bygglov"}))

    call = fake_search.calls[-1]
    asked = (call["query"], call["filters"], call["page"], call["per_page"])
    assert asked == ("bygglov", None, 1, 20)
    assert call["scope"].tenant == "lund"

    first = fake_search.result.hits[0]
    assert f'href="/staff/records/{first.record_id}/"' in html
    assert ">Bygglov för enbostadshus</a>" in html
    assert '<span class="badge badge-neutral">Ärende</span>' in html
    assert '<span class="badge badge-neutral">Handling</span>' in html
    assert "<code>BN 2019/123</code>" in html
    assert '<time datetime="2019-03-01">2019-03-01</time>–<time datetime="2019-06-30">' in html
    assert "ansökan om <mark>bygglov</mark> för enbostadshus &amp; garage" in html
    status = re.search(r'<p class="result-count"[^>]*>(.*?)</p>', html, re.S)
    assert 'role="status" aria-live="polite"' in status.group(0)
    assert status.group(1).strip() == "2 träffar för ”bygglov”"

    legends = re.findall(r"<legend>(.*?)</legend>", html)
    assert legends == [
        "Arkivbildare",
        "Klassificering",
        "Period",
        "Handlingstyp",
        "Format",
        "Typ av post",
    ]
    assert '<input type="checkbox" name="records_creator" value="bn"' in html
    assert "Byggnadsnämnden <span" in html
    assert "3.4.2 Handlägga bygglov" in html
    assert '>Ärende <span class="count">(1)</span>' in html  # kind values get Swedish labels
    assert 'name="tenant"' not in html  # a staff scope acts in one tenant only


def test_one_hit_is_announced_in_the_singular(client: Client, fake_search) -> None:
    fake_search.set(total=1, hits=[fake_search.hit("Ett ärende")])
    html = _html(client.get(URL, {"q": "ärende"}))
    assert "1 träff för ”ärende”" in html


def test_filters_round_trip_through_the_url(client: Client, fake_search) -> None:
    _page(fake_search)
    fake_search.set(total=45, hits=fake_search.result.hits, facets=fake_search.result.facets)
    query = "q=bygglov&records_creator=bn&kind=case&kind=document&sida=2"
    html = _html(client.get(f"{URL}?{query}"))

    call = fake_search.calls[-1]
    assert call["filters"] == {"records_creator": ["bn"], "kind": ["case", "document"]}
    assert call["page"] == 2
    assert re.search(r'name="records_creator" value="bn" id="[^"]+" checked>', html)
    assert re.search(r'name="kind" value="case" id="[^"]+" checked>', html)
    assert not re.search(r'name="period" value="2010" id="[^"]+" checked>', html)
    assert 'value="bygglov"' in html  # the query stays in the box

    chips = re.findall(r'<a class="chip" href="([^"]+)">(.*?)</a>', html, re.S)
    assert len(chips) == 3
    removal = {re.sub(r"<[^>]+>", "", text).split(":")[0].strip(): href for href, text in chips}
    assert set(removal) == {"Ta bort filtret Arkivbildare", "Ta bort filtret Typ av post"}
    creator_chip = parse_qs(urlsplit(chips[0][0].replace("&amp;", "&")).query)
    assert creator_chip == {"q": ["bygglov"], "kind": ["case", "document"]}  # no sida
    assert "Arkivbildare: Byggnadsnämnden" in html
    assert 'href="?q=bygglov">Ta bort alla filter</a>' in html

    # The pager keeps the query and every filter.
    pager = re.findall(r'<nav aria-label="Sidor med träffar" class="pager">(.*?)</nav>', html, re.S)
    links = re.findall(r'href="([^"]+)"', pager[0])
    for link in links:
        params = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert params["q"] == ["bygglov"] and params["kind"] == ["case", "document"]
    assert "Sida 2 av 3" in pager[0]
    assert "(visar 21–40)" in html


def test_a_selected_value_the_service_no_longer_returns_can_be_unticked(
    client: Client, fake_search
) -> None:
    fake_search.set(total=0, hits=[], facets={})
    html = _html(client.get(URL, {"q": "x", "document_type": "Protokoll"}))
    assert re.search(r'name="document_type" value="Protokoll" id="[^"]+" checked>', html)
    assert 'Protokoll <span class="count">(0)</span>' in html


def test_a_page_past_the_end_shows_the_last_page(client: Client, fake_search) -> None:
    fake_search.set(total=25, hits=[fake_search.hit("Sist")])
    client.get(URL, {"q": "bygglov", "sida": "9"})
    assert [c["page"] for c in fake_search.calls] == [9, 2]


def test_titles_are_escaped_and_highlights_keep_only_mark(client: Client, fake_search) -> None:
    fake_search.set(
        total=2,
        hits=[
            fake_search.hit(
                "<script>alert('titel')</script>",
                registration_number="<b>BN</b>",
                highlights=["escaped &lt;script&gt;alert(1)&lt;/script&gt; <mark>ord</mark>"],
            ),
            # A backend that forgot to escape must still not inject markup.
            fake_search.hit(
                "Trasig", highlights=['<img src=x onerror="alert(2)"><mark>ord</mark></mark>']
            ),
        ],
    )
    html = _html(client.get(URL, {"q": "ord"}))
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;titel&#x27;)&lt;/script&gt;" in html
    assert "<b>BN</b>" not in html and "&lt;b&gt;BN&lt;/b&gt;" in html
    assert "escaped &lt;script&gt;alert(1)&lt;/script&gt; <mark>ord</mark>" in html
    assert "<img" not in html
    assert '&lt;img src=x onerror="alert(2)"><mark>ord</mark></mark>' in html


def test_no_hits_gives_helpful_swedish_advice(client: Client, fake_search) -> None:
    fake_search.set(total=0, hits=[], facets={})
    html = _html(client.get(URL, {"q": "xyzzy", "kind": "case"}))
    assert "0 träffar för ”xyzzy”" in html
    assert "Inga poster matchar ”xyzzy”." in html
    assert "tillåt stavfel med ~" in html
    assert 'href="?q=xyzzy">Ta bort filtren och sök igen.</a>' in html
    assert '<ol class="hits"' not in html


def test_filters_alone_search_without_a_query(client: Client, fake_search) -> None:
    fake_search.set(total=1, hits=[fake_search.hit("Protokoll")])
    html = _html(client.get(URL, {"kind": "case"}))
    assert fake_search.calls[-1]["query"] == ""
    assert "1 träff med de valda filtren" in html


@pytest.mark.parametrize("role", ["it_archivist", "platform_admin", "auditor"])
def test_staff_without_content_access_are_refused(staff_client, fake_search, role: str) -> None:
    response = staff_client(role).get(URL, {"q": "bygglov"})
    assert response.status_code == 403
    assert fake_search.calls == []


def test_anonymous_visitors_are_sent_to_the_login(fake_search) -> None:
    response = Client().get(URL, {"q": "bygglov"})
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/?next=/staff/search/")
    assert fake_search.calls == []


def test_the_menu_offers_search_only_to_those_who_may_search(staff_client) -> None:
    link = '<a href="/staff/search/"'
    assert link in _html(staff_client("registrar", "lund").get("/staff/"))
    assert link not in _html(staff_client("it_archivist").get("/staff/"))
    user = staff_user("archivist", "bjuv")
    page = _html(log_in(Client(), user, "bjuv").get(URL))
    assert '<a href="/staff/search/" aria-current="page">Sök</a>' in page


def test_identity_numbers_in_hits_are_masked(client: Client, fake_search) -> None:
    fake_search.set(
        total=1,
        hits=[
            fake_search.hit(
                "Bistånd 19121212-1212",
                highlights=["sökande <mark>19121212-1212</mark> bor i Lund"],
            )
        ],
    )
    html = _html(client.get(URL, {"q": "19121212-1212"}))
    assert "Bistånd 19121212-****</a>" in html
    assert "sökande <mark>19121212-****</mark> bor i Lund" in html
    hits = html[html.index('<ol class="hits"') :]
    assert "1212</" not in hits
