"""Read logic for jurisdictions and their dated records.

Every time-dependent method takes a date (``at`` / ``as_of``) defaulting to
today. What "in force" means is written once, in ``in_force.py``.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.db import models
from django.db.models import Case, Exists, F, FilteredRelation, OuterRef, Q, When
from django.utils import timezone

from .in_force import in_force_q


def published_q(prefix: str = "") -> Q:
    """Q for records the public may see (reviewers have published them)."""
    return Q(**{f"{prefix}status": "published"})


def public_parent_slug() -> Case:
    """The parent's slug as exports give it: NULL while the parent is a draft (see ``Jurisdiction.public_parent``)."""
    return Case(When(published_q("parent__"), then=F("parent__slug")), default=None)


def _today() -> datetime.date:
    return timezone.localdate()


class RegimePeriodQuerySet(models.QuerySet):
    def published(self) -> RegimePeriodQuerySet:
        """Periods a reviewer has published (whatever their jurisdiction's status)."""
        return self.filter(published_q())

    def public(self) -> RegimePeriodQuerySet:
        """Periods the public may see: published, of a published jurisdiction."""
        return self.filter(published_q(), published_q("jurisdiction__"))

    def in_force(self, at: datetime.date | None = None) -> RegimePeriodQuerySet:
        """Periods in force on ``at`` (default today)."""
        return self.filter(in_force_q(at or _today()))

    def starting_after(self, at: datetime.date | None = None) -> RegimePeriodQuerySet:
        """Periods that begin after ``at`` (default today): laws passed but not yet in force."""
        return self.filter(start_date__gt=at or _today())


class PolicyEventQuerySet(models.QuerySet):
    def published(self) -> PolicyEventQuerySet:
        """Events a reviewer has published (whatever their jurisdiction's status)."""
        return self.filter(published_q())

    def public(self) -> PolicyEventQuerySet:
        """Events the public may see: published, and international or of a published jurisdiction."""
        return self.filter(published_q()).filter(Q(jurisdiction__isnull=True) | published_q("jurisdiction__"))

    def up_to(self, at: datetime.date | None = None) -> PolicyEventQuerySet:
        """Events that had happened by ``at`` (inclusive; default today)."""
        return self.filter(date__lte=at or _today())

    def after(self, at: datetime.date | None = None) -> PolicyEventQuerySet:
        """Events dated after ``at`` (default today): what is scheduled, e.g. a law's coming into force."""
        return self.filter(date__gt=at or _today())

    def newest_first(self) -> PolicyEventQuerySet:
        return self.order_by("-date", "-id")


# Names of the values ``with_regime`` annotates, each read from the period in force.
REGIME_ANNOTATIONS = {
    "regime_period_id": "regime__id",
    "regime_varies": "regime__varies_within",
    "regime_model_slug": "regime__legal_model__slug",
    "regime_model_name": "regime__legal_model__name",
    "regime_model_position": "regime__legal_model__position",
    "regime_since": "regime__start_date",
    "regime_since_precision": "regime__start_precision",
    "regime_began_earlier": "regime__in_force_before_start",
    "regime_until": "regime__end_date",
    "regime_workers": "regime__treatment_of_workers",
    "regime_clients": "regime__treatment_of_clients",
    "regime_third_parties": "regime__treatment_of_third_parties",
    "regime_confidence": "regime__confidence",
}


class JurisdictionQuerySet(models.QuerySet):
    def with_regime(self, as_of: datetime.date | None = None) -> JurisdictionQuerySet:
        """Annotate each jurisdiction with the published regime in force on ``as_of`` (default today).

        One LEFT JOIN on the period in force (published periods never overlap, so
        at most one matches): the whole list costs a single query. Jurisdictions
        with no published period on that date get NULLs.
        """
        at = as_of or _today()
        return self.annotate(
            regime=FilteredRelation(
                "regime_periods",
                condition=in_force_q(at, prefix="regime_periods__") & published_q("regime_periods__"),
            )
        ).annotate(**{name: F(path) for name, path in REGIME_ANNOTATIONS.items()})

    def changed_since(self, since: datetime.date) -> JurisdictionQuerySet:
        """Jurisdictions whose published regime began or ended, or that had a published event, on or after ``since``."""
        from .models import PolicyEvent, RegimePeriod

        period_changed = (
            RegimePeriod.objects.public()
            .filter(jurisdiction=OuterRef("pk"))
            .filter(Q(start_date__gte=since) | Q(end_date__gte=since))
        )
        event_happened = PolicyEvent.objects.public().filter(jurisdiction=OuterRef("pk"), date__gte=since)
        return self.filter(Exists(period_changed) | Exists(event_happened))

    def roots(self) -> JurisdictionQuerySet:
        """Jurisdictions without a parent (countries and territories listed on their own)."""
        return self.filter(parent__isnull=True)


_JurisdictionManager = models.Manager.from_queryset(JurisdictionQuerySet)


class PublicJurisdictionManager(_JurisdictionManager):
    """``Jurisdiction.public``: only jurisdictions a reviewer has published. Public pages use it."""

    def get_queryset(self) -> JurisdictionQuerySet:
        return cast(JurisdictionQuerySet, super().get_queryset().filter(published_q()))
