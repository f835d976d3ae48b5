"""The portal's start and search pages, on a really ingested and published archive.

What must hold: published records are found by free text and by every advanced field,
facets count only published records, unpublished records never appear (not a title,
not a name, not a count), and hidden records are offered as stubs only when asked.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest
from django.test import Client

from samarkiv.access.publication.models import PublicStub, PublishedRecord
from tests.portal.archive import PROTECTED_WORDS, SECRET_WORDS

pytestmark = pytest.mark.django_db


def _get(client: Client, path: str, **params) -> str:
    response = client.get(f"{path}?{urlencode(params, doseq=True)}" if params else path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _assert_nothing_hidden(body: str) -> None:
    leaked = [w for w in (*SECRET_WORDS, *PROTECTED_WORDS) if w in body]
    assert not leaked, f"unpublished words on a public page: {leaked}"


def test_start_page_lists_municipalities_with_published_counts(archive) -> None:
    body = _get(Client(), "/")
    published = PublishedRecord.objects.filter(tenant_code="horby").count()
    assert published == 1 + len(archive.public_docs)
    assert "Hörby" in body
    assert f"{published} handlingar" in body
    assert '<form method="get" action="/sok/" role="search"' in body
    _assert_nothing_hidden(body)


def test_free_text_finds_published_and_never_unpublished(archive) -> None:
    client = Client()
    body = _get(client, "/sok/", q="bygglov")
    assert "Bygglov för nybyggnad av enbostadshus" in body
    assert f"/handling/{archive.public_case}/" in body
    assert "<mark>" in body
    _assert_nothing_hidden(body)
    for record_id in (archive.secret_case, archive.protected_case):
        assert record_id not in body
    # The secret case is titled "... Ringgården": searching for it finds nothing at all.
    body = _get(client, "/sok/", q="Ringgården")
    assert "0 handlingar hittades" in body
    assert "Ringgården</a>" not in body


FIELD_SEARCHES = [
    ({"diarienummer": "BN 2023/145"}, "Bygglov för nybyggnad av enbostadshus"),
    ({"namn": "Tolvansson"}, "Ansökan om bygglov, Stenby 3:12"),
    ({"fastighet": "Stenby 3:12"}, "Bygglov för nybyggnad av enbostadshus"),
    ({"q": "bygglo*"}, "Bygglov för nybyggnad av enbostadshus"),
    ({"q": "byglov~"}, "Bygglov för nybyggnad av enbostadshus"),
    ({"q": "bygglovet"}, "Ansökan om bygglov, Stenby 3:12"),  # Swedish stemming
    ({"fran": "2023", "till": "2023"}, "Fasadritning och planritning"),
]


def test_advanced_fields_find_the_published_case(archive) -> None:
    client = Client()
    for params, expected in FIELD_SEARCHES:
        body = _get(client, "/sok/", **params)
        assert expected in body, params
        _assert_nothing_hidden(body)


def test_fields_that_match_only_hidden_records_find_nothing(archive) -> None:
    client = Client()
    for params in (
        {"diarienummer": "BN 2023/212"},
        {"namn": "Sjöberg"},
        {"fastighet": "Kvarnen 5"},
        {"fran": "1900", "till": "1950"},
    ):
        body = _get(client, "/sok/", **params)
        assert "0 handlingar hittades" in body, params
        hidden = (archive.secret_case, *archive.secret_docs, archive.protected_case)
        assert not [i for i in hidden if i in body]  # the words typed are echoed, no more


def test_facets_count_only_published_records_and_filter(archive) -> None:
    client = Client()
    body = _get(client, "/sok/", q="bygglov")
    published = PublishedRecord.objects.count()
    assert 'name="kommun" value="horby"' in body
    assert "Hörby kommun <span" in body or "Hörby <span" in body
    assert f'<span class="count">({published})</span>' in body
    assert f"{published + 1}" not in body.split("Avgränsa")[1].split("</div>")[0]
    # Ticking a facet (a plain GET, no script) narrows and shows a removable chip.
    body = _get(client, "/sok/", q="bygglov", handlingstyp="Ritning")
    assert "Fasadritning och planritning" in body
    assert "Ansökan om bygglov, Stenby 3:12" not in body
    assert 'class="chip"' in body
    assert "checked" in body.split('value="Ritning"')[1][:80]


def test_hidden_records_are_listed_only_as_stubs_when_asked(archive) -> None:
    client = Client()
    assert "Handlingar som måste begäras" not in _get(client, "/sok/", q="bygglov")
    body = _get(client, "/sok/", q="bygglov", dolda="1", kommun="horby")
    stubs = PublicStub.objects.filter(tenant_code="horby")
    assert {str(s.pk) for s in stubs} == {archive.secret_case, *archive.secret_docs}
    assert f"{stubs.count()} handlingar som måste begäras" in body
    for stub in stubs:
        assert f"/dold/{stub.pk}/" in body
        assert f"stub={stub.pk}" in body  # the "Begär ut" button
    for record_id in (archive.protected_case, *archive.protected_docs):
        assert record_id not in body  # protected identities have no stub at all
    _assert_nothing_hidden(body)


def test_paging_keeps_the_query_and_clamps_out_of_range_pages(archive, monkeypatch) -> None:
    monkeypatch.setattr("samarkiv.web.portal.views.PER_PAGE", 2)
    client = Client()
    body = _get(client, "/sok/", q="bygglov")
    assert "Sida 1 av 2" in body
    assert 'href="?q=bygglov&amp;sida=2#traffar"' in body
    body = _get(client, "/sok/", q="bygglov", sida="99")
    assert "Sida 2 av 2" in body


class _FormReader(HTMLParser):
    """The search form's action and the values a browser would submit as they are."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.method = ""
        self.values: list[tuple[str, str]] = []
        self._inside = False

    def handle_starttag(self, tag, attrs) -> None:
        attr = dict(attrs)
        if tag == "form" and attr.get("role") == "search":
            self.action, self.method, self._inside = attr["action"], attr["method"], True
        elif self._inside and tag == "input" and attr.get("name"):
            if attr.get("type") == "checkbox" and "checked" not in attr:
                return
            self.values.append((attr["name"], attr.get("value") or ""))

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._inside = False


