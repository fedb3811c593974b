"""Read logic for jurisdictions and their dated records.

Every time-dependent method takes a date (``at`` / ``as_of``) defaulting to
today. What "in force" means is written once, in ``in_force.py``.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.postgres.lookups import TrigramSimilar, TrigramWordSimilar
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import models
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    FilteredRelation,
    FloatField,
    Func,
    OuterRef,
    Q,
    Value,
    When,
)
from django.db.models.functions import Concat, Greatest
from django.db.models.lookups import Contains, Exact, StartsWith
from django.utils import timezone

from .in_force import in_force_q

# Search: longer text is cut; a fuzzy match below this is noise ("uk" and "Chuuk" score 0.33).
SEARCH_MAX_LENGTH = 100
FUZZY_MATCH = 0.45
EXACT_MATCH = 3.0


def fold(expression) -> Func:
    """``atlas_fold(expression)``: lower case, accents removed, punctuation as single spaces.

    The SQL function (migration 0006, on PostgreSQL's ``unaccent``) makes "Côte d’Ivoire" and
    "COTE D'IVOIRE" one key, "cote d ivoire"; a trigram index covers ``atlas_fold(name)``.
    """
    return Func(expression, function="atlas_fold", output_field=CharField())


def name_match(key, term, *, inside_words: bool = True) -> Case:
    """How well a folded name matches the folded search term: 3 the same, 2 (+ similarity) a
    prefix, 1.5 (+ similarity) a later word's prefix, 1 (+ similarity) anywhere inside a word
    (unless ``inside_words`` is false: "uk" inside "Chuuk" is noise), else the trigram word
    similarity (0 to 1, for typos)."""
    similarity = TrigramSimilarity(key, term)
    inside = [When(Contains(key, term), then=Value(1.0) + similarity)] if inside_words else []
    return Case(
        When(Exact(key, term), then=Value(EXACT_MATCH)),
        When(StartsWith(key, term), then=Value(2.0) + similarity),
        When(Contains(Concat(Value(" "), key), Concat(Value(" "), term)), then=Value(1.5) + similarity),
        *inside,
        default=TrigramWordSimilarity(term, key),
        output_field=FloatField(),
    )


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

        # published(), not public(): the jurisdiction is the outer row, so its own status is
        # the caller's filter (Jurisdiction.public); joining it again here only costs time.
        period_changed = (
            RegimePeriod.objects.published()
            .filter(jurisdiction=OuterRef("pk"))
            .filter(Q(start_date__gte=since) | Q(end_date__gte=since))
        )
        event_happened = PolicyEvent.objects.published().filter(jurisdiction=OuterRef("pk"), date__gte=since)
        return self.filter(Exists(period_changed) | Exists(event_happened))

    def roots(self) -> JurisdictionQuerySet:
        """Jurisdictions without a parent (countries and territories listed on their own)."""
        return self.filter(parent__isnull=True)

    def search(self, text: str) -> JurisdictionQuerySet:
        """Jurisdictions whose name, alias, former name, ISO code or slug matches ``text``, best first.

        Case, accents and punctuation are ignored ("cote divoire" finds Côte d'Ivoire, "turkiye"
        Turkey through its alias Türkiye). Each row gets ``search_rank``: 3 for an exact name,
        alias, ISO code or slug ("UK" is the United Kingdom's alias, so it beats Ukraine, whose
        name merely starts with "uk"), 2 and more for a name that starts with the text, 1.5 and
        more for a later word that does ("kingdom"), else the trigram word similarity (typos);
        matches below ``FUZZY_MATCH`` are left out. Ties: countries before their units, then by
        name. Two queries: the aliases (a small table) first, then the jurisdictions, whose
        conditions each use an index (a trigram index on the folded name).
        """
        from .models import JurisdictionAlias

        # PostgreSQL refuses NUL in text: hostile input must not become an error page.
        text = " ".join(str(text).replace("\x00", " ").split())[:SEARCH_MAX_LENGTH]
        if not any(character.isalnum() for character in text):
            # Nothing to match ("%", "-"), but the same columns as a search: callers order by them.
            return self.none().annotate(
                name_rank=Value(0.0, output_field=FloatField()),
                alias_rank=Value(0.0, output_field=FloatField()),
                matched_alias=Value("", output_field=CharField()),
                matched_alias_kind=Value("", output_field=CharField()),
                search_rank=Value(0.0, output_field=FloatField()),
            )
        term = fold(Value(text))
        inside_words = len(text) >= 3
        best_alias: dict[int, tuple[float, str, str]] = {}
        for jurisdiction_id, rank, name, kind in (
            JurisdictionAlias.objects.annotate(rank=name_match(fold(F("name")), term, inside_words=inside_words))
            .filter(rank__gte=FUZZY_MATCH)
            .values_list("jurisdiction_id", "rank", "name", "kind")
        ):
            if rank > best_alias.get(jurisdiction_id, (0.0,))[0]:
                best_alias[jurisdiction_id] = (rank, name, kind)
        name_key = fold(F("name"))
        found = (
            Q(Contains(name_key, term))
            | Q(TrigramSimilar(name_key, term))
            | Q(TrigramWordSimilar(name_key, term))
            | Q(iso_code=text.upper())
            | Q(slug=text.lower())
            | Q(pk__in=list(best_alias))
        )

        def by_alias(index: int, default, output_field):
            return Case(
                *(When(pk=pk, then=Value(best[index])) for pk, best in best_alias.items()),
                default=Value(default),
                output_field=output_field,
            )

        code_rank = Case(
            When(Q(iso_code=text.upper()) | Q(slug=text.lower()), then=Value(EXACT_MATCH)),
            default=Value(0.0),
            output_field=FloatField(),
        )
        return (
            self.filter(found)
            .annotate(
                name_rank=name_match(name_key, term, inside_words=inside_words),
                alias_rank=by_alias(0, 0.0, FloatField()),
                matched_alias=by_alias(1, "", CharField()),
                matched_alias_kind=by_alias(2, "", CharField()),
            )
            .annotate(search_rank=Greatest(F("name_rank"), F("alias_rank"), code_rank))
            .filter(search_rank__gte=FUZZY_MATCH)
            .order_by("-search_rank", F("parent_id").asc(nulls_first=True), "name", "pk")
        )


_JurisdictionManager = models.Manager.from_queryset(JurisdictionQuerySet)


class PublicJurisdictionManager(_JurisdictionManager):
    """``Jurisdiction.public``: only jurisdictions a reviewer has published. Public pages use it."""

    def get_queryset(self) -> JurisdictionQuerySet:
        return cast(JurisdictionQuerySet, super().get_queryset().filter(published_q()))
