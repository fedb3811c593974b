"""The panel exports (periods, events, jurisdiction-year) against the curated records of Sweden and
Belgium, the spreadsheet-friendly CSV, pagination and bad input."""

import csv
import io
import json
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jurisdictions.dataset import read_dataset
from jurisdictions.services import load_dataset
from tests.factories import JurisdictionFactory, RegimePeriodFactory
from tests.shared_data import shared_per_module

pytestmark = pytest.mark.django_db

CURATED = ["europe/sweden.yaml", "europe/belgium.yaml"]


def load_curated() -> None:
    """Sweden's and Belgium's records exactly as the curated dataset has them."""
    with tempfile.TemporaryDirectory() as folder:
        for name in CURATED:
            target = Path(folder) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(Path(settings.ATLAS_FIXTURES_DIR) / name, target)
        load_dataset(read_dataset(Path(folder)))


shared_curated = shared_per_module(load_curated)


@pytest.fixture
def curated(shared_curated, db):
    """The records of ``load_curated()``, written once for this module (see ``shared_per_module``)."""


def get_json(client, name, **params):
    response = client.get(reverse(f"models_compare:{name}"), params)
    assert response.status_code == 200, response.content if not response.streaming else ""
    # Streamed, or a whole-dataset file (with its own validators; kept whole when small).
    assert response.streaming or response["ETag"].startswith('"')
    return json.loads(response.getvalue())


def get_csv(client, name, **params):
    response = client.get(reverse(f"models_compare:{name}"), params)
    assert response.status_code == 200
    body = response.getvalue()
    return body, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


class TestPeriods:
    def test_swedens_periods(self, client, curated):
        data = get_json(client, "periods_json", q="sweden")
        assert data["count"] == 2 and data["schema_version"]
        before, nordic = data["results"]
        assert (before["start_date"], before["end_date"], before["began_earlier"]) == ("1990-01-01", "1999-01-01", True)
        assert (before["legal_model"], before["workers"], before["clients"], before["third_parties"]) == (
            "partial_criminalization",
            "legal",
            "legal",
            "criminalized",
        )
        assert before["brothels"] == "criminal_offence" and before["brothels_label"] == "Criminal offence"
        assert (nordic["start_date"], nordic["end_date"], nordic["began_earlier"]) == ("1999-01-01", None, False)
        assert (nordic["legal_model"], nordic["legal_model_label"], nordic["clients"]) == (
            "nordic",
            "Nordic model",
            "criminalized",
        )
        assert nordic["enacted_by"] == "sweden-1999-sex-purchase-act-in-force"
        assert nordic["confidence"] == "high" and nordic["needs_review"] is False
        assert (
            "https://www.riksdagen.se/sv/dokument-och-lagar/dokument/svensk-forfattningssamling/"
            "brottsbalk-1962700_sfs-1962-700/" in nordic["sources"]
        )

    def test_belgiums_periods_in_csv(self, client, curated):
        _body, rows = get_csv(client, "periods_csv", q="belgium")
        assert [(r["start_date"], r["end_date"], r["legal_model"]) for r in rows] == [
            ("1990-01-01", "2022-06-01", "partial_criminalization"),
            ("2022-06-01", "", "decriminalization"),
        ]
        reform = rows[1]
        assert (reform["workers"], reform["clients"], reform["third_parties"]) == ("legal", "legal", "regulated")
        assert reform["third_parties_label"] == "Regulated (legal only within licensing)"
        assert reform["began_earlier"] == "false" and rows[0]["began_earlier"] == "true"
        assert reform["enacted_by"] == "belgium-2022-reform-in-force"
        assert "https://refli.be/fr/lex/2022031330" in reform["sources"].split(" ")
        assert len(reform["sources"].split(" ")) == 7

    def test_browse_filters_choose_the_jurisdictions(self, client, curated):
        data = get_json(client, "periods_json", legal_model="nordic")
        assert {row["jurisdiction"] for row in data["results"]} == {"sweden"}
        data = get_json(client, "periods_json", legal_model="nordic", as_of="1998-12-31")
        assert data["results"] == []


