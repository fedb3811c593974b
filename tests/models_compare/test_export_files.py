"""The whole-dataset exports as files: written once per data version, served with validators,
ranges and a gzip copy, never stale; filtered exports stream within a row limit."""

import gzip
import json
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from jurisdictions.models import Jurisdiction
from models_compare import export_files
from models_compare.data_views import WHOLE_EXPORTS, build_whole_export
from tests.factories import JurisdictionFactory, RegimePeriodFactory
from tests.shared_data import restore_migrated_rows

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return response.getvalue()


def test_a_whole_export_is_a_file_written_once(client, sweden, settings):
    url = reverse("models_compare:periods_csv")
    first = client.get(url)
    assert first.status_code == 200
    content = body(first)
    assert content.startswith(b"\xef\xbb\xbf") and b"sweden" in content
    assert first["Content-Length"] == str(len(content))
    assert first["ETag"].startswith('"periods.v')
    assert 'filename="sex-work-law-atlas-periods.csv"' in first["Content-Disposition"]
    files = sorted(path.name for path in Path(settings.ATLAS_EXPORT_DIR).glob("periods.*"))
    assert [name.split(".", 2)[2] for name in files] == [
        "all.csv",
        "all.csv.gz",
        "all.json",
        "all.json.gz",
        "all.nobom.csv",
        "all.nobom.csv.gz",
    ]
    again = client.get(url)
    assert body(again) == content and again["ETag"] == first["ETag"]
    without_bom = body(client.get(url, {"bom": "0"}))
    assert without_bom == content[3:]


def test_clients_that_accept_gzip_get_the_compressed_copy(client, sweden):
    url = reverse("models_compare:events_json")
    plain = body(client.get(url))
    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(body(compressed)) == plain
    assert json.loads(plain)["count"] == Jurisdiction.objects.get(slug="sweden").events.count()


def test_a_change_is_in_the_next_download_and_old_files_go(client, sweden, settings):
    url = reverse("models_compare:export_json")
    before = json.loads(body(client.get(url)))
    assert [row["slug"] for row in before["results"]] == ["sweden"]
    RegimePeriodFactory(jurisdiction=JurisdictionFactory(name="Aland", slug="aland"))
    after = json.loads(body(client.get(url)))
    assert [row["slug"] for row in after["results"]] == ["aland", "sweden"]
    assert after["dataset_version"] != before["dataset_version"]
    versions = {path.name.split(".")[1] for path in Path(settings.ATLAS_EXPORT_DIR).glob("jurisdictions.*")}
    assert len(versions) == 1


