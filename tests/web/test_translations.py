"""The English catalogue is complete and compiled: no Swedish leaks into the English UI."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

import samarkiv

LC_MESSAGES = Path(samarkiv.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def _catalog():
    with (LC_MESSAGES / "django.po").open("rb") as fh:
        return read_po(fh, locale="en")


def test_every_message_has_an_english_translation() -> None:
    untranslated = [
        m.id for m in _catalog() if m.id and (not m.string or not all(m.string) or m.fuzzy)
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    """Fails when someone edited django.po but forgot `django-admin compilemessages`."""
    with (LC_MESSAGES / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in _catalog():
        if not message.id or message.pluralizable:
            continue
        msgid = f"{message.context}\x04{message.id}" if message.context else message.id
        assert compiled.gettext(msgid) == message.string, message.id
