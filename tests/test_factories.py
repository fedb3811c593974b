import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory",
    [
        factories.JurisdictionFactory,
        factories.SourceFactory,
        factories.PolicyEventFactory,
        factories.RegimePeriodFactory,
    ],
)
def test_every_factory_builds_a_valid_saved_row(factory):
    instance = factory()
    instance.full_clean()
    assert instance.pk is not None
