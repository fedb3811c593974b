"""Public pages: content, bad input as 4xx (never 500), and fixed query budgets."""

import csv
import datetime
import io
import json
import re

import pytest
from django.db.models import F
from django.urls import reverse

from jurisdictions.models import Jurisdiction, RegimePeriod
from models_compare import charts, views

pytestmark = pytest.mark.django_db

PAGES = [
    ("models_compare:home", {}),
    ("models_compare:browse", {}),
    ("models_compare:models", {}),
    ("models_compare:model", {"slug": "nordic"}),
    ("models_compare:events", {}),
    ("jurisdictions:detail", {"slug": "new-zealand"}),
]
# Queries per page, including the session-less middleware and the data version the response
# cache reads (once a second per process in production, every request in a test): none may
# grow with the data. Pages with "Cite this page" also read the dataset version.
QUERY_BUDGET = {
    "models_compare:home": 7,  # "Coming up" reads later events and later periods
    "models_compare:browse": 8,
    "models_compare:models": 4,
    "models_compare:model": 5,
    "models_compare:events": 5,
    "jurisdictions:detail": 9,
}


def test_pages_name_their_icon_so_browsers_do_not_ask_for_a_missing_favicon_ico(client, atlas):
    from django.contrib.staticfiles import finders

    match = re.search(r'<link rel="icon" href="/static/([^"]+)"', client.get("/").content.decode())
    assert match and finders.find(match.group(1))


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_every_page_renders(client, atlas, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_query_budget_does_not_grow_with_the_data(
    client, atlas, many_jurisdictions, name, kwargs, django_assert_max_num_queries
):
    with django_assert_max_num_queries(QUERY_BUDGET[name]):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 200


@pytest.mark.parametrize("name,kwargs", PAGES)
@pytest.mark.parametrize("as_of", ["1800-01-01", "2999-01-01", "yesterday", "2003-02-30", "%00", "9" * 400])
def test_invalid_as_of_is_a_400_with_a_message(client, atlas, name, kwargs, as_of):
    response = client.get(reverse(name, kwargs=kwargs), {"as_of": as_of})
    assert response.status_code == 400
    body = response.content.decode()
    assert "1990" in body or "YYYY-MM-DD" in body or "valid date" in body


@pytest.mark.parametrize("name,kwargs", PAGES)
def test_as_of_is_respected(client, atlas, name, kwargs):
    assert client.get(reverse(name, kwargs=kwargs), {"as_of": "2000-01-01"}).status_code == 200


@pytest.mark.parametrize(
    "url,link",
    [
        ("/jurisdictions/?as_of=2000-01-01", "/jurisdictions/sweden/?as_of=2000-01-01"),
        ("/models/?as_of=2000-01-01", "/models/nordic/?as_of=2000-01-01"),
        ("/models/nordic/?as_of=2000-01-01", "/jurisdictions/sweden/?as_of=2000-01-01"),
        ("/models/nordic/?as_of=2000-01-01", "/models/decriminalization/?as_of=2000-01-01"),
        ("/jurisdictions/federation/?as_of=2000-01-01", "/jurisdictions/province/?as_of=2000-01-01"),
        ("/jurisdictions/province/?as_of=2000-01-01", "/jurisdictions/federation/?as_of=2000-01-01"),
        ("/compare/?j=sweden@1998-01-01&j=sweden", "/jurisdictions/sweden/?as_of=1998-01-01"),
    ],
)
def test_a_page_on_a_date_links_to_places_and_models_on_that_date(client, atlas, url, link):
    """A count or a row "on 1 January 2000" leads to the same date, not to today's law."""
    assert f'href="{link}"' in client.get(url).content.decode()


@pytest.mark.parametrize(
    "url",
    ["/jurisdictions/", "/models/", "/models/nordic/", "/jurisdictions/federation/", "/compare/?j=sweden&j=belgium"],
)
def test_a_page_without_a_date_links_without_one(client, atlas, url):
    body = client.get(url).content.decode()
    assert re.search(r'href="/(jurisdictions|models)/[a-z_-]+/"', body)
    assert not re.search(r'href="/(jurisdictions|models)/[a-z_-]+/\?as_of=', body)


def test_unknown_jurisdiction_and_model_are_404(client, atlas):
    assert client.get("/jurisdictions/atlantis/").status_code == 404
    assert client.get("/models/anarchy/").status_code == 404
    assert client.get("/models/anarchy/feed/").status_code == 404
    assert client.get("/jurisdictions/atlantis/feed/").status_code == 404


class TestBrowse:
    def rows(self, client, **params):
        response = client.get(reverse("models_compare:browse"), params)
        assert response.status_code == 200, response.content
        return [j.slug for j in response.context["page_obj"]]

    def test_filter_by_several_models(self, client, atlas):
        assert set(self.rows(client, legal_model=["nordic", "decriminalization"])) == {
            "sweden",
            "new-zealand",
            "belgium",
            "province",
        }

    def test_filter_by_model_as_of_a_date(self, client, atlas):
        assert self.rows(client, legal_model="nordic", as_of="1998-12-31") == []
        assert self.rows(client, legal_model="decriminalization", as_of="2021-12-31") == ["new-zealand", "province"]

    def test_filter_varies(self, client, atlas):
        assert self.rows(client, legal_model="varies") == ["federation"]

    def test_filter_by_treatment_and_region(self, client, atlas):
        assert self.rows(client, clients="criminalized") == ["sweden"]
        assert self.rows(client, region="oceania", kind="state") == ["province"]

    def test_filter_by_parent(self, client, atlas):
        assert self.rows(client, parent="federation") == ["province"]

    def test_changed_since_year_or_date(self, client, atlas):
        assert self.rows(client, changed_since="2022") == ["belgium"]
        assert self.rows(client, changed_since="2003-06-28") == ["belgium", "new-zealand"]

    def test_text_search_over_names_and_iso_codes(self, client, atlas):
        assert self.rows(client, q="zealand") == ["new-zealand"]
        assert self.rows(client, q="be") == ["belgium"] or "belgium" in self.rows(client, q="BE")

    def test_sorting(self, client, atlas):
        assert self.rows(client, sort="-name")[0] == "sweden"
        assert self.rows(client, sort="-since")[0] == "belgium"

    def test_sorted_pages_cover_every_place_once_and_follow_a_change(self, client, atlas, many_jurisdictions):
        def sorted_pages():
            pages = [self.rows(client, sort="-since", page=str(n)) for n in (1, 2)]
            return [slug for page in pages for slug in page]

        expected = [
            j.slug
            for j in Jurisdiction.public.with_regime().order_by(F("regime_since").desc(nulls_last=True), "name", "pk")
        ]
        assert len(expected) > 50 and sorted_pages() == expected
        RegimePeriod.objects.filter(jurisdiction__slug="crowd-7").update(start_date=datetime.date(2026, 1, 1))
        assert sorted_pages()[0] == "crowd-7"

    def test_counts_per_model_follow_the_filter(self, client, atlas):
        response = client.get(reverse("models_compare:browse"), {"region": "europe"})
        counts = {c.slug: c.count for c in response.context["counts"]}
        assert counts["nordic"] == 1 and counts["decriminalization"] == 1 and counts["criminalization"] == 0

    @pytest.mark.parametrize(
        "params",
        [
            {"legal_model": "tolerance"},
            {"region": "atlantis"},
            {"workers": "free"},
            {"changed_since": "20222"},
            {"sort": "password"},
            {"parent": "nowhere"},
            {"kind": "planet"},
        ],
    )
    def test_invalid_filters_are_a_400_with_form_errors(self, client, atlas, params):
        response = client.get(reverse("models_compare:browse"), params)
        assert response.status_code == 400
        assert response.context["filter"].form.errors

    def test_page_past_the_end_shows_the_last_page(self, client, atlas):
        for page in ["999999", "-1", "abc", "9" * 100]:
            assert client.get(reverse("models_compare:browse"), {"page": page}).status_code == 200


class TestExports:
    def test_json_export_has_every_row_and_field(self, client, atlas, many_jurisdictions):
        response = client.get(reverse("models_compare:export_json"), {"as_of": "2010-01-01"})
        data = json.loads(response.getvalue())
        assert data["as_of"] == "2010-01-01" and data["count"] == len(data["results"]) == 65
        nz = next(row for row in data["results"] if row["slug"] == "new-zealand")
        assert nz["legal_model"] == "decriminalization" and nz["regime_since"] == "2003-06-28"
        assert nz["third_parties"] == "regulated" and nz["sources"][0].startswith("https://")
        assert list(nz) == [
            *("slug", "name", "iso_code", "kind", "kind_label", "parent", "region", "region_label", "as_of"),
            *("legal_model", "legal_model_label", "workers", "workers_label", "clients", "clients_label"),
            *("third_parties", "third_parties_label", "regime_since", "regime_since_precision"),
            *("regime_began_earlier", "confidence"),
            *("confidence_label", "last_reviewed", "sources"),
        ]
        assert nz["as_of"] == "2010-01-01" and nz["legal_model_label"] == "Decriminalisation"
        assert nz["regime_began_earlier"] is False
        old = json.loads(client.get(reverse("models_compare:export_json"), {"as_of": "2000-01-01"}).getvalue())
        assert next(r for r in old["results"] if r["slug"] == "new-zealand")["regime_began_earlier"] is True
        province = next(row for row in data["results"] if row["slug"] == "province")
        assert province["parent"] == "federation"
        federation = next(row for row in data["results"] if row["slug"] == "federation")
        assert federation["legal_model"] == "varies" and federation["workers"] is None

    def test_csv_export_matches_the_filter(self, client, atlas):
        response = client.get(reverse("models_compare:export_csv"), {"legal_model": "nordic"})
        rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
        assert [row["slug"] for row in rows] == ["sweden"]
        assert rows[0]["regime_since"] == "1999-01-01" and rows[0]["clients"] == "criminalized"
        assert response["Content-Disposition"].startswith("attachment;")

    def test_export_query_count_is_fixed(self, client, atlas, many_jurisdictions, django_assert_max_num_queries):
        # The first request writes the file: the data version the response cache reads, the
        # size, a savepoint around the snapshot, its version, the count, the rows and their
        # sources (one chunk each). The next ones read it from disk.
        with django_assert_max_num_queries(8):
            client.get(reverse("models_compare:export_json")).getvalue()
        with django_assert_max_num_queries(1):
            client.get(reverse("models_compare:export_json")).getvalue()
        # Filtered, streamed: the data version, the count, the rows and their sources.
        with django_assert_max_num_queries(4):
            client.get(reverse("models_compare:export_json"), {"region": "europe"}).getvalue()

    def test_invalid_export_filter_is_a_400(self, client, atlas):
        response = client.get(reverse("models_compare:export_csv"), {"as_of": "1492-10-12"})
        assert response.status_code == 400 and "as_of" in json.loads(response.content)["errors"]


class TestJurisdictionPage:
    def test_shows_regime_grid_timeline_and_sources(self, client, atlas):
        body = client.get("/jurisdictions/new-zealand/").content.decode()
        assert "Decriminalisation" in body and "Regulated (legal only within licensing)" in body
        assert "28 June 2003" in body and "25 June 2003" in body
        assert "Law passed" in body and "Law in force" in body
        assert "https://legislation.example.org/statute/" in body

    def test_year_precision_is_shown_as_a_year(self, client, atlas):
        body = client.get("/jurisdictions/belgium/").content.decode()
        assert ">2022</time>" in body and "1 January 2022" not in body
        # The machine-readable date claims no more than the printed one.
        assert '<time datetime="2022">2022</time>' in body and 'datetime="2022-01-01"' not in body

    def test_a_period_with_year_precision_prints_its_year_only(self, client, atlas):
        import datetime

        from tests.factories import JurisdictionFactory, RegimePeriodFactory, legal_model

        place = JurisdictionFactory(name="Placeholder Land", slug="placeholder-land")
        RegimePeriodFactory(
            jurisdiction=place,
            legal_model=legal_model("partial_criminalization"),
            start_date=datetime.date(1990, 1, 1),
            in_force_before_start=True,
            end_date=datetime.date(1995, 1, 1),
            end_precision="year",
            treatment_of_workers="partially_criminalized",
            treatment_of_third_parties="criminalized",
        )
        RegimePeriodFactory(jurisdiction=place, start_date=datetime.date(1995, 1, 1), start_precision="year")
        pages = {
            "detail": "/jurisdictions/placeholder-land/",
            "browse": "/jurisdictions/?q=placeholder",
            "model": "/models/decriminalization/",
            "compare": "/compare/?j=placeholder-land@1994-06-01&j=placeholder-land",
        }
        for name, url in pages.items():
            body = client.get(url).content.decode()
            assert "1995" in body, name
            assert "1 January 1995" not in body, name
        detail = client.get(pages["detail"]).content.decode()
        assert "since 1995" in detail and "until 1995" in detail and '<time datetime="1995">1995</time>' in detail
        for name in ("browse", "model"):
            assert '<time datetime="1995">1995</time>' in client.get(pages[name]).content.decode(), name
        response = client.get("/jurisdictions/export.json", {"q": "placeholder"})
        export = json.loads(response.getvalue())["results"][0]
        assert export["regime_since"] == "1995-01-01" and export["regime_since_precision"] == "year"
        response = client.get("/periods/export.json", {"q": "placeholder"})
        periods = json.loads(response.getvalue())["results"]
        assert [(p["start_precision"], p["end_precision"]) for p in periods] == [("day", "year"), ("year", None)]

    def test_as_of_shows_the_old_regime(self, client, atlas):
        response = client.get("/jurisdictions/new-zealand/", {"as_of": "2000-01-01"})
        assert response.context["page"].current.legal_model.slug == "partial_criminalization"

    def test_parent_lists_its_units(self, client, atlas):
        response = client.get("/jurisdictions/federation/")
        assert [c.slug for c in response.context["page"].children] == ["province"]

    def test_feed_lists_events_newest_first(self, client, atlas):
        body = client.get("/jurisdictions/new-zealand/feed/").content.decode()
        assert body.index("comes into force") < body.index("Parliament passes")


class TestCompare:
    def test_two_jurisdictions_side_by_side_with_differences(self, client, atlas):
        response = client.get("/compare/", {"j": ["sweden", "new-zealand"]})
        comparison = response.context["comparison"]
        assert [c.jurisdiction.slug for c in comparison.columns] == ["sweden", "new-zealand"]
        clients = next(row for row in comparison.rows if row.label == "Clients")
        assert clients.differs and "Differs" in response.content.decode()

    def test_one_place_before_and_after_a_reform(self, client, atlas):
        response = client.get("/compare/?j=belgium@2021-01-01&j=belgium")
        model_row = response.context["comparison"].rows[0]
        assert model_row.values == ["Partial criminalisation", "Decriminalisation"]

    def test_picker_dates_redirect_to_the_permalink(self, client, atlas):
        response = client.get("/compare/", {"j": ["belgium", "belgium", ""], "on": ["2021-01-01", "", ""]})
        assert response.status_code == 302
        assert response["Location"] == "/compare/?j=belgium@2021-01-01&j=belgium"

    def test_empty_compare_shows_the_picker(self, client, atlas):
        assert client.get("/compare/").status_code == 200

    @pytest.mark.parametrize(
        "query,message",
        [
            ("j=sweden", "at least 2"),
            ("j=sweden&j=atlantis", "no jurisdiction “atlantis”"),
            ("j=sweden&j=sweden", "listed twice"),
            ("j=a&j=b&j=c&j=d&j=e", "no jurisdiction"),
            ("j=sweden&j=belgium&j=new-zealand&j=federation&j=province", "at most 4"),
            ("j=sweden@1800-01-01&j=belgium", "1 January 1990"),
            ("j=sweden@2003-02-30&j=belgium", "YYYY-MM-DD"),
            ("j=<script>&j=belgium", "no jurisdiction “&lt;script&gt;”"),
        ],
    )
    def test_bad_comparisons_give_a_helpful_page(self, client, atlas, query, message):
        response = client.get(f"/compare/?{query}")
        assert response.status_code == 400
        body = response.content.decode()
        assert message in body and "<script>" not in body and "Choose" in body

    def test_compare_query_count_is_fixed(self, client, atlas, many_jurisdictions, django_assert_max_num_queries):
        with django_assert_max_num_queries(7):  # including the dataset and data versions
            client.get("/compare/?j=sweden&j=new-zealand&j=belgium&j=federation")
        # A before/after comparison adds one query: the events between the dates.
        with django_assert_max_num_queries(6):
            client.get("/compare/?j=new-zealand@2000-01-01&j=new-zealand")

    def test_differs_ignores_missing_codings(self, client, atlas):
        import datetime

        from tests.factories import JurisdictionFactory, RegimePeriodFactory

        coded = JurisdictionFactory(slug="coded-land", name="Coded Land")
        RegimePeriodFactory(jurisdiction=coded, start_date=datetime.date(2000, 1, 1), advertising="lawful")
        uncoded = JurisdictionFactory(slug="uncoded-land", name="Uncoded Land")
        RegimePeriodFactory(jurisdiction=uncoded, start_date=datetime.date(2000, 1, 1), advertising="unknown")
        comparison = client.get("/compare/?j=coded-land&j=uncoded-land").context["comparison"]
        advertising = next(row for row in comparison.rows if row.label == "Advertising")
        assert advertising.values == ["Lawful", "Not established"]
        assert advertising.incomplete and not advertising.differs
        # The same model and treatments: no coded value disagrees except the dates.
        assert [row.label for row in comparison.rows if row.differs] == []
        # A column with no regime on its date is missing too, not different.
        before = client.get("/compare/?j=coded-land@1995-01-01&j=coded-land").context["comparison"]
        assert before.difference_count == 0 and before.rows[0].values[0] == "No regime recorded on this date"

    def test_before_and_after_is_titled_by_place_and_dates(self, client, atlas):
        body = client.get("/compare/?j=belgium@2021-01-01&j=belgium").content.decode()
        assert "Belgium: 1 January 2021 and today" in body
        assert "Belgium and Belgium" not in body

    def test_model_cells_carry_their_swatch_and_name(self, client, atlas):
        body = client.get("/compare/?j=belgium@2021-01-01&j=belgium").content.decode()
        table = body.split('<table class="compare')[1].split("</table>")[0]
        assert 'class="badge model-partial_criminalization"' in table and "Partial criminalisation</span>" in table
        assert 'class="badge model-decriminalization"' in table

    def test_notes_and_events_between_the_dates_follow_the_table(self, client, atlas):
        body = client.get("/compare/?j=new-zealand@2000-01-01&j=new-zealand").content.decode()
        after_table = body.split("</table>")[1]
        assert "Events between these dates" in after_table
        assert "Parliament passes the Prostitution Reform Act 2003" in after_table
        assert "The Prostitution Reform Act 2003 comes into force" in after_table
        assert "Notes on these codings" in after_table
        other = client.get("/compare/?j=new-zealand@2004-01-01&j=new-zealand").context["comparison"]
        assert other.events_between == []


class TestModelsAndEvents:
    def test_models_page_explains_the_contested_differences(self, client, atlas):
        body = client.get("/models/").content.decode()
        for phrase in [
            "Prohibitionism",
            "Abolitionism",
            "Neo-abolitionism",
            "Regulationism",
            "still commits an offence",
            "renting premises",
            "minors are crimes",
        ]:
            assert phrase in body

    def test_model_page_lists_its_jurisdictions_as_of(self, client, atlas):
        assert [j.slug for j in client.get("/models/nordic/").context["page_obj"]] == ["sweden"]
        assert list(client.get("/models/nordic/", {"as_of": "1998-01-01"}).context["page_obj"]) == []

    def test_model_page_lists_its_jurisdictions_page_by_page(self, client, atlas, monkeypatch):
        monkeypatch.setattr(views, "PAGE_SIZE", 1)
        first = client.get("/models/decriminalization/")
        assert [j.slug for j in first.context["page_obj"]] == ["belgium"]
        assert "(page 1 of 3)" in first.content.decode() and 'rel="next"' in first.content.decode()
        second = client.get("/models/decriminalization/", {"page": "2"})
        assert [j.slug for j in second.context["page_obj"]] == ["new-zealand"]

    def test_the_map_list_names_a_few_hundred_places_per_model_and_links_the_rest(self, client, atlas, monkeypatch):
        monkeypatch.setattr(charts, "LIST_LIMIT", 1)
        text = client.get("/map/").content.decode()
        assert "And 2 more:" in text
        assert '/jurisdictions/?legal_model=decriminalization">browse all 3, page by page' in text

    def test_model_feed_lists_adoptions(self, client, atlas):
        body = client.get("/models/decriminalization/feed/").content.decode()
        assert "Belgium" in body and "New Zealand" in body

    def test_events_filter_by_kind_and_dates(self, client, atlas):
        response = client.get("/events/", {"kind": "law_passed", "date_from": "2003-01-01", "date_to": "2003-12-31"})
        assert [e.slug for e in response.context["page_obj"]] == ["nz-pra-passed"]

    def test_events_filter_model_change(self, client, atlas):
        response = client.get("/events/", {"model_change": "true"})
        assert {e.slug for e in response.context["page_obj"]} == {"nz-pra-in-force", "province-reform-in-force"}

    def test_events_reversed_range_is_a_400(self, client, atlas):
        response = client.get("/events/", {"date_from": "2010-01-01", "date_to": "2000-01-01"})
        assert response.status_code == 400 and "must not be after" in response.content.decode()

    def test_events_feed_honours_filters(self, client, atlas):
        body = client.get("/events/feed/", {"jurisdiction": "belgium"}).content.decode()
        assert "Belgium reforms" in body and "Prostitution Reform Act" not in body


def test_compare_pickers_are_prefilled_with_the_comparison(client, atlas):
    response = client.get("/compare/?j=belgium@2021-01-01&j=belgium")
    body = response.content.decode()
    assert body.count('name="j" value="Belgium"') == 2
    assert 'name="on" min="1990-01-01" value="2021-01-01"' in body
    assert "<select" not in body.split('id="picker-heading"')[1]


def test_about_page_explains_confidence_licence_and_citation(client, db):
    body = client.get("/about/").content.decode()
    for phrase in ["Low confidence", "CC BY 4.0", "Cite it as", "sexual exploitation of minors are crimes"]:
        assert phrase in body


def test_regimes_older_than_the_coverage_say_before(client, atlas):
    body = client.get("/jurisdictions/", {"as_of": "2000-01-01", "q": "zealand"}).content.decode()
    assert "Before <time" in body


HOSTILE_URLS = [
    "/jurisdictions/?q=%00",
    "/events/?jurisdiction=%00",
    "/compare/?j=%00&j=sweden",
    "/jurisdictions/?parent=%00",
    "/jurisdictions/?sort=%00",
    "/jurisdictions/?legal_model=%00",
    "/jurisdictions/export.csv?q=%00",
    "/jurisdictions/export.json?sort=-nothing",
    "/jurisdictions/?page=%00",
    "/events/?kind=%00",
    "/jurisdictions/sweden/?as_of=%00",
    "/map.svg?as_of=%00",
    "/map/?as_of=1989-12-31",
    "/jurisdictions/%00/",
    "/models/%00/",
    "/compare/?j=sweden&on=%00&j=belgium",
    "/jurisdictions/?changed_since=0000",
    "/jurisdictions/?q=" + "x" * 5000,
    "/events/?date_from=0001-01-01&date_to=9999-12-31",
    "/compare/?j=sweden@%00&j=belgium",
    "/compare/?j=" + "a" * 300 + "&j=sweden",
    "/events/feed/?kind=nonsense",
    "/models/over-time.csv?as_of=%00",
    "/jurisdictions/?as_of=2000-01-01&as_of=2001-01-01",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_query_strings_get_a_4xx_or_a_page_never_a_500(client, atlas, url):
    response = client.get(url)
    assert response.status_code < 500
    assert b"Traceback" not in response.getvalue()


def test_hostile_text_in_records_is_escaped_on_public_pages(client, db):
    from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory

    country = JurisdictionFactory(slug="ruritania", name="<script>alert('name')</script>")
    RegimePeriodFactory(jurisdiction=country, notes="<img src=x onerror=alert(1)>")
    PolicyEventFactory(jurisdiction=country, title="<b onmouseover=alert(2)>title</b>")
    for url in ["/jurisdictions/ruritania/", "/jurisdictions/", "/events/", "/events/feed/", "/"]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body and "<b onmouseover" not in body, url


def test_browse_shows_and_filters_by_confidence(client, atlas):
    import datetime

    from tests.factories import JurisdictionFactory, RegimePeriodFactory

    unsure = JurisdictionFactory(slug="unsure-land", name="Unsure Land")
    RegimePeriodFactory(jurisdiction=unsure, start_date=datetime.date(2000, 1, 1), confidence="low")
    response = client.get("/jurisdictions/", {"confidence": "low"})
    assert [j.slug for j in response.context["page_obj"]] == ["unsure-land"]
    assert '<span class="confidence confidence-low">Low</span>' in response.content.decode()
    everyone = client.get("/jurisdictions/").context["page_obj"]
    assert {j.regime_confidence for j in everyone} > {"low"}
    assert client.get("/jurisdictions/", {"confidence": "certain"}).status_code == 400


def test_an_empty_compare_page_shows_no_error(client, atlas):
    response = client.get("/compare/")
    assert response.status_code == 200 and "cannot be shown" not in response.content.decode()


@pytest.mark.parametrize(
    ("precision", "date", "printed", "machine"),
    [
        ("day", datetime.date(2003, 6, 28), "28 June 2003", "2003-06-28"),
        ("month", datetime.date(2003, 6, 1), "June 2003", "2003-06"),
        ("year", datetime.date(2003, 1, 1), "2003", "2003"),
    ],
)
def test_event_dates_are_printed_and_marked_up_at_their_precision(client, atlas, precision, date, printed, machine):
    from tests.factories import PolicyEventFactory

    PolicyEventFactory(
        jurisdiction=Jurisdiction.objects.get(slug="sweden"),
        slug="se-precision",
        date=date,
        date_precision=precision,
        title="An event dated to its precision",
    )
    for url in ("/events/", "/jurisdictions/sweden/"):
        body = client.get(url).content.decode()
        assert f'<time datetime="{machine}">{printed}</time>' in body, url


def test_a_date_after_today_is_refused_naming_today_as_the_pages_print_dates(monkeypatch):
    from django import forms

    from models_compare import as_of

    monkeypatch.setattr(as_of.timezone, "localdate", lambda: datetime.date(2026, 3, 5))
    with pytest.raises(forms.ValidationError) as refused:
        as_of.check_as_of(datetime.date(2026, 3, 6))
    assert refused.value.messages == ["Choose a date from 1 January 1990 to today (5 March 2026)."]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"Name": "ascending"}),
        ({"sort": "-since"}, {"In force since": "descending"}),
        ({"sort": "region"}, {"Region": "ascending"}),
        ({"q": "swe"}, {}),  # ranked by the search, not by a column
    ],
)
def test_browse_marks_the_column_it_is_sorted_by(client, atlas, query, expected):
    body = client.get(reverse("models_compare:browse"), query).content.decode()
    marked = dict(
        (re.sub(r"<[^>]+>", "", label), direction)
        for direction, label in re.findall(r'<th scope="col" aria-sort="(\w+)">(.*?)</th>', body)
    )
    assert marked == expected


@pytest.mark.parametrize(
    ("query", "wrong_column", "says"),
    [
        ("j=sweden&j=atlantis", 1, "There is no jurisdiction “atlantis”"),
        ("j=sweden@1800-01-01&j=belgium", 0, "The date for “sweden” is not usable"),
        ("j=&j=belgium&j=atlantis", 1, "atlantis"),  # an empty box is not a column
    ],
)
def test_a_refused_comparison_marks_the_column_that_is_wrong(client, atlas, query, wrong_column, says):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == 400
    pickers = re.findall(r"<fieldset( class=\"has-error\")?>(.*?)</fieldset>", response.content.decode(), re.S)
    assert [bool(marked) for marked, _ in pickers] == [index == wrong_column for index in range(4)]
    marked = pickers[wrong_column][1]
    assert 'aria-invalid="true"' in marked and says in marked
    assert f'aria-describedby="j-{wrong_column}-error picker-help"' in marked
