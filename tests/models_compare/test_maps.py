"""Maps and charts: the world map by date, its accessibility, the over-time counts and CSV,
the regime band, query budgets and bad input. Data comes from the factories."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jurisdictions.counts import counts_of_rows, counts_over_time, model_names, regime_rows
from jurisdictions.data_version import forget_data_version
from jurisdictions.dataset import read_dataset
from jurisdictions.models import RegimePeriod
from models_compare import exports, geography
from models_compare.charts import (
    NO_DATA,
    map_areas,
    models_over_time,
    regime_band_svg,
    year_end,
    year_links,
)
from models_compare.geography import world_shapes
from tests.factories import JurisdictionFactory, RegimePeriodFactory, legal_model
from tests.shared_data import make_sweden, shared_copy, shared_per_module

pytestmark = pytest.mark.django_db

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"


def build_reformers():
    """Sweden (partial → Nordic 1 January 1999), New Zealand (partial → decriminalisation
    28 June 2003), Belgium (partial → decriminalisation 1 June 2022), the United States
    (varies, with one state that does not count as a country), and Greenland-less data."""
    sweden = make_sweden()
    nz = JurisdictionFactory(name="New Zealand", slug="new-zealand", iso_code="NZ", region="oceania")
    RegimePeriodFactory(
        jurisdiction=nz,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(2003, 6, 28),
        in_force_before_start=True,
    )
    RegimePeriodFactory(jurisdiction=nz, start_date=D(2003, 6, 28))
    belgium = JurisdictionFactory(name="Belgium", slug="belgium", iso_code="BE")
    RegimePeriodFactory(
        jurisdiction=belgium,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(2022, 6, 1),
        in_force_before_start=True,
    )
    RegimePeriodFactory(jurisdiction=belgium, start_date=D(2022, 6, 1))
    usa = JurisdictionFactory(name="United States", slug="united-states", iso_code="US", region="americas")
    RegimePeriodFactory(
        jurisdiction=usa,
        legal_model=None,
        varies_within=True,
        start_date=D(1990, 1, 1),
        in_force_before_start=True,
        treatment_of_workers="",
        treatment_of_clients="",
        treatment_of_third_parties="",
    )
    nevada = JurisdictionFactory(
        name="Nevada", slug="nevada", iso_code="US-NV", kind="state", parent=usa, region="americas"
    )
    RegimePeriodFactory(jurisdiction=nevada, legal_model=legal_model("legalization"), start_date=D(1990, 1, 1))
    return {"sweden": sweden, "new-zealand": nz, "belgium": belgium, "united-states": usa}


shared_reformers = shared_per_module(build_reformers)


@pytest.fixture
def reformers(shared_reformers, db):
    """The rows of ``build_reformers()``, written once for this module (see ``shared_per_module``)."""
    return shared_copy(shared_reformers)


def map_svg(client, as_of=None) -> ET.Element:
    """The standalone map for a date, parsed as XML (which it must be)."""
    response = client.get(reverse("models_compare:map_svg"), {"as_of": as_of} if as_of else {})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    return ET.fromstring(response.content)


def country_links(svg: ET.Element) -> dict[str, ET.Element]:
    """Each country's element (an <a> or a <g role=img>) keyed by the name its label starts with."""
    group = svg.find(f".//{SVG}g[@class='wm-countries']")
    assert group is not None
    return {element.get("aria-label", "").split(" — ")[0]: element for element in group}


def title_of(element: ET.Element) -> str:
    title = element.find(f"{SVG}title")
    assert title is not None and title.text is not None
    return title.text


def first_match(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.S)
    assert found is not None, pattern
    return found.group(0)


def fill_of(element: ET.Element) -> str:
    shape = element.find(f"{SVG}path")
    if shape is None:
        shape = element.find(f"{SVG}circle")
    assert shape is not None
    return shape.get("fill", "")


