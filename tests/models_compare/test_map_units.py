"""Maps of units, region focus, low confidence, strict-CSP markup and data-derived chart geometry."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from models_compare import charts
from models_compare.geography import map_view, map_views, world_shapes
from tests.factories import JurisdictionFactory, RegimePeriodFactory, legal_model

pytestmark = pytest.mark.django_db

D = datetime.date
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def federation(db, sweden):
    """The United States (varies) with Nevada (varies) and two of its counties, and Maine
    (Nordic, low confidence); Australia coded once (not varies) with one state."""
    usa = JurisdictionFactory(name="United States", slug="united-states", iso_code="US", region="americas")
    RegimePeriodFactory(jurisdiction=usa, legal_model=None, varies_within=True, start_date=D(1990, 1, 1),
                        treatment_of_workers="", treatment_of_clients="", treatment_of_third_parties="")  # fmt: skip
    nevada = JurisdictionFactory(name="Nevada", slug="nevada", iso_code="US-NV", kind="state", parent=usa)
    RegimePeriodFactory(jurisdiction=nevada, legal_model=None, varies_within=True, start_date=D(1990, 1, 1),
                        treatment_of_workers="", treatment_of_clients="", treatment_of_third_parties="")  # fmt: skip
    for name, model in [("Storey County", "legalization"), ("Clark County", "criminalization")]:
        county = JurisdictionFactory(name=name, slug=name.lower().replace(" ", "-"), kind="county", parent=nevada)
        RegimePeriodFactory(jurisdiction=county, legal_model=legal_model(model), start_date=D(1990, 1, 1))
    maine = JurisdictionFactory(name="Maine", slug="maine", iso_code="US-ME", kind="state", parent=usa)
    RegimePeriodFactory(jurisdiction=maine, legal_model=legal_model("nordic"), start_date=D(2023, 10, 25),
                        confidence="low")  # fmt: skip
    australia = JurisdictionFactory(name="Australia", slug="australia", iso_code="AU", region="oceania")
    RegimePeriodFactory(jurisdiction=australia, legal_model=legal_model("criminalization"), start_date=D(1990, 1, 1))
    victoria = JurisdictionFactory(name="Victoria", slug="victoria", iso_code="AU-VIC", kind="state", parent=australia)
    RegimePeriodFactory(jurisdiction=victoria, legal_model=legal_model("legalization"), start_date=D(1990, 1, 1))


def links(svg: ET.Element) -> dict[str, ET.Element]:
    return {a.get("href", "").split("?")[0]: a for a in svg.iter(f"{SVG}a")}


def inline_map(html: str) -> ET.Element:
    """The first map drawn inline in a page."""
    found = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="wm".*?</svg>', html, re.S)
    assert found is not None
    return ET.fromstring(found[0])


def shape_of(link: ET.Element) -> ET.Element:
    shape = link.find(f"{SVG}path")
    if shape is None:
        shape = link.find(f"{SVG}circle")
    assert shape is not None
    return shape


def get_svg(client, **params) -> ET.Element:
    response = client.get(reverse("models_compare:map_svg"), params)
    assert response.status_code == 200
    return ET.fromstring(response.content)


class TestUnits:
    def test_units_of_a_varies_country_are_drawn_with_their_own_model(self, client, federation):
        drawn = links(get_svg(client))
        assert shape_of(drawn["/jurisdictions/maine/"]).get("fill", "") == "url(#wm-nordic-low)"
        assert (
            drawn["/jurisdictions/maine/"]
            .get("aria-label", "")
            .startswith("Maine (United States) — Nordic model since")
        )
        # Nevada varies: its counties are drawn over it, each with its own model.
        assert shape_of(drawn["/jurisdictions/storey-county/"]).get("fill", "") == "url(#wm-legalization)"
        assert shape_of(drawn["/jurisdictions/clark-county/"]).get("fill", "") == "url(#wm-criminalization)"
        assert "/jurisdictions/nevada/" in drawn and "/jurisdictions/united-states/" in drawn

    def test_units_of_a_country_coded_once_are_not_drawn(self, client, federation):
        drawn = links(get_svg(client))
        assert "/jurisdictions/australia/" in drawn and "/jurisdictions/victoria/" not in drawn

    def test_a_state_without_a_record_is_grey_and_named(self, client, federation):
        units = get_svg(client).find(f".//{SVG}g[@class='wm-units']")
        assert units is not None
        texas = next(g for g in units if g.get("aria-label", "").startswith("Texas"))
        assert texas.get("role") == "img" and texas.get("aria-label", "") == "Texas (United States) — no data"

    def test_the_low_confidence_legend_and_label(self, client, federation):
        world = client.get(reverse("models_compare:home")).context["map"]
        assert world.low_confidence == 1
        maine = next(a for e in world.legend for a in e.areas if a.slug == "maine")
        assert maine.low_confidence and "low confidence" in maine.label

    def test_a_region_map_counts_low_confidence_like_its_legend(self, client, federation):
        # Europe's map draws no American shape, but its legend counts all coded jurisdictions, so the
        # low-confidence number beside it must too (Maine).
        europe = client.get(reverse("models_compare:home"), {"focus": "europe"}).context["map"]
        assert europe.low_confidence == 1
        assert sum(entry.count for entry in europe.legend) == 8  # every coded jurisdiction

    def test_the_united_states_page_has_a_map_of_its_units(self, client, federation):
        html = client.get(reverse("jurisdictions:detail", kwargs={"slug": "united-states"})).content.decode()
        svg = inline_map(html)
        drawn = links(svg)
        assert {"/jurisdictions/nevada/", "/jurisdictions/maine/", "/jurisdictions/storey-county/"} <= set(drawn)
        assert "/jurisdictions/united-states/" not in drawn  # the country's own map shows its units only
        assert "Map: the units of the United States" in html

    def test_a_page_without_units_has_no_unit_map(self, client, federation):
        html = client.get(reverse("jurisdictions:detail", kwargs={"slug": "sweden"})).content.decode()
        assert 'id="unit-map"' not in html

    @pytest.mark.slow  # reads the whole curated dataset
    def test_every_unit_of_the_dataset_has_a_shape(self):
        from django.conf import settings

        from jurisdictions.dataset import read_dataset

        dataset = read_dataset(settings.ATLAS_FIXTURES_DIR)
        world = world_shapes()
        codes = {shape.code for shape in world.shapes + world.units if shape.code}
        names = {(shape.parent, shape.name) for shape in world.units}
        records = dataset.jurisdictions
        for record in records.values():
            if record.parent_slug is None or len(record.iso_code) == 2:
                continue
            parent_code = records[record.parent_slug].iso_code
            assert record.iso_code in codes or (parent_code, record.name) in names, record.slug


class TestFocus:
    def test_a_region_focus_draws_that_region_larger(self, client, federation):
        europe = links(get_svg(client, focus="europe"))
        assert "/jurisdictions/sweden/" in europe and "/jurisdictions/maine/" not in europe
        assert map_view("europe").width == 1000 and len(map_view("europe").shapes) < len(world_shapes().shapes)

    def test_the_pacific_is_drawn_whole_across_the_date_line(self):
        names = {shape.name for shape in map_view("oceania").shapes}
        assert {"Fiji", "Samoa", "Tonga", "Tuvalu", "New Zealand", "Papua New Guinea"} <= names

    def test_focus_links_keep_the_date(self, client, federation):
        html = client.get(reverse("models_compare:home"), {"as_of": "2010-12-31"}).content.decode()
        assert 'href="?as_of=2010-12-31&amp;focus=europe#world-map"' in html
        html = client.get(reverse("models_compare:home"), {"as_of": "2010-12-31", "focus": "europe"}).content.decode()
        assert 'href="?as_of=2005-12-31&amp;focus=europe"' in html  # the year links keep the focus

    def test_links_rendered_once_per_map_follow_each_query_string(self, client, federation, settings):
        # One map (date, view, data version) serves both requests; its links are per query string.
        settings.ATLAS_RESPONSE_CACHE = False
        home = reverse("models_compare:home")
        plain = client.get(home, {"as_of": "2010-12-31"}).content.decode()
        tagged = client.get(home, {"as_of": "2010-12-31", "ref": "news"}).content.decode()
        assert 'href="?as_of=2005-12-31"' in plain and "ref=news" not in plain
        assert 'href="?as_of=2005-12-31&amp;ref=news"' in tagged
        assert 'href="?as_of=2010-12-31&amp;ref=news&amp;focus=europe#world-map"' in tagged
        assert client.get(home, {"as_of": "2010-12-31"}).content.decode() == plain

    @pytest.mark.parametrize("name", ["models_compare:home", "models_compare:map_fragment", "models_compare:map_svg"])
    def test_an_unknown_focus_is_a_400(self, client, federation, name):
        response = client.get(reverse(name), {"focus": "atlantis"})
        assert response.status_code == 400 and b"europe" in response.content


class TestStrictCsp:
    """The maps and charts carry no style attribute, <style> or <script>: a strict CSP holds."""

    @pytest.mark.parametrize(
        "name,kwargs,params",
        [
            ("models_compare:map_svg", {}, {}),
            ("models_compare:home", {}, {"focus": "oceania"}),
            ("models_compare:model", {"slug": "nordic"}, {}),
            ("models_compare:over_time", {}, {}),
            ("jurisdictions:detail", {"slug": "united-states"}, {}),
            ("jurisdictions:detail", {"slug": "sweden"}, {}),
        ],
    )
    def test_no_inline_style_or_script(self, client, federation, name, kwargs, params):
        html = client.get(reverse(name, kwargs=kwargs), params).content.decode()
        assert html.count("<svg") >= 1
        for svg in re.findall(r"<svg.*?</svg>", html, re.S):
            assert "style=" not in svg and "<style" not in svg and "<script" not in svg
        assert not re.search(r"<style[\s>]", html)

    def test_fills_come_from_the_stylesheet_palette(self):
        from django.conf import settings

        css = (settings.BASE_DIR / "static" / "css" / "site.css").read_text()
        palette = charts.palette()
        for slug in ["criminalization", "partial_criminalization", "nordic", "legalization", "decriminalization"]:
            assert f"--{slug}: {palette[slug]}" in css
        # A place the atlas does not code is plain grey; a coded one with no regime recorded on
        # the date is the same grey with dots (a pattern of the same palette), never the same fill.
        assert charts.uncoded_fill() == palette["none"]
        assert charts.fill_for("wm", "none") == "url(#wm-none)"


class TestChartGeometry:
    def test_tick_years_follow_the_data_range(self):
        assert charts.year_ticks(1990, 2026) == [1990, 2000, 2010, 2020]
        assert charts.year_ticks(1990, 1994) == [1990, 1991, 1992, 1993, 1994]
        assert charts.year_ticks(2001, 2009) == [2002, 2004, 2006, 2008]

    def test_value_steps_are_round_and_few(self):
        assert [charts.nice_step(n) for n in (3, 6, 10, 40, 125, 400)] == [1, 2, 5, 10, 50, 100]

    def test_each_model_gets_its_own_scale_and_labelled_end(self, federation):
        data = charts.models_over_time()
        panels = {panel.slug: panel for panel in charts.over_time_panels(data)}
        assert {"partial_criminalization", "nordic", "varies"} <= set(panels)
        nordic = panels["nordic"]
        assert nordic.end_countries["value"] == 1 and nordic.end_all["value"] == 2  # Sweden; and Maine
        assert max(tick["value"] for tick in nordic.y_ticks) == 2  # its own scale, not the largest model's
        assert [tick["value"] for tick in nordic.x_ticks] == charts.year_ticks(data.first_year, data.last_year)

    def test_the_over_time_page_fits_a_phone(self, client, federation):
        html = client.get(reverse("models_compare:over_time")).content.decode()
        assert html.count('class="ot-panel"') >= 3 and "min-width" not in html


def test_the_geometry_file_has_the_views_the_site_offers():
    views = map_views()
    assert set(charts.FOCUS_VIEWS) <= set(views)
    assert {"US", "US-NV", "AU", "GB", "FM"} <= set(views)
    gb = {shape.name for shape in views["GB"].units}
    assert gb == {"England and Wales", "Scotland", "Northern Ireland"}


def points(path: str) -> list[tuple[int, int]]:
    """Absolute points of an 'M x y l dx dy ... z' path."""
    out = []
    for ring in re.findall(r"M(-?\d+) (-?\d+)l([^z]*)z", path):
        x, y = int(ring[0]), int(ring[1])
        out.append((x, y))
        numbers = [int(n) for n in re.findall(r"-?\d+", ring[2])]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            out.append((x, y))
    return out


class TestGeometryBuilding:
    """The pure functions build_map_geometry uses, on a topology made here."""

    SQUARES = {  # two 10° squares sharing the arc at longitude 10°
        "arcs": [[[10, 0], [10, 10]], [[10, 10], [0, 10], [0, 0], [10, 0]], [[10, 0], [20, 0], [20, 10], [10, 10]]],
        "objects": {},
    }

    def test_neighbours_share_their_border_exactly(self):
        from models_compare.geography import Feature, ViewSpec, build_view

        west = Feature("AA", "West", "t", [[[0, 1]]])
        east = Feature("BB", "East", "t", [[[2, -1]]])
        view = build_view(ViewSpec("t", "Test", 200, [west, east]), {"t": self.SQUARES})
        shapes = {shape.code: shape for shape in view.shapes}
        assert view.width == 200 and 110 < view.height < 130  # Natural Earth: 20° wide, 10° high
        west_points, east_points = points(shapes["AA"].path), points(shapes["BB"].path)
        border = {x for x, _ in west_points} & {x for x, _ in east_points}
        assert len(border) == 1
        (x,) = border
        assert {p for p in west_points if p[0] == x} == {p for p in east_points if p[0] == x}
        assert len({p for p in west_points if p[0] == x}) == 2
        assert shapes["AA"].dot is None  # big enough to see without a dot

    def test_a_half_plane_clip_keeps_the_side_asked_for(self):
        from models_compare.geography import clip_half_plane, ring_area

        square = [(0, 0), (10, 0), (10, 10), (0, 10)]
        left = clip_half_plane(square, (5, 10), (5, 0))  # keeps the left of the downward line: x >= 5
        assert ring_area(left) == 50 and min(x for x, _ in left) == 5

    def test_a_ring_across_the_date_line_is_cut_in_two(self):
        from models_compare.geography import crosses_antimeridian, split_at_antimeridian

        ring = [(178.0, -17.0), (-179.0, -17.0), (-179.0, -16.0), (178.0, -16.0)]
        assert crosses_antimeridian(ring) and len(split_at_antimeridian(ring)) == 2
