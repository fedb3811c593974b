"""The public response cache: a published change is never served stale; repeat visits get 304."""

import datetime
import gzip
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client

from jurisdictions.dataset import read_dataset
from jurisdictions.models import Jurisdiction
from jurisdictions.services import load_dataset, publish, unpublish
from tests.factories import RegimePeriodFactory, legal_model

pytestmark = pytest.mark.django_db
BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"
D = datetime.date


def body(response) -> bytes:
    return response.getvalue()


def page(client, path="/jurisdictions/new-zealand/", **headers) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.content.decode()


def test_a_repeat_anonymous_request_is_served_from_the_cache(client, atlas, django_assert_max_num_queries):
    first = page(client)
    # Only the data version is read (inside a test's transaction it is never remembered).
    with django_assert_max_num_queries(1):
        assert page(client) == first


def rename_with_the_orm():
    Jurisdiction.objects.filter(slug="new-zealand").update(notes="Changed through the ORM.")
    return "Changed through the ORM."


def rename_with_raw_sql():
    with connection.cursor() as cursor:
        cursor.execute("UPDATE jurisdictions_jurisdiction SET notes = 'Changed in a shell.' WHERE slug = 'new-zealand'")
    return "Changed in a shell."


def publish_a_new_period():
    nz = Jurisdiction.objects.get(slug="new-zealand")
    draft = RegimePeriodFactory(
        jurisdiction=nz,
        status="draft",
        start_date=D(2024, 1, 1),
        legal_model=legal_model("legalization"),
        treatment_of_workers="regulated",
        treatment_of_clients="legal",
        treatment_of_third_parties="regulated",
    )
    publish(record=draft)
    return legal_model("legalization").name


def unpublish_the_country():
    unpublish(record=Jurisdiction.objects.get(slug="new-zealand"))
    return None


@pytest.mark.parametrize("change", [rename_with_the_orm, rename_with_raw_sql, publish_a_new_period])
def test_a_change_is_never_served_stale(client, atlas, change):
    before = page(client)
    assert page(client) == before  # cached now
    expected = change()
    after = page(client)
    assert after != before and expected in after


def test_an_unpublished_place_is_gone_at_once(client, atlas):
    page(client)
    unpublish_the_country()
    assert client.get("/jurisdictions/new-zealand/").status_code == 404


def test_a_dataset_load_is_seen_at_once(client, atlas, tmp_path):
    before = page(client, "/jurisdictions/")
    assert page(client, "/jurisdictions/") == before and "Federated Republic" not in before
    text = (BASIC / "federation.yaml").read_text().replace("name: Federation", "name: Federated Republic")
    (tmp_path / "federation.yaml").write_text(text)
    load_dataset(read_dataset(tmp_path), take_files=True)
    assert "Federated Republic" in page(client, "/jurisdictions/")