class TestMapColours:
    @pytest.mark.parametrize(
        "as_of,model",
        [
            ("1998-12-31", "partial_criminalization"),
            ("1999-01-01", "nordic"),
            ("2000-12-31", "nordic"),
        ],
    )
    def test_sweden_is_nordic_from_1999(self, client, reformers, as_of, model):
        sweden = country_links(map_svg(client, as_of))["Sweden"]
        assert fill_of(sweden) == f"url(#wm-{model})"

    @pytest.mark.parametrize(
        "as_of,model",
        [
            ("2002-12-31", "partial_criminalization"),
            ("2003-06-27", "partial_criminalization"),
            ("2003-06-28", "decriminalization"),
            ("2003-12-31", "decriminalization"),
        ],
    )
    def test_new_zealand_decriminalised_in_2003(self, client, reformers, as_of, model):
        assert fill_of(country_links(map_svg(client, as_of))["New Zealand"]) == f"url(#wm-{model})"

    @pytest.mark.parametrize(
        "as_of,model",
        [
            ("2021-12-31", "partial_criminalization"),
            ("2022-05-31", "partial_criminalization"),
            ("2022-06-01", "decriminalization"),
            ("2022-12-31", "decriminalization"),
        ],
    )
    def test_belgium_decriminalised_in_2022(self, client, reformers, as_of, model):
        assert fill_of(country_links(map_svg(client, as_of))["Belgium"]) == f"url(#wm-{model})"

    def test_accessible_name_says_model_and_since_when(self, client, reformers):
        sweden = country_links(map_svg(client, "2000-12-31"))["Sweden"]
        assert sweden.get("aria-label") == "Sweden — Nordic model since 1 January 1999"
        assert title_of(sweden) == "Sweden — Nordic model since 1 January 1999"
        assert sweden.get("href") == "/jurisdictions/sweden/?as_of=2000-12-31"

    def test_varies_country_has_the_varies_pattern_and_links_to_its_units(self, client, reformers):
        usa = country_links(map_svg(client))["United States"]
        assert fill_of(usa) == "url(#wm-varies)"
        assert usa.get("href") == "/jurisdictions/united-states/"
        assert "varies within" in usa.get("aria-label", "")

    def test_country_without_record_is_grey_with_no_data_and_no_link(self, client, reformers):
        greenland = country_links(map_svg(client))["Greenland"]
        assert greenland.tag == f"{SVG}g" and greenland.get("role") == "img"
        assert greenland.get("aria-label") == "Greenland — no data"
        assert fill_of(greenland) == "#d4d4d4"

    def test_territory_with_a_parent_is_coloured_by_its_own_law(self, reformers):
        china = JurisdictionFactory(name="China", slug="china", iso_code="CN", region="asia")
        hong_kong = JurisdictionFactory(
            name="Hong Kong", slug="hong-kong", iso_code="HK", kind="territory", parent=china, region="asia"
        )
        RegimePeriodFactory(
            jurisdiction=hong_kong, legal_model=legal_model("partial_criminalization"), start_date=D(1990, 1, 1)
        )
        areas = {area.code: area for area in map_areas(as_of=D(2020, 1, 1))[0]}
        assert areas["HK"].category == "partial_criminalization"
        assert areas["CN"].category == NO_DATA  # a jurisdiction with no regime on that date
        # ... drawn unlike a place the atlas does not code (Greenland), by pattern and not only by its link.
        assert areas["CN"].fill == "url(#wm-none)" and areas["GL"].fill == "#d4d4d4"

    def test_drafts_are_not_on_the_map(self, reformers):
        denmark = JurisdictionFactory(name="Denmark", slug="denmark", iso_code="DK")
        RegimePeriodFactory(jurisdiction=denmark, status="draft", start_date=D(1999, 1, 1))
        areas = {area.code: area for area in map_areas(as_of=D(2020, 1, 1))[0]}
        assert areas["DK"].category == NO_DATA