def test_the_search_form_works_without_javascript(archive) -> None:
    """Fill in the box and submit the form exactly as a browser without scripts does."""
    client = Client()
    reader = _FormReader()
    reader.feed(_get(client, "/"))
    assert reader.method == "get"
    values = [(n, "Stenby" if n == "q" else v) for n, v in reader.values]
    assert {n for n, _ in values} >= {"q", "diarienummer", "namn", "adress", "fastighet"}
    response = client.get(f"{reader.action}?{urlencode(values)}")
    body = response.content.decode()
    assert "Bygglov för nybyggnad av enbostadshus" in body
    # The result page's form keeps the words and carries the facets as checkboxes:
    # ticking one and submitting again narrows the result.
    reader = _FormReader()
    reader.feed(body)
    assert ("q", "Stenby") in reader.values
    values = [*reader.values, ("handlingstyp", "Ritning")]
    body = client.get(f"{reader.action}?{urlencode(values)}").content.decode()
    assert "Fasadritning och planritning" in body
    assert "Ansökan om bygglov, Stenby 3:12" not in body


def test_pages_are_cacheable_and_set_no_cookies(archive) -> None:
    client = Client()
    response = client.get("/sok/?q=bygglov")
    assert response["Cache-Control"] == "public, max-age=60"
    assert not response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_cached_page_is_not_served_after_the_publication_changes(archive) -> None:
    """The page cache is keyed on the publication generation: withdrawing a record
    shows at once, not a minute later."""
    from samarkiv.access.publication.choices import MarkingTarget
    from samarkiv.access.publication.models import SecrecyMarking
    from samarkiv.access.publication.refresh import refresh

    client = Client()
    assert "Bygglov för nybyggnad av enbostadshus" in _get(client, "/sok/", q="Stenby")
    SecrecyMarking.objects.create(
        tenant_id="horby",
        target=MarkingTarget.RECORD,
        record_id=archive.public_case,
        ground="OSL 21 kap. 1 §",
        max_years=50,
    )
    refresh(tenant="horby")
    body = _get(client, "/sok/", q="Stenby")
    assert "Bygglov för nybyggnad av enbostadshus" not in body
    assert "0 handlingar hittades" in body


def test_anonymous_search_pages_make_no_database_queries(
    archive, django_assert_num_queries
) -> None:
    client = Client()
    _get(client, "/sok/", q="bygglov")  # warms the tenant names of the facets
    with django_assert_num_queries(0):
        _get(client, "/sok/", q="ansökan", kommun="horby")
