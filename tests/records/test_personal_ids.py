"""Swedish identity numbers: found when real, ignored when they only look alike."""

from __future__ import annotations

import datetime as dt

import pytest

from samarkiv.catalog.records.drafts import party
from samarkiv.catalog.records.personal_ids import (
    ORGANISATIONSNUMMER,
    PERSONNUMMER,
    SAMORDNINGSNUMMER,
    classify,
    find_personal_ids,
    luhn_valid,
)

TODAY = dt.date(2024, 5, 2)


@pytest.mark.parametrize(
    ("value", "kind", "normalised"),
    [
        ("19121212-1212", PERSONNUMMER, "19121212-1212"),  # Skatteverket's test number
        ("191212121212", PERSONNUMMER, "19121212-1212"),
        ("121212-1212", PERSONNUMMER, "20121212-1212"),  # ten digits: the latest century
        ("121212+1212", PERSONNUMMER, "19121212-1212"),  # '+': a hundred years or older
        ("19851272-2383", SAMORDNINGSNUMMER, "19851272-2383"),  # day + 60
        ("556677-8899", ORGANISATIONSNUMMER, "556677-8899"),
        ("212000-1124", ORGANISATIONSNUMMER, "212000-1124"),  # a municipality
        (" 19850312-2387 ", PERSONNUMMER, "19850312-2387"),
    ],
)
def test_valid_numbers_are_classified_and_normalised(value, kind, normalised):
    number = classify(value, today=TODAY)
    assert number is not None
    assert (number.kind, number.value) == (kind, normalised)
    assert number.personal == (kind != ORGANISATIONSNUMMER)


@pytest.mark.parametrize(
    "value",
    [
        "19121212-1213",  # wrong check digit
        "19121312-1211",  # month 13
        "19120230-1212",  # 30 February
        "20300101-1232",  # born in the future (the check digit is right)
        "BN 2023/145",
        "2023-03-14",
        "0415-378000",
        "12345",
    ],
)
def test_lookalikes_are_not_identity_numbers(value):
    assert classify(value, today=TODAY) is None


def test_luhn():
    assert luhn_valid("1212121212") and not luhn_valid("1212121213")


def test_personal_ids_are_found_in_free_text_but_not_dates_and_diary_numbers():
    text = (
        "Ärende BN 2023/145, registrerat 2023-03-14. Sökanden 19121212-1212 och hennes "
        "granne (8503122387) yttrade sig; Stenby Bygg AB 556677-8899 är ombud. Tel 0415-378000."
    )
    assert find_personal_ids(text) == ["19121212-1212", "19850312-2387"]
    assert find_personal_ids("löpnummer 191212121212345") == []  # inside a longer number


def test_parties_are_personal_data_only_for_private_persons():
    person = party("Tolvan Tolvansson", "Sökande", "19121212-1212")
    assert person["personal_data"] and person["personal_id"] == "19121212-1212"
    company = party("Stenby Bygg AB", "Ombud", "556677-8899")
    assert not company["personal_data"] and company["organisation_number"] == "556677-8899"
    protected = party("Skyddad person", "Sökande", protected=True)
    assert protected["personal_data"] and protected["protected_identity"]
    assert party("Okänd", "Sökande", "K-123")["identifier"] == "K-123"
