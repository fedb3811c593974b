"""The curated world dataset in fixtures/: valid, complete, and loadable twice without changes."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from jurisdictions.dataset import read_dataset
from jurisdictions.models import Jurisdiction
from jurisdictions.services import load_dataset
from jurisdictions.validation import EXPECTED_COUNTRY_CODES, validate_dataset

DATASET = Path(settings.ATLAS_FIXTURES_DIR)


# The whole curated dataset: read, validated and loaded.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dataset():
    return read_dataset(DATASET)


def test_the_dataset_passes_validation_with_full_coverage(dataset):
    assert validate_dataset(dataset, today=timezone.localdate(), require_coverage=True) == []


def test_validate_command_passes():
    call_command("validate_atlas", coverage=True)


def test_covers_the_required_units(dataset):
    codes = {record.iso_code for record in dataset.jurisdictions.values()}
    assert codes >= EXPECTED_COUNTRY_CODES
    us_states = [r for r in dataset.jurisdictions.values() if r.parent_slug == "united-states"]
    assert len(us_states) == 51  # 50 states and the District of Columbia
    nevada_counties = {r.slug for r in dataset.jurisdictions.values() if r.parent_slug == "nevada"}
    # Sixteen counties and Carson City; Clark and Washoe may not license brothels.
    assert len(nevada_counties) == 17 and {"clark-county-nevada", "washoe-county-nevada"} <= nevada_counties
    assert {r.slug for r in dataset.jurisdictions.values() if r.parent_slug == "united-kingdom"} == {
        "england-and-wales",
        "scotland",
        "northern-ireland",
    }
    australia = [r for r in dataset.jurisdictions.values() if r.parent_slug == "australia"]
    assert len(australia) == 8


def test_every_record_cites_a_source_and_states_its_confidence(dataset):
    for record in dataset.jurisdictions.values():
        for period in record.periods:
            assert period.citations and period.confidence in {"high", "medium", "low"}, period.origin
    for event in dataset.events.values():
        assert event.citations, event.origin


@pytest.mark.parametrize(
    "slug,year,model",
    [
        ("sweden", 1998, "partial_criminalization"),
        ("sweden", 1999, "nordic"),
        ("norway", 2009, "nordic"),
        ("netherlands", 2001, "legalization"),
        ("new-zealand", 2002, "partial_criminalization"),
        ("new-zealand", 2004, "decriminalization"),
        ("canada", 2015, "nordic"),
        ("france", 2017, "nordic"),
        ("ireland", 2018, "nordic"),
        ("belgium", 2021, "partial_criminalization"),
        ("belgium", 2023, "decriminalization"),
        ("northern-ireland", 2016, "nordic"),
        ("england-and-wales", 2020, "partial_criminalization"),
        ("united-states", 2020, "varies"),
        ("nevada", 2020, "varies"),
        ("clark-county-nevada", 2020, "criminalization"),
        ("storey-county-nevada", 2020, "legalization"),
        ("maine", 2024, "nordic"),
        ("maine", 2022, "criminalization"),
        ("israel", 2021, "nordic"),
        ("india", 2020, "partial_criminalization"),
        ("germany", 2018, "legalization"),
        ("queensland", 2025, "decriminalization"),
        ("victoria", 2024, "decriminalization"),
        ("new-south-wales", 2000, "decriminalization"),
        ("northern-territory", 2021, "decriminalization"),
    ],
)
def test_landmark_reforms_are_coded(dataset, slug, year, model):
    import datetime

    record = dataset.jurisdictions[slug]
    day = datetime.date(year, 7, 1)
    current = [p for p in record.periods if p.start_date <= day and (p.end_date is None or p.end_date > day)]
    assert len(current) == 1
    assert (current[0].legal_model or "varies") == model


@pytest.mark.django_db
def test_the_whole_dataset_loads_and_reloads_without_changes(dataset):
    first = load_dataset(dataset)
    assert first.counts["jurisdictions"]["created"] == len(dataset.jurisdictions)
    second = load_dataset(dataset)
    assert not second.changed
    assert Jurisdiction.objects.with_regime().filter(regime_period_id__isnull=True).count() == 0
