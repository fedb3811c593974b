"""The database itself refuses invalid records: raw ORM writes, not only forms."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from jurisdictions.models import Jurisdiction, PolicyEvent, RegimePeriod
from tests.factories import (
    JurisdictionFactory,
    PolicyEventFactory,
    RegimePeriodFactory,
    SourceFactory,
    legal_model,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def period_values(jurisdiction, start, end=None, **overrides):
    values = {
        "jurisdiction": jurisdiction,
        "legal_model": legal_model("nordic"),
        "start_date": start,
        "end_date": end,
        "treatment_of_workers": "legal",
        "treatment_of_clients": "criminalized",
        "treatment_of_third_parties": "criminalized",
        "status": "published",
    }
    values.update(overrides)
    return values


def assert_refused(**values):
    with pytest.raises(IntegrityError), transaction.atomic():
        RegimePeriod.objects.create(**values)


class TestRegimePeriodOverlap:
    def test_overlapping_period_is_rejected_by_the_database(self):
        country = JurisdictionFactory()
        RegimePeriod.objects.create(**period_values(country, D(1999, 1, 1), D(2010, 1, 1)))
        assert_refused(**period_values(country, D(2009, 12, 31)))

    def test_open_ended_period_blocks_any_later_start(self):
        country = JurisdictionFactory()
        RegimePeriod.objects.create(**period_values(country, D(1999, 1, 1)))
        assert_refused(**period_values(country, D(2030, 1, 1)))

    def test_period_inside_another_is_rejected(self):
        country = JurisdictionFactory()
        RegimePeriod.objects.create(**period_values(country, D(1990, 1, 1), D(2020, 1, 1)))
        assert_refused(**period_values(country, D(2000, 1, 1), D(2001, 1, 1)))

    def test_a_draft_may_overlap_the_published_period_it_will_replace(self):
        country = JurisdictionFactory()
        RegimePeriod.objects.create(**period_values(country, D(1999, 1, 1)))
        RegimePeriod.objects.create(**period_values(country, D(2009, 1, 1), status="draft"))
        assert country.regime_periods.count() == 2

    def test_adjacent_periods_are_allowed(self):
        country = JurisdictionFactory()
        RegimePeriod.objects.create(**period_values(country, D(1990, 1, 1), D(1999, 1, 1)))
        RegimePeriod.objects.create(**period_values(country, D(1999, 1, 1)))
        assert country.regime_periods.count() == 2

    def test_same_dates_in_different_jurisdictions_are_allowed(self):
        RegimePeriod.objects.create(**period_values(JurisdictionFactory(), D(1999, 1, 1)))
        RegimePeriod.objects.create(**period_values(JurisdictionFactory(), D(1999, 1, 1)))
        assert RegimePeriod.objects.count() == 2

    def test_full_clean_reports_overlap_as_a_validation_error(self):
        country = JurisdictionFactory()
        RegimePeriod.objects.create(**period_values(country, D(1999, 1, 1)))
        with pytest.raises(ValidationError, match="overlaps another published period"):
            RegimePeriod(**period_values(country, D(2005, 1, 1))).full_clean()


class TestRegimePeriodDates:
    def test_end_before_start_is_rejected(self):
        assert_refused(**period_values(JurisdictionFactory(), D(2000, 1, 1), D(1999, 1, 1)))

    def test_end_equal_to_start_is_rejected(self):
        assert_refused(**period_values(JurisdictionFactory(), D(2000, 1, 1), D(2000, 1, 1)))

    def test_full_clean_names_the_date_problem(self):
        period = RegimePeriod(**period_values(JurisdictionFactory(), D(2000, 1, 1), D(1999, 1, 1)))
        with pytest.raises(ValidationError, match="end date must be after"):
            period.full_clean()


class TestRegimePeriodDatePrecision:
    def test_year_precision_needs_1_january(self):
        assert_refused(**period_values(JurisdictionFactory(), D(1995, 6, 1), start_precision="year"))

    def test_month_precision_needs_the_first_of_the_month(self):
        assert_refused(**period_values(JurisdictionFactory(), D(1995, 6, 2), start_precision="month"))

    def test_end_precision_is_checked_too(self):
        values = period_values(JurisdictionFactory(), D(1995, 1, 1), D(2005, 3, 1), end_precision="year")
        assert_refused(**values)

    def test_unknown_precision_is_rejected(self):
        assert_refused(**period_values(JurisdictionFactory(), D(1995, 1, 1), start_precision="week"))

    def test_less_precise_dates_on_the_first_are_accepted(self):
        period = RegimePeriod.objects.create(
            **period_values(
                JurisdictionFactory(), D(1995, 1, 1), D(2005, 6, 1), start_precision="year", end_precision="month"
            )
        )
        assert (period.start_display, period.end_display) == ("1995", "June 2005")

    def test_full_clean_names_the_precision_problem(self):
        period = RegimePeriod(**period_values(JurisdictionFactory(), D(1995, 6, 1), start_precision="year"))
        with pytest.raises(ValidationError, match="with year precision, 1 January"):
            period.full_clean()


class TestRegimePeriodCoding:
    def test_varies_with_a_model_is_rejected(self):
        assert_refused(**period_values(JurisdictionFactory(), D(2000, 1, 1), varies_within=True))

    def test_model_without_treatments_is_rejected(self):
        assert_refused(**period_values(JurisdictionFactory(), D(2000, 1, 1), treatment_of_clients=""))

    def test_unknown_treatment_slug_is_rejected(self):
        assert_refused(**period_values(JurisdictionFactory(), D(2000, 1, 1), treatment_of_workers="tolerated"))

    def test_varies_without_model_or_treatments_is_accepted(self):
        period = RegimePeriod.objects.create(
            jurisdiction=JurisdictionFactory(), varies_within=True, start_date=D(1990, 1, 1)
        )
        assert period.legal_model is None


class TestJurisdictionIdentity:
    def test_duplicate_slug_is_rejected(self):
        JurisdictionFactory(slug="sweden")
        with pytest.raises(IntegrityError), transaction.atomic():
            Jurisdiction.objects.create(name="Sweden again", slug="sweden", region="europe")

    def test_duplicate_iso_code_is_rejected(self):
        JurisdictionFactory(iso_code="SE")
        with pytest.raises(IntegrityError), transaction.atomic():
            JurisdictionFactory(iso_code="SE")

    def test_many_jurisdictions_may_have_no_iso_code(self):
        JurisdictionFactory(iso_code="", kind="county", parent=JurisdictionFactory())
        JurisdictionFactory(iso_code="", kind="county", parent=JurisdictionFactory())
        assert Jurisdiction.objects.filter(kind="county", iso_code="").count() == 2

    def test_malformed_iso_code_is_rejected(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            JurisdictionFactory(iso_code="se")

    def test_duplicate_source_url_is_rejected(self):
        SourceFactory(url="https://example.org/act")
        with pytest.raises(IntegrityError), transaction.atomic():
            SourceFactory(url="https://example.org/act")


class TestParentCycles:
    def test_jurisdiction_cannot_be_its_own_parent(self):
        state = JurisdictionFactory(kind="state", parent=JurisdictionFactory())
        state.parent_id = state.pk
        with pytest.raises(IntegrityError), transaction.atomic():
            state.save()

    def test_longer_cycle_is_rejected_by_the_trigger(self):
        top = JurisdictionFactory(kind="state", parent=None)
        middle = JurisdictionFactory(kind="county", parent=top)
        bottom = JurisdictionFactory(kind="city", parent=middle)
        with pytest.raises(IntegrityError, match="own descendant"), transaction.atomic():
            Jurisdiction.objects.filter(pk=top.pk).update(parent=bottom)

    def test_clean_reports_a_cycle_as_a_form_error(self):
        top = JurisdictionFactory(kind="state", parent=None)
        child = JurisdictionFactory(kind="county", parent=top)
        top.parent = child
        with pytest.raises(ValidationError, match="part of itself"):
            top.full_clean()

    def test_country_cannot_have_a_parent(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            JurisdictionFactory(kind="country", parent=JurisdictionFactory())


class TestProtectedDeletes:
    def test_cited_source_cannot_be_deleted(self):
        source = SourceFactory()
        RegimePeriodFactory(cited=source)
        with pytest.raises(ProtectedError):
            source.delete()

    def test_source_cited_by_an_event_cannot_be_deleted(self):
        source = SourceFactory()
        PolicyEventFactory(cited=source)
        with pytest.raises(ProtectedError):
            source.delete()

    def test_jurisdiction_with_periods_cannot_be_deleted(self):
        period = RegimePeriodFactory()
        with pytest.raises(ProtectedError):
            period.jurisdiction.delete()

    def test_jurisdiction_with_units_cannot_be_deleted(self):
        parent = JurisdictionFactory()
        JurisdictionFactory(kind="state", parent=parent)
        with pytest.raises(ProtectedError):
            parent.delete()


class TestEventDates:
    @pytest.mark.parametrize("precision,date", [("month", D(2003, 6, 28)), ("year", D(2003, 6, 1))])
    def test_date_must_match_its_precision(self, precision, date):
        with pytest.raises(IntegrityError), transaction.atomic():
            PolicyEventFactory(date_precision=precision, date=date)

    @pytest.mark.parametrize("precision,date", [("month", D(2003, 6, 1)), ("year", D(2003, 1, 1))])
    def test_dates_at_their_precision_are_accepted(self, precision, date):
        event = PolicyEventFactory(date_precision=precision, date=date)
        assert PolicyEvent.objects.get(pk=event.pk).date_precision == precision
