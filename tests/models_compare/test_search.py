"""Finding places: the search page, the suggest endpoint and the place pickers, on the curated dataset."""

import json
from pathlib import Path

import pytest
from django.conf import settings

from jurisdictions.dataset import read_dataset
from jurisdictions.models import Jurisdiction
from jurisdictions.selectors import find_place
from jurisdictions.services import load_dataset
from tests.shared_data import shared_per_module

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # reads the whole curated dataset


def _load_curated():
    """Every record of fixtures/, loaded once for this module."""
    load_dataset(read_dataset(Path(settings.ATLAS_FIXTURES_DIR)))


curated = shared_per_module(_load_curated)


def first_result(client, query):
    data = client.get("/search/suggest.json", {"q": query}).json()
    return data["results"][0]["slug"] if data["results"] else None


@pytest.mark.parametrize(
    "query,slug",
    [
        ("UK", "united-kingdom"),
        ("uk", "united-kingdom"),
        ("USA", "united-states"),
        ("Holland", "netherlands"),
        ("Ivory Coast", "cote-d-ivoire"),
        ("Cote d'Ivoire", "cote-d-ivoire"),
        ("côte d’ivoire", "cote-d-ivoire"),
        ("Czech Republic", "czechia"),
        ("Türkiye", "turkey"),
        ("Turkiye", "turkey"),
        ("Turkey", "turkey"),
        ("Swaziland", "eswatini"),
        ("Eswatini", "eswatini"),
        ("Burma", "myanmar"),
        ("GB", "united-kingdom"),
        ("US-NV", "nevada"),
        ("ukrane", "ukraine"),
        ("kingdom", "united-kingdom"),
        ("Zealand", "new-zealand"),
    ],
)
def test_names_aliases_and_codes_give_the_right_first_result(client, curated, query, slug):
    assert first_result(client, query) == slug


def test_a_short_alias_beats_names_that_merely_contain_it(client, curated):
    slugs = [row["slug"] for row in client.get("/search/suggest.json", {"q": "UK"}).json()["results"]]
    assert slugs[0] == "united-kingdom"
    assert "chuuk" not in slugs  # "uk" inside a word is noise for two letters


def test_suggestions_label_units_with_their_parent(client, curated):
    labels = [row["label"] for row in client.get("/search/suggest.json", {"q": "georgia"}).json()["results"]]
    assert labels[:2] == ["Georgia", "Georgia (United States)"]
    clark = client.get("/search/suggest.json", {"q": "clark"}).json()["results"][0]
    assert clark["label"] == "Clark County, Nevada" and clark["url"] == "/jurisdictions/clark-county-nevada/"


def test_search_page_shows_the_alias_that_matched(client, curated):
    body = client.get("/search/", {"q": "Swaziland"}).content.decode()
    assert "Eswatini" in body and "formerly Swaziland" in body
    body = client.get("/search/", {"q": "Holland"}).content.decode()
    assert "Netherlands" in body and "also called Holland" in body


def test_search_without_a_match_says_so(client, curated):
    response = client.get("/search/", {"q": "Atlantis"})
    assert response.status_code == 200 and "No place matches “Atlantis”" in response.content.decode()


@pytest.mark.parametrize("query", ["x" * 101, "\x00", "%", "-", "\ufffd", "'; drop table x; --", "<script>"])
def test_hostile_searches_never_fail(client, curated, query):
    for url in ("/search/", "/search/suggest.json", "/jurisdictions/", "/jurisdictions/export.json"):
        response = client.get(url, {"q": query})
        assert response.status_code in (200, 400)
    assert client.get("/search/", {"q": "x" * 101}).status_code == 400


def test_search_and_suggest_query_counts_do_not_grow(client, curated, django_assert_max_num_queries):
    # Two queries of the page's own, plus the data-version read that every public request may make
    # (at most once a second per process; always right after this process wrote, as here).
    with django_assert_max_num_queries(3):
        client.get("/search/suggest.json", {"q": "new"})
    with django_assert_max_num_queries(3):
        client.get("/search/", {"q": "a"})


