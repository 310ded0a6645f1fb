"""One plan, whatever file it comes in: the Beauce plan (seed 001) as text, Word, PDF and
OpenDocument, and the PARI (seed 004) as text and Word, import to the same open data."""

from pathlib import Path

import pytest
from django.conf import settings

from actionplans.exports.plan import plan_data
from actionplans.imports.documents import import_document, preview_document

PLANS = Path(settings.BASE_DIR) / "fixtures" / "plans"
BEAUCE_SHADED = {"1.3.3", "1.3.4"}  # the grey rows of the Word file, outside the PAC request


def imported(table, name):
    preview = preview_document(data=(PLANS / name).read_bytes())
    plan = import_document(table=table, preview=preview, title="Plan", slug=name.replace(".", "-"))
    data = plan_data(plan)
    del data["slug"]
    return data


def measures(data):
    return {
        measure["number"]: measure
        for axis in data["axes"]
        for objective in axis["objectives"]
        for measure in objective["measures"]
    }


def without_outside_pac(data):
    for measure in measures(data).values():
        measure.pop("outside_pac", None)
    return data


@pytest.fixture
def beauce_text(table_a):
    return imported(table_a, "beauce-2022-2025.txt")


def test_the_beauce_text_holds_the_document(beauce_text):
    assert len(beauce_text["axes"]) == 4
    assert sum(len(axis["objectives"]) for axis in beauce_text["axes"]) == 9
    by_number = measures(beauce_text)
    assert len(by_number) == 27
    assert by_number["1.1.1"]["budget"] == {
        "staff_amount": 11340,
        "staff_hours": 90,
        "other_amount": 6000,
        "total": 17340,
        "funding_sources": [],
    }
    assert by_number["2.2.7"]["indicators"][0]["targets"] == [
        {"year": 1, "value": 1, "text": "1 présentation"},
        {"year": 2, "value": 1, "text": "1 présentation"},
        {"year": 3, "value": 1, "text": "1 présentation"},
    ]
    assert beauce_text["budget"]["total"] == 259955
    assert not any(measure["outside_pac"] for measure in by_number.values())


# Cells where the Word file puts one indicator per line, which the text copy ran together:
# the files give one indicator per line, the text one indicator for the whole cell.
ONE_INDICATOR_PER_LINE = {"2.1.1", "2.1.3", "2.1.4", "2.2.2", "3.1.1"}


def labels(measure):
    return " ".join(indicator["label"] for indicator in measure["indicators"])


@pytest.mark.parametrize(
    "name", ["beauce-2022-2025.docx", "beauce-2022-2025.pdf", "beauce-2022-2025.odt"]
)
def test_the_beauce_files_import_as_the_text_does(table_a, beauce_text, name):
    data = imported(table_a, name)
    flagged = {number for number, measure in measures(data).items() if measure["outside_pac"]}
    assert flagged == BEAUCE_SHADED
    from_file, from_text = measures(data), measures(beauce_text)
    for number in ONE_INDICATOR_PER_LINE:
        assert labels(from_file[number]) == labels(from_text[number])
        from_file[number].pop("indicators"), from_text[number].pop("indicators")
    assert without_outside_pac(data) == without_outside_pac(beauce_text)


@pytest.mark.parametrize(
    "name", ["beauce-2022-2025.docx", "beauce-2022-2025.pdf", "beauce-2022-2025.odt"]
)
def test_a_line_per_indicator_gives_each_its_target(table_a, name):
    guides = measures(imported(table_a, name))["2.1.1"]["indicators"]
    assert [(i["label"], [t["text"] for t in i["targets"]]) for i in guides] == [
        ("Nb de guides", ["1 par SAIM"]),
        ("Plan de diffusion", ["1 plan de diffusion"]),
    ]


def test_the_pari_word_file_imports_as_its_text_does(table_a):
    text = imported(table_a, "pari-capitale-nationale-2007-2010.txt")
    word = imported(table_a, "pari-capitale-nationale-2007-2010.docx")
    assert len(measures(text)) == 42
    assert [year["start_date"] for year in text["years"]] == [
        "2007-04-01",
        "2008-04-01",
        "2009-04-01",
    ]
    assert measures(text)["1.2"]["schedule"]["years"] == [3]
    assert word == text