def test_conditional_and_range_requests(client, sweden):
    url = reverse("models_compare:panel_csv")
    whole = client.get(url)
    content, etag = body(whole), whole["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    part = client.get(url, headers={"range": "bytes=3-12"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 3-12/{len(content)}"
    assert body(part) == content[3:13]
    resumed = client.get(url, headers={"range": "bytes=3-12", "if-range": etag})
    assert resumed.status_code == 206
    # A client resuming a download of another version gets the whole current file.
    stale = client.get(url, headers={"range": "bytes=3-12", "if-range": '"panel.v1.2000-01-01.csv"'})
    assert stale.status_code == 200 and body(stale) == content
    assert client.get(url, headers={"range": f"bytes={len(content) + 5}-"}).status_code == 416


def test_a_small_whole_export_is_kept_whole_in_the_response_cache(client, sweden, monkeypatch):
    url = reverse("models_compare:periods_csv")
    gzipped = {"accept-encoding": "gzip"}
    first = client.get(url, headers=gzipped)
    content, etag = body(first), first["ETag"]
    assert first["Content-Encoding"] == "gzip" and b"sweden" in gzip.decompress(content)

    def no_file(*args, **kwargs):
        raise AssertionError("the file was opened again")

    monkeypatch.setattr(export_files, "serve", no_file)
    again = client.get(url, headers=gzipped)
    assert body(again) == content
    assert again["ETag"] == etag and again["Content-Encoding"] == "gzip"
    assert again["Content-Length"] == str(len(content))
    assert 'filename="sex-work-law-atlas-periods.csv"' in again["Content-Disposition"]
    not_modified = client.get(url, headers={**gzipped, "if-none-match": etag})
    assert not_modified.status_code == 304 and not_modified["ETag"] == etag
    # A byte range is cut from the file, never from the kept copy.
    with pytest.raises(AssertionError, match="opened again"):
        client.get(url, headers={**gzipped, "range": "bytes=0-9"})


def test_a_head_request_keeps_nothing_and_large_files_stay_on_disk(client, sweden, settings):
    url = reverse("models_compare:events_csv")
    assert body(client.head(url)) == b""
    whole = client.get(url)
    assert whole.streaming is False and body(whole).startswith(b"\xef\xbb\xbf")
    settings.ATLAS_RESPONSE_CACHE_MAX_BYTES = 10
    larger = Client()
    first = larger.get(reverse("models_compare:events_json"))
    assert first.streaming is True
    assert larger.get(reverse("models_compare:events_json")).streaming is True


def test_head_answers_the_headers_only(client, sweden):
    response = client.head(reverse("models_compare:events_csv"))
    assert response.status_code == 200 and int(response["Content-Length"]) > 0
    assert body(response) == b""


def test_filtered_exports_stream_up_to_the_row_limit(client, sweden, settings):
    settings.ATLAS_EXPORT_STREAM_MAX_ROWS = 1
    url = reverse("models_compare:periods_json")
    refused = client.get(url, {"q": "sweden"})
    assert refused.status_code == 400
    message = json.loads(refused.content)["errors"]["page"][0]["message"]
    assert "2 rows match" in message and "page=1" in message
    paged = client.get(url, {"q": "sweden", "page": "2", "page_size": "1"})
    assert paged.status_code == 200 and json.loads(body(paged))["count"] == 2
    settings.ATLAS_EXPORT_STREAM_MAX_ROWS = 2
    assert client.get(url, {"q": "sweden"}).status_code == 200
    # The whole export is a file, whatever its size.
    settings.ATLAS_EXPORT_STREAM_MAX_ROWS = 0
    assert client.get(url).status_code == 200


def test_a_large_whole_export_is_left_to_a_builder_process(client, sweden, settings, monkeypatch):
    settings.ATLAS_EXPORT_INLINE_ROWS = 1
    settings.ATLAS_EXPORT_WAIT_SECONDS = 0
    started: list[str] = []
    monkeypatch.setattr(export_files, "start_builder", started.append)
    response = client.get(reverse("models_compare:periods_csv"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "being prepared" in json.loads(response.content)["errors"]["__all__"][0]["message"]
    assert started == ["periods"]
    assert not list(Path(settings.ATLAS_EXPORT_DIR).glob("periods.*"))


def test_a_failed_build_leaves_no_file(sweden, settings):
    def rows():
        yield from ()  # a generator, which fails when first read
        raise RuntimeError("the database went away")

    def factory():
        return export_files.Document(fields=WHOLE_EXPORTS["events"].fields, envelope={"count": 1}, rows=rows())

    with pytest.raises(RuntimeError):
        export_files.build("events", factory)
    assert list(Path(settings.ATLAS_EXPORT_DIR).iterdir()) == []


def test_the_command_writes_every_whole_export(sweden, settings):
    call_command("build_exports")
    names = {path.name.split(".")[0] for path in Path(settings.ATLAS_EXPORT_DIR).glob("*.csv")}
    assert names == set(WHOLE_EXPORTS)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_builder_process_writes_the_file_a_request_asked_for(client, settings):
    """A real ``manage.py build_exports`` process, started by the request, against the test database."""
    restore_migrated_rows()  # the legal models, if a transactional test before this one emptied the tables
    RegimePeriodFactory(jurisdiction=JurisdictionFactory(name="Aland", slug="aland"))
    settings.ATLAS_EXPORT_INLINE_ROWS = 0
    settings.ATLAS_EXPORT_WAIT_SECONDS = 60
    export_files_dir = Path(settings.ATLAS_EXPORT_DIR)
    started = time.monotonic()
    response = client.get(reverse("models_compare:events_json"))
    assert response.status_code == 200, response.content
    assert time.monotonic() - started < 60
    assert json.loads(body(response))["results"] == []
    response = client.get(reverse("models_compare:export_json"))
    assert response.status_code == 200
    assert [row["slug"] for row in json.loads(body(response))["results"]] == ["aland"]
    assert any(export_files_dir.glob("jurisdictions.*.json.gz"))


def test_a_build_removes_earlier_versions_and_keeps_later_ones(sweden, settings):
    folder = Path(settings.ATLAS_EXPORT_DIR)
    version = build_whole_export("events").number
    earlier = folder / f"events.v{version - 1}-1.all.csv"
    later = folder / f"events.v{version + 1}-1.all.csv"
    other_export = folder / f"periods.v{version - 1}-1.all.csv"
    for path in (earlier, later, other_export):
        path.write_text("x")
    build_whole_export("events")
    assert not earlier.exists() and later.exists() and other_export.exists()
