"""Test data shared by several modules, and a way to write it once per module instead of per test."""

import copy
import datetime
import importlib

import pytest
from django.db import transaction

from tests.factories import JurisdictionFactory, RegimePeriodFactory, legal_model

D = datetime.date


def shared_per_module(build):
    """Turn ``build()`` into a module-scoped fixture: rows written once per test module.

    The rows are written in a transaction that is rolled back when the module's tests are done.
    Each test runs in a savepoint inside it (pytest-django's ``db``), so what a test writes is
    undone after that test, and every later database test of the module sees the shared rows.
    Use it through a function-scoped fixture that returns ``copy.deepcopy()`` of the objects, so a
    change a test makes to them in memory cannot leak into the next test.
    """

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            block = transaction.atomic()
            block.__enter__()
            try:
                data = build()
            except BaseException:
                transaction.set_rollback(True)
                block.__exit__(None, None, None)
                raise
        yield data
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)

    fixture.__doc__ = build.__doc__
    return fixture


def shared_copy(data):
    """A per-test copy of shared fixture objects (see ``shared_per_module``)."""
    return copy.deepcopy(data)


def make_sweden():
    """Sweden: partial criminalisation before 1999, Nordic model since 1 January 1999."""
    country = JurisdictionFactory(name="Sweden", slug="sweden", iso_code="SE")
    RegimePeriodFactory(
        jurisdiction=country,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(1999, 1, 1),
        in_force_before_start=True,
        treatment_of_workers="legal",
        treatment_of_clients="legal",
        treatment_of_third_parties="criminalized",
    )
    RegimePeriodFactory(
        jurisdiction=country,
        legal_model=legal_model("nordic"),
        start_date=D(1999, 1, 1),
        treatment_of_workers="legal",
        treatment_of_clients="criminalized",
        treatment_of_third_parties="criminalized",
    )
    return country


def restore_migrated_rows() -> None:
    """Put back the five legal models that a migration creates, if they are gone.

    A transactional test empties every table when it ends; with ``--reuse-db`` the next run
    would start without them.
    """
    from jurisdictions.models import LegalModel

    migration = importlib.import_module("models_compare.migrations.0002_the_five_legal_models")
    for values in migration.LEGAL_MODELS:
        LegalModel.objects.update_or_create(slug=values["slug"], defaults=values)
    # ... as later migrations left them.
    described = importlib.import_module("jurisdictions.migrations.0009_model_definitions")
    for slug, values in described.CHANGES.items():
        LegalModel.objects.filter(slug=slug).update(**values)
