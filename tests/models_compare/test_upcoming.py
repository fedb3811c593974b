"""'Coming up': laws passed but not yet in force, later regimes and scheduled reviews."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jurisdictions.data_version import read_data_version
from jurisdictions.selectors import upcoming
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, legal_model

pytestmark = pytest.mark.django_db
DAYS = datetime.timedelta


@pytest.fixture
def scheduled(db):
    """A law passed last month and in force in 40 days (its period enacted by that event), a
    review in 200 days, a period beginning in 90 days without an event, and things not to list."""
    today = timezone.localdate()
    place = JurisdictionFactory(name="Ruritania", slug="ruritania")
    RegimePeriodFactory(
        jurisdiction=place,
        start_date=datetime.date(1990, 1, 1),
        end_date=today + DAYS(40),
        legal_model=legal_model("nordic"),
        treatment_of_clients="criminalized",
    )
    PolicyEventFactory(
        jurisdiction=place,
        slug="passed",
        kind="law_passed",
        date=today - DAYS(30),
        title="Parliament passes the reform",
    )
    in_force = PolicyEventFactory(
        jurisdiction=place,
        slug="in-force",
        kind="law_in_force",
        date=today + DAYS(40),
        title="The reform comes into force",
    )
    RegimePeriodFactory(jurisdiction=place, start_date=today + DAYS(40), enacted_by=in_force)
    PolicyEventFactory(
        jurisdiction=place,
        slug="review",
        kind="scheduled_review",
        date=today + DAYS(200),
        title="Statutory review of the reform",
    )
    other = JurisdictionFactory(name="Grand Fenwick", slug="grand-fenwick")
    RegimePeriodFactory(jurisdiction=other, start_date=datetime.date(1990, 1, 1), end_date=today + DAYS(90))
    RegimePeriodFactory(
        jurisdiction=other,
        start_date=today + DAYS(90),
        legal_model=legal_model("legalization"),
        treatment_of_third_parties="regulated",
    )
    PolicyEventFactory(
        jurisdiction=other, slug="secret", status="draft", date=today + DAYS(10), title="A draft that must not show"
    )
    return today


def test_lists_later_events_and_periods_soonest_first(scheduled):
    entries = upcoming()
    assert [entry.title for entry in entries] == [
        "The reform comes into force",  # its period is not listed a second time
        "Legalisation comes into force",
        "Statutory review of the reform",
    ]
    assert [entry.kind_label for entry in entries] == ["Law in force", "New regime", "Scheduled review or evaluation"]
    assert entries[0].date == scheduled + DAYS(40)


def test_today_and_the_past_are_not_upcoming(scheduled):
    assert upcoming(after=scheduled + DAYS(200)) == []
    assert len(upcoming(after=scheduled + DAYS(40))) == 2


def test_home_page_lists_what_is_coming(client, scheduled):
    body = client.get(reverse("models_compare:home")).content.decode()
    section = body[body.index('id="upcoming-heading"') : body.index('id="events-heading"')]
    assert section.index("The reform comes into force") < section.index("Statutory review of the reform")
    assert "/jurisdictions/ruritania/#event-in-force" in section and "A draft that must not show" not in section
    assert reverse("models_compare:upcoming_feed") in section


def test_home_page_says_when_nothing_is_coming(client, db):
    assert "Nothing dated after today is recorded." in client.get(reverse("models_compare:home")).content.decode()


def test_feed_lists_the_same_entries(client, scheduled):
    response = client.get(reverse("models_compare:upcoming_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert body.index("The reform comes into force") < body.index("Legalisation comes into force")
    assert "Grand Fenwick" in body and "A draft that must not show" not in body


def test_an_empty_feed_is_dated_by_the_data_not_the_request(client, db):
    JurisdictionFactory(name="Ruritania", slug="ruritania")
    changed_at = read_data_version().changed_at
    first = client.get(reverse("models_compare:upcoming_feed")).content.decode()
    assert "<entry>" not in first
    assert f"<updated>{changed_at.isoformat()}</updated>" in first