class TestEvents:
    def test_belgiums_2022_events(self, client, curated):
        data = get_json(client, "events_json", jurisdiction="belgium", date_from="2022-01-01", date_to="2022-12-31")
        assert [(r["date"], r["kind"], r["slug"]) for r in data["results"]] == [
            ("2022-03-17", "law_passed", "belgium-2022-sexual-criminal-law-reform-passed"),
            ("2022-06-01", "law_in_force", "belgium-2022-reform-in-force"),
        ]
        passed, in_force = data["results"]
        assert passed["began_regime"] is False and in_force["began_regime"] is True
        assert in_force["kind_label"] == "Law in force" and in_force["date_precision"] == "day"
        assert in_force["jurisdiction_name"] == "Belgium" and in_force["iso_code"] == "BE"
        assert "https://refli.be/fr/lex/2022031330" in in_force["sources"]

    def test_events_csv_has_the_same_rows(self, client, curated):
        _, rows = get_csv(client, "events_csv", jurisdiction="belgium", date_from="2022-01-01", date_to="2022-12-31")
        assert [r["slug"] for r in rows] == [
            "belgium-2022-sexual-criminal-law-reform-passed",
            "belgium-2022-reform-in-force",
        ]
        assert rows[1]["began_regime"] == "true" and rows[0]["needs_review"] == "false"


class TestPanel:
    def test_one_row_per_jurisdiction_and_year(self, client, curated):
        data = get_json(client, "panel_json", **{"from": "1998", "to": "2000", "q": "sweden"})
        assert [(r["year"], r["as_of"], r["legal_model"]) for r in data["results"]] == [
            (1998, "1998-12-31", "partial_criminalization"),
            (1999, "1999-12-31", "nordic"),
            (2000, "2000-12-31", "nordic"),
        ]
        assert data["count"] == 3 and (data["from"], data["to"]) == (1998, 2000)

    def test_belgium_changes_in_2022(self, client, curated):
        _, rows = get_csv(client, "panel_csv", **{"from": "2021", "to": "2023"})
        belgium = [(r["year"], r["legal_model"], r["regime_since"]) for r in rows if r["jurisdiction"] == "belgium"]
        assert belgium == [
            ("2021", "partial_criminalization", "1990-01-01"),
            ("2022", "decriminalization", "2022-06-01"),
            ("2023", "decriminalization", "2022-06-01"),
        ]
        assert {r["jurisdiction"] for r in rows} == {"belgium", "sweden"}

    def test_defaults_to_1990_through_this_year(self, client, curated):
        data = get_json(client, "panel_json", q="sweden")
        this_year = timezone.localdate().year
        assert [r["year"] for r in data["results"]] == list(range(1990, this_year + 1))
        assert data["results"][-1]["as_of"] == timezone.localdate().isoformat()

    def test_jurisdiction_without_a_regime_still_has_rows(self, client, curated):
        JurisdictionFactory(name="Nowhere", slug="nowhere")
        data = get_json(client, "panel_json", **{"from": "2000", "to": "2001", "q": "nowhere"})
        assert [(r["year"], r["legal_model"], r["workers"]) for r in data["results"]] == [
            (2000, None, None),
            (2001, None, None),
        ]

    @pytest.mark.parametrize(
        "params",
        [
            {"from": "1989"},
            {"to": "3000"},
            {"from": "2010", "to": "2000"},
            {"from": "abc"},
            {"from": "9" * 50},
            {"to": "-1"},
            {"from": "2000", "region": "atlantis"},
        ],
    )
    def test_bad_range_is_a_400_with_reasons(self, client, curated, params):
        for name in ("panel_csv", "panel_json"):
            response = client.get(reverse(f"models_compare:{name}"), params)
            assert response.status_code == 400
            assert json.loads(response.content)["errors"]


