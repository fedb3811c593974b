"""Read logic at its boundaries: periods start inclusive and end exclusive."""

import datetime

import pytest

from jurisdictions.in_force import in_force_on
from jurisdictions.models import Jurisdiction, PolicyEvent, RegimePeriod
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, legal_model

pytestmark = pytest.mark.django_db

D = datetime.date


def regime_of(slug, as_of):
    return Jurisdiction.objects.with_regime(as_of=as_of).get(slug=slug)


class TestWithRegime:
    def test_last_day_before_a_reform_has_the_old_model(self, sweden):
        assert regime_of("sweden", D(1998, 12, 31)).regime_model_slug == "partial_criminalization"

    def test_first_day_of_a_reform_has_the_new_model(self, sweden):
        current = regime_of("sweden", D(1999, 1, 1))
        assert current.regime_model_slug == "nordic"
        assert current.regime_since == D(1999, 1, 1)
        assert current.regime_clients == "criminalized"

    def test_before_any_recorded_period_there_is_no_regime(self, sweden):
        assert regime_of("sweden", D(1989, 12, 31)).regime_model_slug is None

    def test_default_date_is_today(self, sweden):
        assert Jurisdiction.objects.with_regime().get(slug="sweden").regime_model_slug == "nordic"

    def test_jurisdiction_without_periods_is_still_listed(self, sweden):
        JurisdictionFactory(slug="terra-incognita")
        slugs = list(Jurisdiction.objects.with_regime(as_of=D(2000, 1, 1)).values_list("slug", flat=True))
        assert "terra-incognita" in slugs and "sweden" in slugs

    def test_varies_is_annotated(self):
        RegimePeriodFactory(
            jurisdiction=JurisdictionFactory(slug="federation"),
            legal_model=None,
            varies_within=True,
            treatment_of_workers="",
            treatment_of_clients="",
            treatment_of_third_parties="",
            start_date=D(1990, 1, 1),
        )
        federation = regime_of("federation", D(2000, 1, 1))
        assert federation.regime_varies is True and federation.regime_model_slug is None

    def test_whole_list_costs_one_query_whatever_its_length(self, sweden, django_assert_num_queries):
        for n in range(30):
            RegimePeriodFactory(jurisdiction=JurisdictionFactory(), start_date=D(2000 + n % 20, 1, 1))
        with django_assert_num_queries(1):
            rows = list(Jurisdiction.objects.with_regime(as_of=D(2010, 6, 1)))
        assert len(rows) == 31
        assert {row.regime_model_slug for row in rows} >= {"nordic", "decriminalization"}

    def test_can_filter_on_the_regime(self, sweden):
        RegimePeriodFactory(jurisdiction=JurisdictionFactory(slug="aotearoa"), start_date=D(2003, 6, 28))
        nordic = Jurisdiction.objects.with_regime(as_of=D(2005, 1, 1)).filter(regime_model_slug="nordic")
        assert [j.slug for j in nordic] == ["sweden"]


class TestRegimePeriodQueries:
    def test_in_force_is_start_inclusive_end_exclusive(self, sweden):
        on_switch = RegimePeriod.objects.filter(jurisdiction=sweden).in_force(D(1999, 1, 1))
        assert [p.legal_model.slug for p in on_switch] == ["nordic"]

    @pytest.mark.parametrize("at", [D(1989, 12, 31), D(1990, 1, 1), D(1998, 12, 31), D(1999, 1, 1), D(2030, 1, 1)])
    def test_loaded_rows_agree_with_the_query(self, sweden, at):
        periods = RegimePeriod.objects.filter(jurisdiction=sweden)
        in_python = {p.pk for p in periods if in_force_on(p, at)}
        assert in_python == set(periods.in_force(at).values_list("pk", flat=True))
        assert len(in_python) == (0 if at < D(1990, 1, 1) else 1)


class TestEventQueries:
    def test_newest_first(self):
        PolicyEventFactory(date=D(1995, 1, 1))
        PolicyEventFactory(date=D(2015, 1, 1))
        assert [e.date.year for e in PolicyEvent.objects.newest_first()] == [2015, 1995]


class TestChangedSince:
    def test_period_starting_on_the_date_counts(self, sweden):
        assert list(Jurisdiction.objects.changed_since(D(1999, 1, 1))) == [sweden]

    def test_period_starting_before_the_date_does_not(self, sweden):
        assert list(Jurisdiction.objects.changed_since(D(1999, 1, 2))) == []

    def test_an_event_on_the_date_counts(self, sweden):
        other = JurisdictionFactory()
        PolicyEventFactory(jurisdiction=other, date=D(2020, 7, 10))
        assert list(Jurisdiction.objects.changed_since(D(2020, 7, 10))) == [other]

    def test_a_period_ending_after_the_date_counts(self):
        country = JurisdictionFactory()
        RegimePeriodFactory(
            jurisdiction=country,
            start_date=D(1990, 1, 1),
            end_date=D(2022, 6, 1),
            legal_model=legal_model("partial_criminalization"),
        )
        assert list(Jurisdiction.objects.changed_since(D(2022, 1, 1))) == [country]
