import datetime
from pathlib import Path

import pytest

from jurisdictions.dataset import read_dataset
from jurisdictions.models import Jurisdiction, RegimePeriod, RegimePeriodSource, Source
from jurisdictions.services import load_dataset
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, legal_model
from tests.shared_data import make_sweden, shared_copy, shared_per_module

D = datetime.date
BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"


def build_atlas():
    """Sweden (partial → Nordic 1999), New Zealand (partial → decriminalisation 2003),
    Belgium (partial → decriminalisation 2022), and the small federation of tests/data/basic."""
    sweden = make_sweden()
    nz = JurisdictionFactory(name="New Zealand", slug="new-zealand", iso_code="NZ", region="oceania")
    RegimePeriodFactory(
        jurisdiction=nz,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(2003, 6, 28),
        in_force_before_start=True,
        treatment_of_workers="partially_criminalized",
        treatment_of_third_parties="criminalized",
    )
    in_force = PolicyEventFactory(
        jurisdiction=nz,
        slug="nz-pra-in-force",
        date=D(2003, 6, 28),
        title="The Prostitution Reform Act 2003 comes into force",
    )
    RegimePeriodFactory(
        jurisdiction=nz,
        start_date=D(2003, 6, 28),
        enacted_by=in_force,
        treatment_of_third_parties="regulated",
        brothels="regulated",
    )
    PolicyEventFactory(
        jurisdiction=nz,
        slug="nz-pra-passed",
        date=D(2003, 6, 25),
        kind="law_passed",
        title="Parliament passes the Prostitution Reform Act 2003",
    )
    belgium = JurisdictionFactory(name="Belgium", slug="belgium", iso_code="BE")
    RegimePeriodFactory(
        jurisdiction=belgium,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(2022, 6, 1),
        in_force_before_start=True,
        treatment_of_workers="partially_criminalized",
        treatment_of_third_parties="criminalized",
    )
    RegimePeriodFactory(jurisdiction=belgium, start_date=D(2022, 6, 1))
    PolicyEventFactory(
        jurisdiction=belgium,
        slug="be-2022-year",
        date=D(2022, 1, 1),
        date_precision="year",
        kind="law_passed",
        title="Belgium reforms its criminal code",
    )
    load_dataset(read_dataset(BASIC))
    return {"sweden": sweden, "new-zealand": nz, "belgium": belgium}


shared_atlas = shared_per_module(build_atlas)


@pytest.fixture
def atlas(shared_atlas, db):
    """The atlas of ``build_atlas()``, written once per test module (see ``shared_per_module``)."""
    return shared_copy(shared_atlas)


@pytest.fixture
def many_jurisdictions(atlas):
    """Sixty more coded jurisdictions, to show query counts do not grow with the data.

    The rows are those the factories would write (a published country, one criminalisation
    period citing its own statute), inserted in bulk: a few statements instead of hundreds.
    """
    places = Jurisdiction.objects.bulk_create(
        [
            Jurisdiction(name=f"Crowd {n}", slug=f"crowd-{n}", kind="country", region="africa",
                         subregion="Northern Europe", last_reviewed=D(2026, 1, 1), status="published")
            for n in range(60)
        ]
    )  # fmt: skip
    criminalization = legal_model("criminalization")
    periods = RegimePeriod.objects.bulk_create(
        [
            RegimePeriod(jurisdiction=place, legal_model=criminalization, start_date=D(1995 + n % 25, 1, 1),
                         treatment_of_workers="criminalized", treatment_of_clients="criminalized",
                         treatment_of_third_parties="criminalized", confidence="high", status="published")
            for n, place in enumerate(places)
        ]
    )  # fmt: skip
    sources = Source.objects.bulk_create(
        [
            Source(slug=f"crowd-statute-{n}", title=f"Crowd statute {n}", kind="statute",
                   url=f"https://legislation.example.org/crowd/{n}")
            for n in range(60)
        ]
    )  # fmt: skip
    RegimePeriodSource.objects.bulk_create(
        [RegimePeriodSource(regime_period=period, source=source) for period, source in zip(periods, sources)]
    )
