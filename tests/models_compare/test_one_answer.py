"""One question, one answer, on the curated dataset: the maps draw every coded jurisdiction, and
every page that counts jurisdictions per model gives the same numbers at every date."""

import datetime
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from jurisdictions.dataset import read_dataset
from jurisdictions.services import load_dataset
from models_compare.charts import models_over_time
from tests.shared_data import shared_per_module

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SVG = "{http://www.w3.org/2000/svg}"
DATES = ["2000-12-31", None]  # 2000, and today


def load_curated_dataset():
    """The whole curated dataset, loaded once for this module and rolled back after it."""
    load_dataset(read_dataset(settings.ATLAS_FIXTURES_DIR))


curated = shared_per_module(load_curated_dataset)


def export(client, as_of) -> dict:
    """The JSON export for a date (streamed)."""
    response = client.get(reverse("models_compare:export_json"), params(as_of))
    assert response.status_code == 200
    return json.loads(response.getvalue())


def params(as_of):
    return {"as_of": as_of} if as_of else {}


def drawn_rows(rows: list[dict]) -> list[dict]:
    """The export rows a map must draw: countries and territories with their own ISO 3166-1 code,
    and the units of a jurisdiction coded 'varies' that is itself drawn."""
    by_slug = {row["slug"]: row for row in rows}

    def drawn(row) -> bool:
        if row["parent"] is None or len(row["iso_code"] or "") == 2:
            return True
        parent = by_slug[row["parent"]]
        return parent["legal_model"] == "varies" and drawn(parent)

    return [row for row in rows if drawn(row)]


def shape_of(link: ET.Element) -> ET.Element:
    shape = link.find(f"{SVG}path")
    if shape is None:
        shape = link.find(f"{SVG}circle")
    assert shape is not None
    return shape


def map_links(svg: ET.Element) -> dict[str, ET.Element]:
    """Every link of a map, by the jurisdiction slug it points to."""
    links = {}
    for link in svg.iter(f"{SVG}a"):
        found = re.match(r"^/jurisdictions/([-a-z0-9]+)/", link.get("href", ""))
        assert found is not None
        links[found[1]] = link
    return links


@pytest.mark.parametrize("as_of", DATES)
def test_every_row_the_map_should_draw_has_a_link_in_the_map(client, curated, as_of):
    rows = export(client, as_of)["results"]
    response = client.get(reverse("models_compare:map_svg"), params(as_of))
    links = map_links(ET.fromstring(response.content))
    expected = drawn_rows(rows)
    assert len(expected) > 250  # countries, US states, Nevada's counties, Australia's, the UK's ...
    missing = [row["slug"] for row in expected if row["slug"] not in links]
    assert missing == []
    for row in expected:
        name = links[row["slug"]].get("aria-label", "")
        assert name.startswith(row["name"]), (row["slug"], name)
        if row["legal_model"] not in (None, "varies"):
            assert shape_of(links[row["slug"]]).get("fill", "").startswith(f"url(#wm-{row['legal_model']}")


def test_units_of_varies_countries_are_drawn_by_their_own_model(client, curated):
    links = map_links(ET.fromstring(client.get(reverse("models_compare:map_svg")).content))
    for slug, model in [
        ("new-south-wales", "decriminalization"),
        ("victoria", "decriminalization"),
        ("northern-ireland", "nordic"),
        ("maine", "nordic"),
        ("clark-county-nevada", "criminalization"),
        ("storey-county-nevada", "legalization"),
    ]:
        assert shape_of(links[slug]).get("fill", "").startswith(f"url(#wm-{model}"), slug
    assert links["clark-county-nevada"].get("aria-label", "").startswith("Clark County (Nevada) — ")


@pytest.mark.parametrize("as_of", DATES)
def test_the_decriminalisation_page_map_and_list_name_the_same_jurisdictions(client, curated, as_of):
    response = client.get(reverse("models_compare:model", kwargs={"slug": "decriminalization"}), params(as_of))
    page = response.context["page_obj"]
    assert page.paginator.num_pages == 1  # the whole list is on the page beside the map
    listed = {j.slug for j in page.object_list}
    html = response.content.decode()
    found = re.search(r'<svg xmlns="http://www.w3.org/2000/svg" class="wm".*?</svg>', html, re.S)
    assert found is not None
    svg = ET.fromstring(found[0])
    on_map = {
        slug
        for slug, link in map_links(svg).items()
        if any("m-decriminalization" in shape.get("class", "") for shape in link)
    }
    assert listed and on_map == listed
    if as_of is None:
        assert {"new-zealand", "belgium", "new-south-wales", "northern-territory", "queensland", "victoria"} <= listed


@pytest.mark.parametrize("as_of", DATES)
def test_home_legend_counts_table_models_page_browse_and_chart_agree(client, curated, as_of):
    home = client.get(reverse("models_compare:home"), params(as_of)).context
    table = {count.slug: count for count in home["counts"]}
    legend = {entry.slug: entry.count for entry in home["map"].legend}
    models_page = {
        model.slug: counts
        for model, counts in client.get(reverse("models_compare:models"), params(as_of)).context["models"]
    }
    browse = {
        count.slug: count.count
        for count in client.get(reverse("models_compare:browse"), params(as_of)).context["counts"]
    }
    year = datetime.date.fromisoformat(as_of).year if as_of else timezone.localdate().year
    chart = next(y for y in models_over_time().years if y.year == year)
    for slug, count in table.items():
        assert legend[slug] == browse[slug] == count.jurisdictions == chart.all_counts[slug], slug
        assert chart.counts[slug] == count.countries, slug
        if slug in models_page:
            assert (models_page[slug].countries, models_page[slug].jurisdictions) == (
                count.countries,
                count.jurisdictions,
            )
    # Each total counts every jurisdiction once.
    assert sum(c.jurisdictions for c in table.values()) == browse_total(client, as_of)
    assert table["decriminalization"].countries < table["decriminalization"].jurisdictions  # units count too


def browse_total(client, as_of):
    return len(export(client, as_of)["results"])


def test_browse_lists_what_the_home_table_links_to(client, curated):
    home = client.get(reverse("models_compare:home")).context
    for count in home["counts"]:
        response = client.get(reverse("models_compare:browse"), {"legal_model": count.slug})
        assert response.status_code == 200
        assert response.context["page_obj"].paginator.count == count.jurisdictions, count.slug
