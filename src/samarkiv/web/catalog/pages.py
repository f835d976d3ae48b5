"""What every form page of the description does: show, save through the service, redirect.

Why one helper: the creator, archive, series, volume, scheme, class and AIP-link forms
all answer the same way. A valid form goes to the service; the service's refusals come
back as errors of their fields (or of the whole form), the page answers 400 with an
error summary, and a saved object redirects with a notice (post/redirect/get).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from samarkiv.catalog.editing import ANY_FIELD, InvalidDescriptionError
from samarkiv.errors import ConflictError
from samarkiv.web.manage.flash import notify


@dataclass
class FormPage:
    """The words and links around a form: its heading, where "back" and "cancel" go."""

    title: str
    cancel_url: str
    intro: str = ""
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (url, label)
    submit: str = ""


def _refusal_to_form(form: forms.Form, exc: Exception) -> None:
    if isinstance(exc, InvalidDescriptionError):
        for name, message in exc.errors.items():
            target = name if name in form.fields and name != ANY_FIELD else None
            if target is not None and form.fields[target].disabled:
                target = None
            form.add_error(target, str(message))
    else:
        form.add_error(None, getattr(exc, "message", str(exc)))


def form_page(
    request: HttpRequest,
    form: forms.Form,
    page: FormPage,
    save: Callable[[dict], object],
    done: Callable[[object], tuple[str, str]],
) -> HttpResponse:
    """Render ``form``; on a valid POST call ``save`` and redirect to ``done(saved)``.

    ``done`` gives (URL, notice). Access and not-found errors are not caught: the
    middleware answers them with 403 and 404.
    """
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form.cleaned_data)
        except (InvalidDescriptionError, ConflictError) as exc:
            _refusal_to_form(form, exc)
        else:
            url, notice = done(saved)
            notify(request, notice)
            return redirect(url)
    context = {"form": form, "page": page}
    status = 400 if form.errors else 200
    return render(request, "catalog/form.html", context, status=status)
