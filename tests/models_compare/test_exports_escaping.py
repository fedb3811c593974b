"""CSV exports escape text a spreadsheet would run as a formula (an empty atlas: only these rows)."""

import pytest

from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory
from tests.models_compare.test_exports import get_csv

pytestmark = pytest.mark.django_db


def test_formula_text_is_escaped_in_every_new_csv(client, db):
    place = JurisdictionFactory(name="=HYPERLINK(1)", slug="formula")
    RegimePeriodFactory(jurisdiction=place, notes="@SUM(A1)")
    PolicyEventFactory(jurisdiction=place, title="+cmd")
    assert get_csv(client, "periods_csv")[1][0]["notes"] == "'@SUM(A1)"
    assert get_csv(client, "events_csv")[1][0]["title"] == "'+cmd"
    assert get_csv(client, "panel_csv", **{"from": "2020", "to": "2020"})[1][0]["jurisdiction_name"] == "'=HYPERLINK(1)"
