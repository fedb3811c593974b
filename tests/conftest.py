"""Shared fixtures. Tests run against a real PostgreSQL (the embedded one, or DATABASE_URL)."""

import pytest

from tests.factories import JurisdictionFactory, RegimePeriodFactory, legal_model


@pytest.fixture
def sweden(db):
    """Sweden: partial criminalisation before 1999, Nordic model since 1 January 1999."""
    import datetime

    country = JurisdictionFactory(name="Sweden", slug="sweden", iso_code="SE")
    RegimePeriodFactory(
        jurisdiction=country,
        legal_model=legal_model("partial_criminalization"),
        start_date=datetime.date(1990, 1, 1),
        end_date=datetime.date(1999, 1, 1),
        in_force_before_start=True,
        treatment_of_workers="legal",
        treatment_of_clients="legal",
        treatment_of_third_parties="criminalized",
    )
    RegimePeriodFactory(
        jurisdiction=country,
        legal_model=legal_model("nordic"),
        start_date=datetime.date(1999, 1, 1),
        treatment_of_workers="legal",
        treatment_of_clients="criminalized",
        treatment_of_third_parties="criminalized",
    )
    return country
