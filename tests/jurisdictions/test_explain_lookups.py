"""``manage.py explain_lookups`` prints PostgreSQL's plan of every as-of and changed-since lookup."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_prints_a_plan_with_timings_for_each_lookup(sweden, tmp_path):
    out = io.StringIO()
    call_command("explain_lookups", stdout=out)
    text = out.getvalue()
    assert text.count("## As of a date") == 3 and text.count("## Changed since a date") == 3
    assert text.count("Execution Time") == 6
    assert "jurisdictions_regimeperiod" in text
    target = tmp_path / "plans.md"
    call_command("explain_lookups", "--output", str(target), "--since", "2010-01-01", stdout=io.StringIO())
    assert "date >= '2010-01-01'::date" in target.read_text()