class TestMapMarkup:
    def test_every_country_shape_has_an_accessible_name(self, client, reformers):
        svg = map_svg(client)
        group = svg.find(f".//{SVG}g[@class='wm-countries']")
        assert group is not None
        assert len(group) == len(world_shapes().shapes)
        for element in group:
            label = element.get("aria-label")
            assert label and " — " in label
            assert title_of(element) == label
            assert element.tag == f"{SVG}a" or element.get("role") == "img"
            assert element.findall(f"{SVG}path") or element.findall(f"{SVG}circle")

    def test_map_has_patterns_legend_and_credit(self, client, reformers):
        svg = map_svg(client, "2000-12-31")
        pattern_ids = {p.get("id") for p in svg.iter(f"{SVG}pattern")}
        assert {
            "wm-criminalization",
            "wm-partial_criminalization",
            "wm-nordic",
            "wm-legalization",
            "wm-decriminalization",
            "wm-varies",
        } <= pattern_ids
        text = "".join(svg.itertext())
        assert "Nordic model: 1" in text  # the standalone legend has counts
        assert "Natural Earth (public domain), via world-atlas (ISC)" in text

    def test_home_page_inlines_the_map_as_valid_svg_with_a_list_alternative(self, client, reformers):
        response = client.get(reverse("models_compare:home"), {"as_of": "2000-12-31"})
        html = response.content.decode()
        inline = first_match(r'<svg xmlns="http://www.w3.org/2000/svg" class="wm".*?</svg>', html)
        assert country_links(ET.fromstring(inline))["Sweden"].get("aria-label", "").endswith("since 1 January 1999")
        assert "The map as a list" in html
        assert 'href="/jurisdictions/sweden/?as_of=2000-12-31">Sweden</a>' in html
        assert "Natural Earth" in html and "world-atlas" in html

    def test_model_page_shows_the_map(self, client, reformers):
        response = client.get(reverse("models_compare:model", kwargs={"slug": "nordic"}))
        assert 'class="wm"' in response.content.decode()

    def test_year_links_run_from_1990_to_today(self, client, reformers):
        today = timezone.localdate()
        links = year_links(as_of=D(2003, 12, 31), explicit_date=True)
        assert [link.year for link in links] == list(range(1990, today.year + 1))
        assert links[0].query == "?as_of=1990-12-31"
        assert links[-1].query == "?" and links[-1].as_of == today
        assert [link.year for link in links if link.current] == [2003]
        html = client.get(reverse("models_compare:home"), {"as_of": "2003-12-31"}).content.decode()
        assert 'href="?as_of=2003-12-31" aria-current="true"' in html
        assert 'type="range"' in html and "js/map.js" in html

    def test_year_links_start_a_paged_list_again_at_its_first_page(self, client, reformers):
        html = client.get(reverse("models_compare:model", kwargs={"slug": "nordic"}), {"page": "2"}).content.decode()
        years = re.findall(r'href="(\?[^"]*)"[^>]*data-year=', html)
        assert "?as_of=2003-12-31" in years and not [query for query in years if "page" in query]

    def test_fragment_for_the_slider_has_the_map_and_list_only(self, client, reformers):
        response = client.get(reverse("models_compare:map_fragment"), {"as_of": "1998-12-31"})
        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith('<div class="map-live"') and "<html" not in html
        assert "31 December 1998" in html

    def test_svg_is_cached_per_date_and_content(self, client, reformers, django_assert_max_num_queries):
        from django.core.cache import cache

        cache.clear()
        first = client.get(reverse("models_compare:map_svg"), {"as_of": "2000-12-31"}).content
        stored = cache._cache  # type: ignore[attr-defined]  # the local-memory cache's keys (not in the stubs)
        assert any(key for key in stored if "world-map:2000-12-31" in key)
        # An edit changes what is drawn, so the cached copy is not reused.
        RegimePeriodFactory(
            jurisdiction=JurisdictionFactory(name="Denmark", slug="denmark", iso_code="DK"),
            legal_model=legal_model("nordic"),
            start_date=D(1999, 1, 1),
        )
        second = client.get(reverse("models_compare:map_svg"), {"as_of": "2000-12-31"}).content
        assert first != second and b"Denmark \xe2\x80\x94 Nordic model" in second


class TestQueryBudget:
    """The map costs the same number of queries for 5 or 60 mapped countries."""

    def count(self, client, url, params=None):
        forget_data_version()  # a cold render: nothing derived from the data is remembered
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, params or {}).status_code == 200
        return len(queries)

    @pytest.mark.parametrize(
        "name,budget",
        [
            # +1 everywhere: the data version the response cache reads (once a second in production).
            ("models_compare:map_svg", 3),
            ("models_compare:map_fragment", 3),
            ("models_compare:home", 7),  # with "Coming up": later events and periods
        ],
    )
    def test_map_pages_have_a_fixed_budget(self, client, reformers, name, budget, django_assert_max_num_queries):
        url = reverse(name)
        before = self.count(client, url, {"as_of": "2001-12-31"})
        codes = [shape.code for shape in world_shapes().shapes if shape.code][:60]
        for n, code in enumerate(c for c in codes if c not in {"SE", "NZ", "BE", "US"}):
            RegimePeriodFactory(
                jurisdiction=JurisdictionFactory(iso_code=code, region="africa"),
                start_date=D(1995 + n % 20, 1, 1),
                legal_model=legal_model("criminalization"),
            )
        with django_assert_max_num_queries(budget):
            assert client.get(url, {"as_of": "2002-12-31"}).status_code == 200
        assert self.count(client, url, {"as_of": "2003-12-31"}) == before

    def test_model_page_budget_is_unchanged_by_the_map(self, client, reformers, django_assert_max_num_queries):
        # The page's three queries, plus the dataset version its "Cite this page" reads and the
        # data version the response cache reads.
        with django_assert_max_num_queries(5):
            assert client.get(reverse("models_compare:model", kwargs={"slug": "nordic"})).status_code == 200


