"""`manage.py backup` and `manage.py restore`: a round trip gives back every row."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from jurisdictions.backups import backup_file_name
from jurisdictions.models import PolicyEvent, RegimePeriod, Source
from tests.factories import PolicyEventFactory, RegimePeriodFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def every_row() -> dict[str, list]:
    """Every row of every table in the database, sorted, by table."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        rows = {}
        for table in sorted(tables):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from the database's own catalogue)
            rows[table] = sorted(map(repr, cursor.fetchall()))
    return rows


def test_backup_then_restore_gives_back_every_row(tmp_path):
    RegimePeriodFactory(notes="Before the backup")
    PolicyEventFactory()
    before = every_row()
    assert before["jurisdictions_regimeperiod"] and before["jurisdictions_regimeperiodhistory"]

    call_command("backup", directory=tmp_path, stdout=io.StringIO())
    (backup,) = tmp_path.glob("atlas-*.dump")

    # Changes after the backup: an edit, a deletion, a new row.
    RegimePeriod.objects.update(notes="After the backup")
    Source.objects.create(slug="later", title="Later", url="https://example.org/later", kind="news")
    PolicyEvent.objects.all().delete()
    assert every_row() != before

    call_command("restore", str(backup), interactive=False, stdout=io.StringIO())
    assert every_row() == before


def test_backup_file_is_named_with_the_date():
    import datetime

    when = datetime.datetime(2026, 12, 1, 22, 5, 9, tzinfo=datetime.UTC)
    assert backup_file_name(when) == "atlas-2026-12-01-220509.dump"


def test_restore_refuses_a_missing_file(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="is not a file"):
        call_command("restore", str(tmp_path / "nothing.dump"), interactive=False)


def test_restore_refuses_a_broken_file_and_changes_nothing(tmp_path):
    from django.core.management.base import CommandError

    RegimePeriodFactory()
    before = every_row()
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("restore", str(broken), interactive=False)
    assert every_row() == before