class TestSpreadsheetCsv:
    def test_csv_starts_with_a_bom_and_reads_as_utf8(self, client, curated):
        JurisdictionFactory(name="Côte d’Ivoire", slug="cote-d-ivoire", iso_code="CI", region="africa")
        body, rows = get_csv(client, "export_csv")
        assert body.startswith(b"\xef\xbb\xbf")
        assert "Côte d’Ivoire" in {row["name"] for row in rows}
        assert next(iter(rows[0])) == "slug"  # the BOM is not read into the first column's name

    def test_bom_can_be_left_out(self, client, curated):
        response = client.get(reverse("models_compare:export_csv"), {"bom": "0"})
        assert response.getvalue().startswith(b"slug,")

    def test_booleans_lowercase_labels_and_as_of(self, client, curated):
        _, rows = get_csv(client, "export_csv", as_of="2000-06-30")
        sweden = next(row for row in rows if row["slug"] == "sweden")
        assert sweden["as_of"] == "2000-06-30"
        assert sweden["regime_began_earlier"] == "false"
        assert (sweden["legal_model"], sweden["legal_model_label"]) == ("nordic", "Nordic model")
        assert (sweden["kind_label"], sweden["region_label"]) == ("Country", "Europe")
        belgium = next(row for row in rows if row["slug"] == "belgium")
        assert belgium["regime_began_earlier"] == "true"

    def test_every_csv_is_excel_friendly(self, client, curated):
        for name in ("export_csv", "periods_csv", "events_csv", "panel_csv"):
            body, rows = get_csv(client, name)
            assert body.startswith(b"\xef\xbb\xbf") and rows, name
            values = {value for row in rows for value in row.values()}
            assert not values & {"True", "False", "None"}, name


class TestPagination:
    def test_pages_cover_every_row_once(self, client, curated):
        for n in range(5):
            RegimePeriodFactory(jurisdiction=JurisdictionFactory(name=f"Place {n}"))
        everything = get_json(client, "periods_json")["results"]
        first = get_json(client, "periods_json", page=1, page_size=3)
        assert first["count"] == len(everything) == 9 and first["pages"] == 3
        assert first["previous"] is None and "page=2" in first["next"]
        pages = [first] + [get_json(client, "periods_json", page=n, page_size=3) for n in (2, 3)]
        assert [row for page in pages for row in page["results"]] == everything
        assert pages[-1]["next"] is None

    @pytest.mark.parametrize(
        "params",
        [{"page": "0"}, {"page": "x"}, {"page_size": "0"}, {"page": "1", "page_size": "999999"}, {"bom": "maybe"}],
    )
    def test_bad_options_are_a_400(self, client, curated, params):
        assert client.get(reverse("models_compare:periods_json"), params).status_code == 400

    def test_page_past_the_end_is_a_404(self, client, curated):
        response = client.get(reverse("models_compare:events_json"), {"page": "99"})
        assert response.status_code == 404 and "page" in json.loads(response.content)["errors"]


def test_exports_stream_in_a_fixed_number_of_queries(client, curated, django_assert_max_num_queries):
    for _n in range(30):
        RegimePeriodFactory(jurisdiction=JurisdictionFactory())
    for name in ("export_json", "periods_json", "events_json", "panel_json"):
        # Filtered: streamed (version, count, rows, sources).
        with django_assert_max_num_queries(6):
            narrowed = {"date_from": "2000-01-01"} if name == "events_json" else {"region": "europe"}
            response = client.get(reverse(f"models_compare:{name}"), narrowed)
            response.getvalue()
        # Whole: the first request writes the file (the size, a savepoint, the snapshot's
        # version, the count, rows, sources), the next ones read it from disk.
        with django_assert_max_num_queries(8):
            response = client.get(reverse(f"models_compare:{name}"))
            response.getvalue()
        with django_assert_max_num_queries(1):
            response = client.get(reverse(f"models_compare:{name}"))
            response.getvalue()


@pytest.mark.parametrize(
    "url",
    [
        "/periods/export.csv?region=%00",
        "/periods/export.json?q=" + "x" * 5000,
        "/events/export.json?page=%00",
        "/events/export.csv?kind=%00&date_from=0001-01-01",
        "/jurisdictions/panel.csv?from=%00",
        "/jurisdictions/panel.json?to=1e9",
        "/jurisdictions/panel.json?from=2000&from=2001",
        "/jurisdictions/export.json?page_size=%00",
        "/codebook/?as_of=%00",
        "/codebook.md?x=%00",
        "/api/openapi.json?x=%00",
    ],
)
def test_hostile_query_strings_get_a_4xx_or_a_file_never_a_500(client, curated, url):
    response = client.get(url)
    assert response.status_code < 500
    assert b"Traceback" not in response.getvalue()
