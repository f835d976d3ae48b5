"""The forms of the archive tree: archives of a creator, their series, their volumes.

The tree itself is drawn on the creator's page; these pages only add and change its
parts, and each returns there.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods

from samarkiv.accounts.roles import Permission
from samarkiv.catalog import description
from samarkiv.catalog.models import Archive, RecordsCreator, Series, Volume
from samarkiv.web.catalog.forms import ArchiveForm, SeriesForm, VolumeForm
from samarkiv.web.catalog.pages import FormPage, form_page
from samarkiv.web.scoping import requires

EDIT = Permission.MANAGE_AGREEMENTS
METHODS = ["GET", "HEAD", "POST"]


def _crumbs(creator: RecordsCreator) -> list[tuple[str, str]]:
    return [
        (reverse("catalog_ui:creators"), pgettext("plural", "Arkivbildare")),
        (_detail(creator), creator.name),
    ]


def _detail(creator: RecordsCreator, anchor: str = "") -> str:
    url = reverse("catalog_ui:creator_detail", kwargs={"code": creator.code})
    return f"{url}#{anchor}" if anchor else url


def _archive_done(archive: Archive) -> tuple[str, str]:
    return (
        _detail(archive.records_creator, f"arkiv-{archive.pk}"),
        _("Arkivet %(name)s är sparat.") % {"name": archive},
    )


@require_http_methods(METHODS)
@requires(EDIT)
def archive_new(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.acting
    creator = description.get_creator(scope, code, for_edit=True)
    form = ArchiveForm(
        request.POST or None,
        initial={"title": creator.name},
        instance=Archive(tenant=creator.tenant),
    )
    page = FormPage(
        _("Nytt arkiv för %(name)s") % {"name": creator.name},
        _detail(creator),
        intro=_(
            "Ett arkiv per arkivbildare är det vanliga; referenskoden identifierar det "
            "i arkivförteckningen och i NAD."
        ),
        breadcrumbs=_crumbs(creator),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.save_archive(scope, None, data, creator),
        _archive_done,
    )


@require_http_methods(METHODS)
@requires(EDIT)
def archive_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    archive = description.get_archive(scope, pk, for_edit=True)
    creator = archive.records_creator
    form = ArchiveForm(request.POST or None, instance=archive)
    page = FormPage(
        _("Ändra arkiv: %(name)s") % {"name": archive},
        _detail(creator, f"arkiv-{archive.pk}"),
        breadcrumbs=_crumbs(creator),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.save_archive(scope, archive, data),
        _archive_done,
    )


def _series_done(series: Series) -> tuple[str, str]:
    return (
        _detail(series.archive.records_creator, f"serie-{series.pk}"),
        _("Serien %(name)s är sparad.") % {"name": series},
    )


@require_http_methods(METHODS)
@requires(EDIT)
def series_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    archive = description.get_archive(scope, pk, for_edit=True)
    creator = archive.records_creator
    form = SeriesForm(request.POST or None, instance=Series(tenant=archive.tenant, archive=archive))
    page = FormPage(
        _("Ny serie i %(archive)s") % {"archive": archive},
        _detail(creator, f"arkiv-{archive.pk}"),
        intro=_(
            "Signum enligt allmänna arkivschemat: A Protokoll, B Utgående handlingar, "
            "C Diarier, D Register, E Inkomna handlingar, F Ämnesordnade handlingar …"
        ),
        breadcrumbs=_crumbs(creator),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.save_series(scope, None, data, archive),
        _series_done,
    )


@require_http_methods(METHODS)
@requires(EDIT)
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    series = description.get_series(scope, pk, for_edit=True)
    creator = series.archive.records_creator
    form = SeriesForm(request.POST or None, instance=series)
    page = FormPage(
        _("Ändra serie: %(name)s") % {"name": series},
        _detail(creator, f"serie-{series.pk}"),
        breadcrumbs=_crumbs(creator),
    )
    return form_page(
        request, form, page, lambda data: description.save_series(scope, series, data), _series_done
    )


def _volume_done(volume) -> tuple[str, str]:
    return (
        _detail(volume.series.archive.records_creator, f"serie-{volume.series_id}"),
        _("Volym %(number)s är sparad.") % {"number": volume.number},
    )


@require_http_methods(METHODS)
@requires(EDIT)
def volume_new(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    series = description.get_series(scope, pk, for_edit=True)
    creator = series.archive.records_creator
    form = VolumeForm(
        request.POST or None,
        initial={"number": description.next_volume_number(series)},
        instance=Volume(tenant=series.tenant, series=series),
    )
    page = FormPage(
        _("Ny volym i %(series)s") % {"series": series},
        _detail(creator, f"serie-{series.pk}"),
        breadcrumbs=_crumbs(creator),
    )
    return form_page(
        request,
        form,
        page,
        lambda data: description.save_volume(scope, None, data, series),
        _volume_done,
    )


@require_http_methods(METHODS)
@requires(EDIT)
def volume_edit(request: HttpRequest, pk: int) -> HttpResponse:
    scope = request.acting
    volume = description.get_volume(scope, pk, for_edit=True)
    creator = volume.series.archive.records_creator
    form = VolumeForm(request.POST or None, instance=volume)
    page = FormPage(
        _("Ändra volym %(number)s i %(series)s")
        % {"number": volume.number, "series": volume.series},
        _detail(creator, f"serie-{volume.series_id}"),
        breadcrumbs=_crumbs(creator),
    )
    return form_page(
        request, form, page, lambda data: description.save_volume(scope, volume, data), _volume_done
    )
