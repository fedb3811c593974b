"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

Playwright cannot download browsers here, so the tests use /usr/bin/chromium (`make setup-browser`
installs it). Without it they are skipped, with the reason shown in the summary.
"""

import datetime
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told that this is safe (it is: nothing here is async).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("ATLAS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
BASIC = Path(__file__).resolve().parent.parent / "data" / "basic"
D = datetime.date


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: run `make setup-browser`")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB", "accept_downloads": True}


@pytest.fixture(scope="session")
def _migrated_data(django_db_setup, django_db_blocker):
    """The rows the migrations create (the five legal models), serialised once."""
    from django.db import connection

    contents = getattr(connection, "_test_serialized_contents", None)
    if contents is None:
        with django_db_blocker.unblock():
            contents = connection.creation.serialize_db_to_string()
    return contents


@pytest.fixture(autouse=True)
def _keep_migrated_data(_migrated_data):
    """Make ``serialized_rollback`` work under Playwright.

    pytest-django serialises the migrated database onto the connection object of the main
    thread. While Playwright's event loop runs in that thread, Django's connection handler
    (an asgiref Local) hands out a context-local connection object instead, which lacks the
    serialised copy, so a browser test's flush would lose the migration-created rows for good.
    Putting the copy on that connection lets each browser test restore them.
    """
    from django.db import connection

    connection._test_serialized_contents = _migrated_data  # type: ignore[attr-defined]  # Django sets it; not in its stubs


@pytest.fixture
def atlas(transactional_db):
    """A small atlas, committed so the live server's own connection sees it.

    Sweden (partial criminalisation → Nordic 1999), New Zealand (partial → decriminalisation
    2003), the Netherlands (legalisation), and the federation of tests/data/basic (a `varies`
    country with a decriminalised province).
    """
    from jurisdictions.dataset import read_dataset
    from jurisdictions.services import load_dataset
    from tests.factories import JurisdictionFactory, PolicyEventFactory, RegimePeriodFactory, legal_model

    sweden = JurisdictionFactory(name="Sweden", slug="sweden", iso_code="SE")
    RegimePeriodFactory(
        jurisdiction=sweden,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(1999, 1, 1),
        in_force_before_start=True,
        treatment_of_workers="legal",
        treatment_of_clients="legal",
        treatment_of_third_parties="criminalized",
    )
    sweden_law = PolicyEventFactory(
        jurisdiction=sweden,
        slug="se-1999-in-force",
        date=D(1999, 1, 1),
        title="The Swedish Sex Purchase Act comes into force",
    )
    RegimePeriodFactory(
        jurisdiction=sweden,
        legal_model=legal_model("nordic"),
        start_date=D(1999, 1, 1),
        enacted_by=sweden_law,
        treatment_of_workers="legal",
        treatment_of_clients="criminalized",
        treatment_of_third_parties="criminalized",
    )
    nz = JurisdictionFactory(
        name="New Zealand", slug="new-zealand", iso_code="NZ", region="oceania", subregion="Australia and New Zealand"
    )
    RegimePeriodFactory(
        jurisdiction=nz,
        legal_model=legal_model("partial_criminalization"),
        start_date=D(1990, 1, 1),
        end_date=D(2003, 6, 28),
        in_force_before_start=True,
        treatment_of_workers="partially_criminalized",
        treatment_of_third_parties="criminalized",
    )
    nz_law = PolicyEventFactory(
        jurisdiction=nz,
        slug="nz-pra-in-force",
        date=D(2003, 6, 28),
        title="The Prostitution Reform Act 2003 comes into force",
        description="Sex work is decriminalised; brothel operators need a certificate.",
    )
    RegimePeriodFactory(
        jurisdiction=nz,
        start_date=D(2003, 6, 28),
        enacted_by=nz_law,
        treatment_of_third_parties="regulated",
        brothels="regulated",
    )
    netherlands = JurisdictionFactory(name="Netherlands", slug="netherlands", iso_code="NL", subregion="Western Europe")
    RegimePeriodFactory(
        jurisdiction=netherlands,
        legal_model=legal_model("legalization"),
        start_date=D(2000, 10, 1),
        treatment_of_workers="regulated",
        treatment_of_clients="legal",
        treatment_of_third_parties="regulated",
    )
    load_dataset(read_dataset(BASIC))
    return {"sweden": sweden, "new-zealand": nz, "netherlands": netherlands}