def test_browse_name_box_uses_the_search(client, curated):
    response = client.get("/jurisdictions/", {"q": "Holland"})
    assert [j.slug for j in response.context["page_obj"]] == ["netherlands"]
    response = client.get("/jurisdictions/", {"q": "uk"})
    assert next(j.slug for j in response.context["page_obj"]) == "united-kingdom"


def test_header_has_a_search_box_on_every_page(client, curated):
    for url in ("/", "/jurisdictions/", "/compare/", "/jurisdictions/sweden/"):
        body = client.get(url).content.decode()
        assert 'role="search"' in body and 'action="/search/"' in body and "data-suggest=" in body, url


class TestFindPlace:
    @pytest.mark.parametrize(
        "text,slug",
        [
            ("georgia", "georgia"),  # an address (slug) is exact
            ("Georgia (United States)", "georgia-us-state"),
            ("Clark County, Nevada", "clark-county-nevada"),
            ("Micronesia (Federated States of)", "micronesia"),
            ("ivory coast", "cote-d-ivoire"),
            ("SE", "sweden"),
        ],
    )
    def test_resolves_what_people_type(self, curated, text, slug):
        place = find_place(text).place
        assert place is not None and place.slug == slug

    def test_a_shared_name_is_ambiguous(self, curated):
        lookup = find_place("Georgia")
        assert lookup.place is None and lookup.ambiguous
        assert [place.label for place in lookup.candidates] == ["Georgia", "Georgia (United States)"]


class TestPickers:
    def test_pickers_never_list_every_place(self, client, curated):
        places = Jurisdiction.objects.count()
        for url in (
            "/compare/",
            "/compare/?j=sweden&j=norway",
            "/jurisdictions/sweden/",
            "/events/",
            "/jurisdictions/",
        ):
            body = client.get(url, follow=True).content.decode()
            # The vocabulary's choices (kinds, regions, treatments, sorts), never the places.
            assert body.count("<option") < 60 and "Eswatini</option>" not in body, url
        assert places > 250

    def test_compare_accepts_typed_names_and_redirects_to_the_permalink(self, client, curated):
        response = client.get("/compare/", {"j": ["Holland", "Georgia (United States)"], "on": ["2000-01-01", ""]})
        assert response.status_code == 302
        assert response["Location"] == "/compare/?j=netherlands@2000-01-01&j=georgia-us-state"

    def test_compare_pickers_show_labels(self, client, curated):
        body = client.get("/compare/?j=georgia&j=georgia-us-state").content.decode()
        assert 'value="Georgia (United States)"' in body and 'value="Georgia"' in body

    def test_an_ambiguous_name_is_a_clear_form_error(self, client, curated):
        response = client.get("/compare/", {"j": ["Georgia", "Sweden"]})
        body = response.content.decode()
        assert response.status_code == 400
        assert "“Georgia” could be “Georgia” or “Georgia (United States)”" in body

    def test_an_unknown_name_suggests_close_ones(self, client, curated):
        response = client.get("/compare/", {"j": ["Swedn", "Norway"]})
        assert response.status_code == 400
        assert "There is no jurisdiction “Swedn”. Did you mean “Sweden”" in response.content.decode()

    def test_events_filter_takes_a_typed_place(self, client, curated):
        by_name = client.get("/events/", {"jurisdiction": "Holland"})
        by_slug = client.get("/events/", {"jurisdiction": "netherlands"})
        assert by_name.status_code == by_slug.status_code == 200
        events = [event.slug for event in by_name.context["page_obj"]]
        assert events and events == [event.slug for event in by_slug.context["page_obj"]]
        assert client.get("/events/", {"jurisdiction": "Atlantis"}).status_code == 400

    def test_browse_parent_filter_takes_a_typed_place(self, client, curated):
        response = client.get("/jurisdictions/", {"parent": "Nevada"})
        slugs = [j.slug for j in response.context["page_obj"]]
        assert "clark-county-nevada" in slugs and len(slugs) == 17


def test_suggest_json_shape(client, curated):
    data = json.loads(client.get("/search/suggest.json", {"q": "swe"}).content)
    assert data["query"] == "swe"
    assert set(data["results"][0]) == {"slug", "name", "label", "url", "also_called", "model"}
    assert data["results"][0]["slug"] == "sweden" and data["results"][0]["model"] == "Nordic model"
