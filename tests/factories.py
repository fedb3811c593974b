"""factory_boy factories for every model; each builds a valid, saved row."""

import datetime
from typing import TYPE_CHECKING, Any, TypeVar

import factory

from jurisdictions.models import (
    Jurisdiction,
    LegalModel,
    PolicyEvent,
    PolicyEventSource,
    RegimePeriod,
    RegimePeriodSource,
    Source,
)

M = TypeVar("M")


class ModelFactory(factory.django.DjangoModelFactory[M]):
    """A factory whose call returns the model it builds, for the type checker too.

    factory_boy types ``create()`` and ``build()`` but not calling the factory class itself,
    which runs ``create()``; the declaration below says what that call returns.
    """

    class Meta:
        abstract = True

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> M: ...  # type: ignore[misc]  # see above


def legal_model(slug: str) -> LegalModel:
    """The migration-created legal model with this slug."""
    return LegalModel.objects.get(slug=slug)


class JurisdictionFactory(ModelFactory[Jurisdiction]):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Jurisdiction {n}")
    slug = factory.Sequence(lambda n: f"jurisdiction-{n}")
    kind = "country"
    region = "europe"
    subregion = "Northern Europe"
    last_reviewed = datetime.date(2026, 1, 1)
    status = "published"


class SourceFactory(ModelFactory[Source]):
    class Meta:
        model = Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Statute {n}")
    url = factory.Sequence(lambda n: f"https://legislation.example.org/statute/{n}")
    kind = "statute"


def cite_event(event: PolicyEvent, create: bool, extracted: Source | None, **kwargs: Any) -> None:
    """After a factory saved ``event``: cite ``cited=<source>``, or a new source."""
    if create:
        PolicyEventSource.objects.create(event=event, source=extracted or SourceFactory())


def cite_period(period: RegimePeriod, create: bool, extracted: Source | None, **kwargs: Any) -> None:
    """After a factory saved ``period``: cite ``cited=<source>``, or a new source."""
    if create:
        RegimePeriodSource.objects.create(regime_period=period, source=extracted or SourceFactory())


class PolicyEventFactory(ModelFactory[PolicyEvent]):
    class Meta:
        model = PolicyEvent
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    slug = factory.Sequence(lambda n: f"event-{n}")
    date = datetime.date(2003, 6, 28)
    date_precision = "day"
    kind = "law_in_force"
    title = factory.Sequence(lambda n: f"Law {n} comes into force")
    confidence = "high"
    status = "published"

    cited = factory.PostGeneration(cite_event)


class RegimePeriodFactory(ModelFactory[RegimePeriod]):
    """A decriminalisation period from 2003-06-28, still in force, citing one source."""

    class Meta:
        model = RegimePeriod
        skip_postgeneration_save = True

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    legal_model = factory.LazyFunction(lambda: legal_model("decriminalization"))
    start_date = datetime.date(2003, 6, 28)
    end_date = None
    treatment_of_workers = "legal"
    treatment_of_clients = "legal"
    treatment_of_third_parties = "legal"
    confidence = "high"
    status = "published"

    cited = factory.PostGeneration(cite_period)