class TestModelsOverTime:
    @pytest.fixture
    def data(self, reformers):
        JurisdictionFactory(name="Atlantis", slug="atlantis", iso_code="")  # a root with no record
        draft = JurisdictionFactory(name="Draftland", slug="draftland")
        RegimePeriodFactory(jurisdiction=draft, status="draft", start_date=D(1990, 1, 1))
        return reformers

    def counts(self, year):
        return next(y for y in models_over_time().years if y.year == year).counts

    def test_counts_countries_only_as_of_31_december(self, data):
        # Sweden, New Zealand, Belgium, the United States (varies), Atlantis and Draftland (none).
        c1998 = self.counts(1998)
        assert c1998["partial_criminalization"] == 3 and c1998["nordic"] == 0
        assert c1998["varies"] == 1 and c1998["none"] == 2 and c1998["legalization"] == 0  # not Nevada
        assert self.counts(1999)["nordic"] == 1
        assert self.counts(2002)["decriminalization"] == 0
        assert self.counts(2003)["decriminalization"] == 1
        assert self.counts(2021)["decriminalization"] == 1
        assert self.counts(2022)["decriminalization"] == 2 and self.counts(2022)["partial_criminalization"] == 0
        assert {sum(year.counts.values()) for year in models_over_time().years} == {6}

    def test_the_database_counts_as_the_map_does_on_every_date(self, data):
        """counts_over_time (one SQL query for every date) against counts_of_rows (with_regime per date)."""
        dates = [D(1990, 1, 1), D(1998, 12, 31), D(1999, 1, 1), D(2003, 6, 28), D(2022, 12, 31), timezone.localdate()]
        names = model_names()
        over_time = counts_over_time(dates=dates, models=names)
        assert over_time == [counts_of_rows(regime_rows(as_of=at), names) for at in dates]

    def test_years_run_from_1990_to_today(self, data):
        today = timezone.localdate()
        years = models_over_time().years
        assert years[0].year == 1990 and years[0].as_of == D(1990, 12, 31)
        assert years[-1].year == today.year and years[-1].as_of == today
        assert year_end(2003) == D(2003, 12, 31)

    def test_csv_has_one_row_per_year(self, client, data):
        response = client.get(reverse("models_compare:over_time_csv"))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert response.content.startswith(exports.BOM.encode())  # as every CSV download
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert len(rows) == timezone.localdate().year - 1990 + 1
        plain = client.get(reverse("models_compare:over_time_csv"), {"bom": "0"}).content
        assert plain == response.content[len(exports.BOM.encode()) :]
        assert client.get(reverse("models_compare:over_time_csv"), {"bom": "maybe"}).status_code == 400
        by_year = {row["year"]: row for row in rows}
        assert by_year["2003"]["as_of"] == "2003-12-31"
        assert (
            by_year["2003"]["decriminalization"],
            by_year["2003"]["nordic"],
            by_year["2003"]["partial_criminalization"],
        ) == ("1", "1", "1")
        assert by_year["2022"]["decriminalization"] == "2" and by_year["2022"]["total"] == "6"

    def test_page_has_chart_table_and_csv_link(self, client, data):
        response = client.get(reverse("models_compare:over_time"))
        html = response.content.decode()
        assert response.status_code == 200
        chart = first_match(r'<svg xmlns="http://www.w3.org/2000/svg" class="chart".*?</svg>', html)
        root = ET.fromstring(chart)
        assert root.get("role") == "img" and title_of(root).startswith("Countries under each")
        assert "Countries" in "".join(root.itertext()) and "Year (law on 31 December" in "".join(root.itertext())
        assert reverse("models_compare:over_time_csv") in html
        assert "<table" in html and "jurisdiction without a parent" in html.replace("\n", " ").replace("  ", " ")

    def test_linked_from_home_and_models(self, client, data):
        url = reverse("models_compare:over_time")
        assert url in client.get(reverse("models_compare:home")).content.decode()
        assert url in client.get(reverse("models_compare:models")).content.decode()

    def test_query_count_is_fixed(self, client, data, django_assert_max_num_queries):
        for n in range(30):
            RegimePeriodFactory(jurisdiction=JurisdictionFactory(), start_date=D(1990 + n, 1, 1))
        # The data version read by the response cache, the model names, and the count (its longer
        # statement timeout set in a block: a savepoint inside the test's transaction).
        with django_assert_max_num_queries(6):
            client.get(reverse("models_compare:over_time"))
        with django_assert_max_num_queries(6):
            client.get(reverse("models_compare:over_time_csv"))


