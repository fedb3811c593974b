"""The data version moves with every change the public could see, whatever route made it."""

import datetime
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction

from jurisdictions.data_version import current_data_version, forget_data_version, per_data_version
from jurisdictions.dataset import read_dataset
from jurisdictions.models import Jurisdiction, LegalModel, PolicyEvent, RegimePeriod, RegimePeriodSource, Source
from jurisdictions.services import load_dataset, publish, unpublish
from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, SourceFactory

BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"


def number() -> int:
    return current_data_version().number


def bumps(change) -> bool:
    before = number()
    change()
    return number() > before


@pytest.mark.django_db
class TestEveryRouteBumpsTheVersion:
    def test_orm_saves_and_deletes(self, sweden):
        period = RegimePeriod.objects.filter(jurisdiction=sweden).first()
        assert bumps(lambda: JurisdictionFactory(slug="norway"))
        assert bumps(lambda: Jurisdiction.objects.filter(slug="norway").update(name="Norway"))
        assert bumps(lambda: SourceFactory(slug="uncited"))
        assert bumps(lambda: PolicyEventFactory(jurisdiction=sweden))
        assert bumps(lambda: RegimePeriodSource.objects.filter(regime_period=period).delete())
        assert bumps(lambda: LegalModel.objects.filter(slug="nordic").update(summary="Buying sex is an offence."))
        assert bumps(lambda: PolicyEvent.objects.filter(jurisdiction=sweden).delete())
        assert bumps(lambda: Source.objects.filter(slug="uncited").delete())

    def test_publishing_and_unpublishing(self, sweden):
        draft = RegimePeriodFactory(
            jurisdiction=JurisdictionFactory(slug="norway"), status="draft", start_date=datetime.date(2009, 1, 1)
        )
        assert bumps(lambda: publish(record=draft))
        assert bumps(lambda: unpublish(record=draft, continuation="not_recorded"))

    def test_dataset_load(self, db):
        assert bumps(lambda: load_dataset(read_dataset(BASIC)))

    def test_raw_sql_from_a_shell(self, sweden):
        def raw():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE jurisdictions_jurisdiction SET notes = 'checked' WHERE slug = 'sweden'")

        assert bumps(raw)

    def test_reading_does_not_bump(self, sweden):
        assert not bumps(lambda: list(Jurisdiction.public.with_regime()))

    def test_changed_at_moves_forward_by_at_least_a_second(self, sweden):
        first = current_data_version()
        JurisdictionFactory(slug="norway")
        JurisdictionFactory(slug="denmark")
        third = current_data_version()
        assert third.number == first.number + 2
        assert third.changed_at >= first.changed_at + datetime.timedelta(seconds=2)


def other_connection():
    """A second session on the same database, as another server would have."""
    params = connection.get_connection_params()
    return psycopg.connect(
        **{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}}, autocommit=True
    )


def version_seen_by(other) -> int:
    return other.execute("SELECT number FROM jurisdictions_dataversion WHERE id = 1").fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_version_moves_once_per_transaction_at_commit():
    with other_connection() as other:
        before = version_seen_by(other)
        with transaction.atomic():
            JurisdictionFactory(slug="norway")
            JurisdictionFactory(slug="denmark")
            Jurisdiction.objects.filter(slug="norway").update(notes="x")
            # Not yet committed: nobody else may see a new version before the data it stands for.
            assert version_seen_by(other) == before
        assert version_seen_by(other) == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_process_that_wrote_reads_the_new_version_at_once(settings):
    settings.ATLAS_DATA_VERSION_MAX_AGE = 3600
    forget_data_version()
    remembered = number()
    assert number() == remembered  # remembered, not read again
    JurisdictionFactory(slug="norway")
    assert number() == remembered + 1


@pytest.mark.django_db(transaction=True)
def test_another_process_write_is_seen_once_the_remembered_version_expires(settings):
    settings.ATLAS_DATA_VERSION_MAX_AGE = 0.2
    forget_data_version()
    remembered = number()
    with other_connection() as other:
        other.execute("UPDATE jurisdictions_legalmodel SET summary = summary || '.' WHERE slug = 'nordic'")

    time.sleep(0.25)
    assert number() == remembered + 1


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_a_history_context_keeps_the_wrapper_stack_balanced():
    """The version's execute wrapper goes under pghistory's, so leaving the context removes pghistory's.

    A request thread's first query opens its connection inside pghistory's middleware context;
    the session save after the middleware must not run pghistory's wrapper outside its context.
    """
    import threading

    import pghistory
    from pghistory.runtime import _inject_history_context

    seen: dict[str, Any] = {}

    def request_thread():
        try:
            with pghistory.context(url="/test"):
                Jurisdiction.objects.count()  # this thread's connection opens inside the context
            seen["left_behind"] = _inject_history_context in connection.execute_wrappers
            seen["count"] = Jurisdiction.objects.count()  # a query after the context
        except Exception as error:  # reported below, in the test's own thread
            seen["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=request_thread)
    thread.start()
    thread.join()
    assert "error" not in seen, seen.get("error")
    assert seen == {"left_behind": False, "count": 0}


@pytest.mark.django_db(transaction=True)
def test_a_derived_value_is_computed_once_per_version_and_again_after_a_change():
    forget_data_version()
    computed = []

    def names():
        computed.append(1)
        return sorted(Jurisdiction.objects.values_list("name", flat=True))

    assert per_data_version("names", names) == []
    assert per_data_version("names", names) == []
    assert len(computed) == 1  # the same version: remembered
    JurisdictionFactory(slug="norway", name="Norway")  # commits: a new version
    assert per_data_version("names", names) == ["Norway"]
    assert per_data_version("other key", names) == ["Norway"]
    assert len(computed) == 3
    # Inside a transaction that wrote, the version moves only at commit: nothing is kept.
    with transaction.atomic():
        JurisdictionFactory(slug="denmark", name="Denmark")
        assert per_data_version("names", names) == ["Denmark", "Norway"]
        assert per_data_version("names", names) == ["Denmark", "Norway"]
    assert len(computed) == 5
    assert per_data_version("names", names) == ["Denmark", "Norway"]
    assert len(computed) == 6
