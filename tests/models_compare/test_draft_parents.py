"""A published unit of a draft jurisdiction never names that draft: not on its page, in lists or in exports."""

import json

import pytest

from tests.factories import JurisdictionFactory, RegimePeriodFactory, legal_model

pytestmark = pytest.mark.django_db

SECRET = "Secretland Draft Federation"


@pytest.fixture
def unit_of_a_draft():
    draft = JurisdictionFactory(name=SECRET, slug="secretland", status="draft")
    unit = JurisdictionFactory(name="Open Province", slug="open-province", kind="province", parent=draft)
    RegimePeriodFactory(jurisdiction=unit, legal_model=legal_model("decriminalization"))
    return unit


PUBLIC_URLS = [
    "/jurisdictions/open-province/",
    "/jurisdictions/",
    "/jurisdictions/?q=open",
    "/models/decriminalization/",
    "/jurisdictions/export.csv",
    "/jurisdictions/export.json",
    "/jurisdictions/panel.csv?from=2020&to=2021",
    "/jurisdictions/panel.json?from=2020&to=2021",
    "/compare/?j=open-province&j=open-province@2020-01-01",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_draft_parent_is_never_named(client, unit_of_a_draft, url):
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.getvalue()
    assert b"Secretland" not in body and b"secretland" not in body, url
    assert b"Open Province" in body or b"open-province" in body, url  # the unit itself is listed


def test_the_home_page_does_not_name_it_either(client, unit_of_a_draft):
    assert b"Secretland" not in client.get("/").content


def test_exports_give_no_parent_while_it_is_a_draft(client, unit_of_a_draft):
    rows = json.loads(client.get("/jurisdictions/export.json").getvalue())["results"]
    assert [row["parent"] for row in rows if row["slug"] == "open-province"] == [None]


def test_once_published_the_parent_is_named(client, unit_of_a_draft):
    unit_of_a_draft.parent.status = "published"
    unit_of_a_draft.parent.save()
    assert SECRET.encode() in client.get("/jurisdictions/open-province/").content
    assert SECRET.encode() in client.get("/jurisdictions/").content
    rows = json.loads(client.get("/jurisdictions/export.json").getvalue())["results"]
    assert [row["parent"] for row in rows if row["slug"] == "open-province"] == ["secretland"]


def test_editors_preview_still_shows_the_draft_parent(admin_client, unit_of_a_draft):
    assert SECRET.encode() in admin_client.get("/jurisdictions/open-province/?preview=1").content
