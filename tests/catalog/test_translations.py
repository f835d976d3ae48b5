"""The archival description's own English catalogue is complete and compiled."""

from __future__ import annotations

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

import samarkiv

LC_MESSAGES = Path(samarkiv.__file__).parent / "catalog" / "locale" / "en" / "LC_MESSAGES"


def _catalog():
    with (LC_MESSAGES / "django.po").open("rb") as fh:
        return read_po(fh, locale="en")


def test_every_message_has_an_english_translation() -> None:
    messages = [m for m in _catalog() if m.id]
    assert len(messages) > 150
    assert [m.id for m in messages if not m.string or not all(m.string) or m.fuzzy] == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    with (LC_MESSAGES / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for message in _catalog():
        if not message.id or message.pluralizable:
            continue
        msgid = f"{message.context}\x04{message.id}" if message.context else message.id
        assert compiled.gettext(msgid) == message.string, message.id
