"""The admin turns invariant violations into form errors, never an error page."""

import datetime

import pytest
from django.urls import reverse

from jurisdictions.models import Jurisdiction, RegimePeriod
from tests.factories import JurisdictionFactory, RegimePeriodFactory, SourceFactory, legal_model

pytestmark = pytest.mark.django_db


def period_form(jurisdiction, start, end="", source=None):
    data = {
        "jurisdiction": jurisdiction.pk,
        "start_date": start,
        "end_date": end,
        "legal_model": legal_model("nordic").pk,
        "treatment_of_workers": "legal",
        "treatment_of_clients": "criminalized",
        "treatment_of_third_parties": "criminalized",
        "street_work": "lawful",
        "indoor_work_alone": "lawful",
        "working_together": "unknown",
        "brothels": "criminal_offence",
        "advertising": "unknown",
        "registration": "not_required",
        "health_checks": "not_required",
        "confidence": "high",
        "status": "published",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-0-source": source.pk if source else "",
        "citations-0-pinpoint": "",
    }
    return data


@pytest.mark.parametrize(
    "add,query",
    [
        ("admin:jurisdictions_regimeperiod_add", "jurisdiction=abc"),
        ("admin:jurisdictions_regimeperiod_add", "enacted_by=1.5"),
        ("admin:jurisdictions_policyevent_add", "jurisdiction=%00"),
        ("admin:jurisdictions_jurisdiction_add", "parent=x"),
    ],
)
def test_a_bad_initial_value_in_the_address_is_left_out(admin_client, add, query):
    response = admin_client.get(f"{reverse(add)}?{query}")
    assert response.status_code == 200


def test_a_good_initial_value_in_the_address_is_kept(admin_client):
    country = JurisdictionFactory(name="Atlantis")
    response = admin_client.get(f"{reverse('admin:jurisdictions_regimeperiod_add')}?jurisdiction={country.pk}")
    assert response.status_code == 200 and "Atlantis" in response.content.decode()


def test_overlapping_period_is_a_form_error(admin_client):
    country = JurisdictionFactory()
    RegimePeriodFactory(jurisdiction=country, start_date=datetime.date(1999, 1, 1))
    response = admin_client.post(
        reverse("admin:jurisdictions_regimeperiod_add"), period_form(country, "2009-01-01", source=SourceFactory())
    )
    assert response.status_code == 200
    assert "overlaps another published period" in response.content.decode()
    assert country.regime_periods.count() == 1


def test_end_before_start_is_a_form_error(admin_client):
    country = JurisdictionFactory()
    response = admin_client.post(
        reverse("admin:jurisdictions_regimeperiod_add"),
        period_form(country, "2009-01-01", "2001-01-01", source=SourceFactory()),
    )
    assert response.status_code == 200
    assert "end date must be after the start date" in response.content.decode()
    assert not RegimePeriod.objects.exists()


def test_impossible_date_is_a_form_error(admin_client):
    country = JurisdictionFactory()
    response = admin_client.post(
        reverse("admin:jurisdictions_regimeperiod_add"), period_form(country, "2009-02-30", source=SourceFactory())
    )
    assert response.status_code == 200
    assert "Enter a valid date" in response.content.decode()


def test_valid_period_is_saved(admin_client):
    country = JurisdictionFactory()
    response = admin_client.post(
        reverse("admin:jurisdictions_regimeperiod_add"), period_form(country, "2009-01-01", source=SourceFactory())
    )
    assert response.status_code == 302
    assert country.regime_periods.get().sources.count() == 1


def test_year_precision_period_is_saved_and_a_mismatch_is_a_form_error(admin_client):
    country = JurisdictionFactory()
    url = reverse("admin:jurisdictions_regimeperiod_add")
    wrong = {**period_form(country, "1995-06-01", source=SourceFactory()), "start_precision": "year"}
    response = admin_client.post(url, wrong)
    assert response.status_code == 200
    assert "with year precision, 1 January" in response.content.decode()
    right = {**period_form(country, "1995-01-01", source=SourceFactory()), "start_precision": "year"}
    assert admin_client.post(url, right).status_code == 302
    assert country.regime_periods.get().start_display == "1995"


def test_parent_cycle_is_a_form_error(admin_client):
    top = JurisdictionFactory(kind="state")
    child = JurisdictionFactory(kind="county", parent=top)
    url = reverse("admin:jurisdictions_jurisdiction_change", args=[top.pk])
    data = {
        "name": top.name,
        "slug": top.slug,
        "kind": "state",
        "iso_code": "",
        "parent": child.pk,
        "region": "europe",
        "subregion": "",
        "last_reviewed": "",
        "notes": "",
        "regime_periods-TOTAL_FORMS": "0",
        "regime_periods-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "children-TOTAL_FORMS": "1",
        "children-INITIAL_FORMS": "1",
        "children-0-id": child.pk,
        "children-0-parent": top.pk,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "part of itself" in response.content.decode()
    assert Jurisdiction.objects.get(pk=top.pk).parent is None


def test_two_overlapping_inline_periods_are_a_form_error(admin_client):
    country = JurisdictionFactory()
    url = reverse("admin:jurisdictions_jurisdiction_change", args=[country.pk])
    data = {
        "name": country.name,
        "slug": country.slug,
        "kind": "country",
        "iso_code": "",
        "region": "europe",
        "subregion": "",
        "last_reviewed": "",
        "notes": "",
        "regime_periods-TOTAL_FORMS": "2",
        "regime_periods-INITIAL_FORMS": "0",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "children-TOTAL_FORMS": "0",
        "children-INITIAL_FORMS": "0",
    }
    for index, start in enumerate(["1999-01-01", "2005-01-01"]):
        for key, value in period_form(country, start).items():
            if not key.startswith("citations") and key != "jurisdiction":
                data[f"regime_periods-{index}-{key}"] = value
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "overlaps the one starting" in response.content.decode()
    assert not country.regime_periods.exists()