class TestRegimeBand:
    def test_jurisdiction_page_has_a_labelled_band(self, client, reformers):
        html = client.get(reverse("jurisdictions:detail", kwargs={"slug": "sweden"})).content.decode()
        band = first_match(r'<svg xmlns="http://www.w3.org/2000/svg" class="band".*?</g></svg>', html)
        root = ET.fromstring(band)
        texts = [t.text for t in root.iter(f"{SVG}text")]
        assert "Partial criminalisation, before 1990 – 1999" in texts
        assert "Nordic model, 1999 – today" in texts
        assert {r.get("fill") for r in root.iter(f"{SVG}rect")} >= {
            "url(#band-nordic)",
            "url(#band-partial_criminalization)",
        }

    def test_drafts_are_left_out_of_the_band(self, reformers):
        # Editors' previews load drafts too; the band shows only what the public sees.
        draft = RegimePeriodFactory(
            jurisdiction=reformers["belgium"],
            status="draft",
            legal_model=legal_model("nordic"),
            start_date=D(2024, 1, 1),
        )
        periods = list(RegimePeriod.objects.filter(jurisdiction=reformers["belgium"]).select_related("legal_model"))
        assert draft in periods
        band = str(regime_band_svg(periods))
        assert "Nordic model" not in band and "Decriminalisation, 2022 – today" in band


@pytest.mark.parametrize("name", ["models_compare:home", "models_compare:map_fragment", "models_compare:map_svg"])
@pytest.mark.parametrize("as_of", ["1989-12-31", "2999-01-01", "yesterday", "2003-02-30"])
def test_bad_as_of_is_a_400(client, reformers, name, as_of):
    response = client.get(reverse(name), {"as_of": as_of})
    assert response.status_code == 400
    assert b"1990" in response.content or b"YYYY-MM-DD" in response.content


def test_bad_as_of_on_a_model_page_is_a_400(client, reformers):
    assert client.get(reverse("models_compare:model", kwargs={"slug": "nordic"}), {"as_of": "x"}).status_code == 400


class TestGeography:
    def test_arcs_are_delta_decoded_and_dequantized(self):
        topology = {"transform": {"scale": [0.5, 0.25], "translate": [-10, 5]}, "arcs": [[[2, 4], [1, -2], [3, 0]]]}
        assert geography.decode_arcs(topology) == [[(-9.0, 6.0), (-8.5, 5.5), (-7.0, 5.5)]]

    def test_natural_earth_projection_is_symmetric_and_bounded(self):
        x, y = geography.natural_earth(180, 90)
        assert geography.natural_earth(-180, -90) == (-x, -y)
        assert geography.natural_earth(0, 0) == (0, 0)
        assert geography.natural_earth(180, 0)[0] == pytest.approx(0.8707 * 3.141592653589793)
        assert 1.42 < y < 1.43 and x < geography.natural_earth(180, 0)[0]  # the pole is a shorter line

    def test_ring_crossing_the_antimeridian_is_split(self):
        ring = [(170.0, 60.0), (-170.0, 60.0), (-170.0, 70.0), (170.0, 70.0)]
        assert geography.crosses_antimeridian(ring)
        sides = geography.split_at_antimeridian(ring)
        assert len(sides) == 2
        assert all(-180 <= lon <= 180 for side in sides for lon, _ in side)

    def test_iso_numeric_codes_map_to_alpha_2_and_kosovo_by_name(self):
        shapes = {shape.code: shape for shape in world_shapes().shapes if shape.code}
        for code in ["SE", "NZ", "BE", "US", "AU", "GB", "FM", "TW", "HK", "MO", "PS", "XK", "MT", "SG", "TV"]:
            assert code in shapes, code
        assert "AQ" not in shapes  # Antarctica is left out
        assert shapes["MT"].dot is not None  # too small to see: also drawn as a dot

    @pytest.mark.slow  # reads the whole curated dataset
    def test_every_country_of_the_dataset_has_a_shape(self):
        dataset = read_dataset(settings.ATLAS_FIXTURES_DIR)
        codes = {record.iso_code for record in dataset.jurisdictions.values() if len(record.iso_code) == 2}
        assert codes - {shape.code for shape in world_shapes().shapes} == set()

    def test_map_stays_small(self, client, reformers):
        size = len(client.get(reverse("models_compare:map_svg")).content)
        assert size < 400_000


def test_missing_map_data_is_a_system_check_error(settings, tmp_path):
    from models_compare.checks import map_data_installed

    assert map_data_installed(None) == []
    settings.BASE_DIR = tmp_path
    errors = map_data_installed(None)
    assert [error.id for error in errors] == ["models_compare.E001"]
    assert "npm ci" in errors[0].hint