def test_a_reviewer_publishing_in_the_admin_is_seen_at_once(client, atlas):
    nz = Jurisdiction.objects.get(slug="new-zealand")
    draft = RegimePeriodFactory(
        jurisdiction=nz,
        status="draft",
        start_date=D(2024, 1, 1),
        legal_model=legal_model("nordic"),
        treatment_of_clients="criminalized",
    )
    nordic = "/jurisdictions/export.csv?legal_model=nordic"
    assert "new-zealand" not in body(client.get(nordic)).decode()
    reviewer = User.objects.create_superuser("reviewer", "reviewer@example.org", "a-long-password-1")
    admin = Client()
    admin.force_login(reviewer)
    response = admin.post(
        "/admin/jurisdictions/regimeperiod/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    assert response.status_code in (200, 302)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert "new-zealand" in body(client.get(nordic)).decode()


class TestConditionalGet:
    def test_etag_and_last_modified_answer_304_until_the_data_changes(self, client, atlas):
        first = client.get("/jurisdictions/new-zealand/")
        etag, modified = first["ETag"], first["Last-Modified"]
        assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
        assert client.get("/jurisdictions/new-zealand/", headers={"if-none-match": etag}).status_code == 304
        assert client.get("/jurisdictions/new-zealand/", headers={"if-modified-since": modified}).status_code == 304
        rename_with_the_orm()
        again = client.get("/jurisdictions/new-zealand/", headers={"if-none-match": etag})
        assert again.status_code == 200 and again["ETag"] != etag
        later = client.get("/jurisdictions/new-zealand/", headers={"if-modified-since": modified})
        assert later.status_code == 200 and later["Last-Modified"] != modified

    def test_an_etag_is_for_one_address(self, client, atlas):
        etag = client.get("/jurisdictions/new-zealand/")["ETag"]
        assert client.get("/jurisdictions/sweden/", headers={"if-none-match": etag}).status_code == 200

    def test_errors_are_neither_cached_nor_tagged(self, client, atlas):
        for path in ["/jurisdictions/atlantis/", "/jurisdictions/?region=atlantis"]:
            response = client.get(path)
            assert response.status_code in (400, 404) and not response.has_header("ETag")


class TestCompressionAndVary:
    @pytest.mark.parametrize(
        "path,content_type",
        [
            ("/", "text/html"),
            ("/map.svg?as_of=2010-12-31", "image/svg+xml"),
            ("/jurisdictions/export.json", "application/json"),
            ("/jurisdictions/export.csv", "text/csv"),
            ("/periods/export.json", "application/json"),  # streamed
            ("/events/export.csv", "text/csv"),
        ],
    )
    def test_public_responses_are_gzipped_and_do_not_vary_by_cookie(self, client, atlas, path, content_type):
        plain = client.get(path)
        packed = client.get(path, headers={"accept-encoding": "gzip, deflate, br"})
        assert packed["Content-Type"].startswith(content_type)
        assert packed["Content-Encoding"] == "gzip"
        packed_body, plain_body = body(packed), body(plain)
        assert gzip.decompress(packed_body) == plain_body and len(packed_body) < len(plain_body)
        for response in (plain, packed):
            assert "cookie" not in response.get("Vary", "").lower()
            assert not response.cookies
        assert "accept-encoding" in packed["Vary"].lower()

    def test_the_compression_level_is_a_setting(self, atlas, settings):
        settings.ATLAS_RESPONSE_CACHE = False  # every request compresses
        sizes = {}
        for level in (1, 9):
            settings.ATLAS_GZIP_LEVEL = level
            response = Client().get("/", headers={"accept-encoding": "gzip"})
            sizes[level] = len(response.content)
            assert gzip.decompress(response.content).startswith(b"<!doctype html>")
        assert sizes[1] > sizes[9]

    def test_cached_copies_are_kept_per_encoding(self, client, atlas):
        packed = client.get("/", headers={"accept-encoding": "gzip"})
        plain = client.get("/")
        assert packed["Content-Encoding"] == "gzip" and not plain.has_header("Content-Encoding")
        assert packed["ETag"] != plain["ETag"]


class TestEditors:
    def test_a_signed_in_editor_is_never_served_the_shared_copy(self, client, atlas):
        page(client)
        staff = User.objects.create_user("editor", password="a-long-password-1", is_staff=True)
        client.force_login(staff)
        response = client.get("/jurisdictions/new-zealand/")
        assert "Preview with drafts" in response.content.decode()
        assert "private" in response["Cache-Control"] and not response.has_header("ETag")

    def test_the_admin_is_not_compressed(self, client, atlas):
        staff = User.objects.create_superuser("admin", "admin@example.org", "a-long-password-1")
        client.force_login(staff)
        response = client.get("/admin/", headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and not response.has_header("Content-Encoding")


@pytest.mark.parametrize("path", ["/", "/map/", "/models/legalization/"])
def test_maps_and_counts_rendered_without_the_cache_follow_a_published_change(client, atlas, settings, path):
    # Every request renders, but the maps, legends, counts and rows are kept per data version.
    settings.ATLAS_RESPONSE_CACHE = False
    before = page(client, path)
    assert page(client, path) == before
    model = publish_a_new_period()
    after = page(client, path)
    assert after != before and f"New Zealand — {model} since 1 January 2024" in after
