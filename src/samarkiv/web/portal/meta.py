"""The portal's machine-facing answers: autocomplete, sitemap, robots.txt, language.

Like the pages, they read only through ``public.py``: a suggestion or a sitemap entry
can only come from the published projection.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.i18n import set_language

from samarkiv.web.portal import params
from samarkiv.web.portal.cache import public_headers
from samarkiv.web.portal.views import public

SITEMAP_SIZE = 50_000  # the sitemaps.org limit of URLs per file
SUGGEST_LIMIT = 8
MAX_PREFIX = 100
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@require_safe
def suggest(request: HttpRequest) -> JsonResponse:
    """Completions for the search box, as a JSON list of strings (for the small script)."""
    prefix = " ".join(request.GET.get(params.QUERY, "").split())[:MAX_PREFIX]
    found = public().suggest(prefix, limit=SUGGEST_LIMIT) if len(prefix) >= 2 else []
    response = JsonResponse([str(s) for s in found][:SUGGEST_LIMIT], safe=False)
    return public_headers(response)


def _published_ids():
    return public().PublishedRecord.objects.order_by("pk").values_list("pk", "published_at")


def _xml(body: str) -> HttpResponse:
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'
    return public_headers(HttpResponse(text, content_type="application/xml; charset=utf-8"), 3600)


@require_safe
def sitemap(request: HttpRequest) -> HttpResponse:
    """Every published record page; an index of numbered parts when there are many."""
    rows = _published_ids()
    total = rows.count()
    part = params.page_number(request.GET.get("del")) if "del" in request.GET else 0
    here = request.build_absolute_uri(reverse("portal:sitemap"))
    if total > SITEMAP_SIZE and not part:
        parts = -(-total // SITEMAP_SIZE)
        entries = "".join(
            f"<sitemap><loc>{escape(here)}?del={n}</loc></sitemap>" for n in range(1, parts + 1)
        )
        return _xml(f'<sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>')
    start = (max(part, 1) - 1) * SITEMAP_SIZE
    urls = []
    for pk, published_at in rows[start : start + SITEMAP_SIZE].iterator(chunk_size=5000):
        loc = escape(request.build_absolute_uri(reverse("portal:record", kwargs={"pk": pk})))
        lastmod = f"<lastmod>{published_at.date().isoformat()}</lastmod>" if published_at else ""
        urls.append(f"<url><loc>{loc}</loc>{lastmod}</url>")
    return _xml(f'<urlset xmlns="{SITEMAP_NS}">{"".join(urls)}</urlset>')


@require_safe
def robots(request: HttpRequest) -> HttpResponse:
    """Crawlers may read the portal's pages, not the staff side, files or API."""
    lines = [
        "User-agent: *",
        "Allow: /$",
        "Allow: /handling/",
        "Disallow: /staff/",
        "Disallow: /api/",
        "Disallow: /begaran/",
        "Disallow: /sprak/",
        "Disallow: /forslag/",
        "Disallow: /handling/*/fil/",
        "Disallow: /handling/*/dip/",
        "Disallow: /dold/",
        "Disallow: /?",
        "Disallow: /sok/",
        f"Sitemap: {request.build_absolute_uri(reverse('portal:sitemap'))}",
        "",
    ]
    return public_headers(HttpResponse("\n".join(lines), content_type="text/plain"), 3600)


@csrf_exempt
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's language switch without a CSRF token: the portal sets no cookies until a
    visitor picks a language, so its pages can be cached and shared. Changing someone's
    display language is harmless, so there is nothing for CSRF to protect here."""
    return set_language(request)
